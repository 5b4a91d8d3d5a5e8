import { loadSettings } from '../../src/config/load-settings';
import { dataDirOf } from '../../src/configured-stores';
import { openDatabase, resolveDatabaseTarget } from '../../src/shared/database';
import { EventStoreUnavailableError, type EventStore } from '../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';

/**
 * The configured event store, opened for reading only. Unlike the service and the projections
 * tool, an audit creates no database and migrates nothing: pointed at the wrong place it says so
 * instead of answering from an empty log. On EventStoreDB it needs no PostgreSQL at all; on the
 * embedded database it attaches to a running service's server (or starts it, as the scripts do).
 */
export async function withEventStore<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
  const { settings } = loadSettings();
  if (settings.eventStore.kind === 'eventstoredb') {
    const store = EventStoreDbEventStore.fromConnectionString(settings.eventStore.connectionString);
    try {
      return await work(store).catch(naming(`EventStoreDB at ${settings.eventStore.connectionString.replace(/\/\/[^@/]*@/, '//***@')}`));
    } finally {
      await store.close();
    }
  }
  const target = resolveDatabaseTarget({ ...settings.database, dataDir: dataDirOf(settings), poolMax: 4 });
  // No logger: a failure is the one line the tool prints, not a log record beside it.
  const database = await openDatabase(target);
  const store = new PgEventStore(database);
  try {
    return await work(store).catch(naming(`PostgreSQL at ${database.location}`));
  } finally {
    await store.close();
    await database.close();
  }
}

const UNDEFINED_TABLE = '42P01';

/** An unreachable store, named, so that the one line says which one. */
function naming(where: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof EventStoreUnavailableError) throw new EventStoreUnavailableError(`The event store (${where}) is unavailable`, { cause: error.cause });
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) throw new Error(`${where} holds no event log (${(error as Error).message}): is it the service's database?`);
    throw error;
  };
}
