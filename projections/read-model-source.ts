import { randomUUID } from 'node:crypto';
import type { Database } from '../src/shared/database/database';
import type { EventStore } from '../src/shared/event-store/event-store';
import { WrongExpectedVersionError } from '../src/shared/event-store/event-store';

/** The stream that names an event log: its first event carries the log's id. */
export const LOG_IDENTITY_STREAM = 'userledger-log';

/** The read tables were folded from another event log than the one configured. */
export class ReadModelsFromAnotherLogError extends Error {
  override readonly name = 'ReadModelsFromAnotherLogError';
  constructor(
    readonly expectedLogId: string,
    readonly actualLogId: string,
  ) {
    super(
      `The read tables in this database were built from another event log (${expectedLogId}) than the configured event store's (${actualLogId}). ` +
        'Point DATABASE_URL or DATA_DIR at a fresh database to rebuild them from this log, or configure the event store they came from.',
    );
  }
}

/**
 * Ties the database's read tables to the configured event log, the first time either is used,
 * and refuses a mismatch afterwards: switching EVENT_STORE, or restarting an in-memory
 * EventStoreDB, would otherwise leave checkpoints that point into a different log.
 */
export async function claimReadModelsForLog(db: Database, eventStore: EventStore, kind: string, now: Date): Promise<string> {
  const logId = await logIdOf(eventStore, now);
  await db.transaction((trx) => trx('read_model_source').insert({ id: 1, log_id: logId, event_store: kind }).onConflict('id').ignore());
  const row = (await db.knex('read_model_source').where({ id: 1 }).first('log_id')) as { log_id: string };
  if (row.log_id !== logId) throw new ReadModelsFromAnotherLogError(row.log_id, logId);
  return logId;
}

/** The log's id, written once with no_stream; a concurrent first start reads the winner's. */
async function logIdOf(eventStore: EventStore, now: Date): Promise<string> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const [first] = await eventStore.readStream(LOG_IDENTITY_STREAM, { maxCount: 1 });
    const known = (first?.data as { logId?: unknown } | undefined)?.logId;
    if (typeof known === 'string') return known;
    const logId = randomUUID();
    try {
      const metadata = { actorId: 'system:userledger', correlationId: logId, causationId: logId, occurredAt: now.toISOString() };
      await eventStore.append(LOG_IDENTITY_STREAM, [{ id: logId, type: 'EventLogCreated', data: { logId }, metadata }], {
        expectedRevision: 'no_stream',
      });
      return logId;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
  throw new Error(`The stream '${LOG_IDENTITY_STREAM}' exists but names no log id.`);
}

/**
 * Checks, again, that the event store still serves the log the read tables came from: an
 * EventStoreDB restarted empty, or replaced, keeps its address but not its log, and the
 * checkpoints would point past every position of the new one. Throws ReadModelsFromAnotherLogError.
 */
export async function checkReadModelsLog(db: Database, eventStore: EventStore): Promise<void> {
  const row = (await db.knex('read_model_source').where({ id: 1 }).first('log_id')) as { log_id: string } | undefined;
  if (row === undefined) return;
  const [first] = await eventStore.readStream(LOG_IDENTITY_STREAM, { maxCount: 1 });
  const logId = (first?.data as { logId?: unknown } | undefined)?.logId;
  if (logId !== row.log_id) throw new ReadModelsFromAnotherLogError(row.log_id, typeof logId === 'string' ? logId : 'none: the log is empty or new');
}
