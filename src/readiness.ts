import { checkReadModelsLog, ReadModelsFromAnotherLogError } from '../projections';
import { stoppedProjections } from '../projections/operations/stopped-projections';
import type { Database } from './shared/database';
import type { EventStore } from './shared/event-store/event-store';
import type { Logger } from './shared/logger';

/** A stream that need not exist: reading it costs the event store little and proves it answers. */
const READY_PROBE_STREAM = 'userledger-ready-probe';

/** The texts never name the stores' addresses or credentials; the log has the errors. */
export async function readinessProblems(database: Database, eventStore: EventStore, logger: Logger): Promise<string[]> {
  const problems: string[] = [];
  const databaseUp = await database.query('SELECT 1', []).then(
    () => true,
    (error: unknown) => {
      logger.warn({ err: error }, 'not ready: the database does not answer');
      problems.push('database: PostgreSQL does not answer');
      return false;
    },
  );
  const eventStoreUp = await eventStore.readStream(READY_PROBE_STREAM, { maxCount: 1 }).then(
    () => true,
    (error: unknown) => {
      logger.warn({ err: error }, 'not ready: the event store does not answer');
      problems.push('event_store: the event store does not answer');
      return false;
    },
  );
  if (databaseUp && eventStoreUp) {
    try {
      await checkReadModelsLog(database, eventStore);
    } catch (error) {
      if (!(error instanceof ReadModelsFromAnotherLogError)) throw error;
      problems.push(`event_log: the event store serves another log (${error.actualLogId}) than the read tables came from (${error.expectedLogId})`);
    }
  }
  if (databaseUp) {
    for (const stopped of await stoppedProjections(database)) problems.push(`projection ${stopped.name}: stopped, ${stopped.reason}`);
  }
  return problems;
}
