import { loadSettings } from '../../src/config/load-settings';
import { createLogger } from '../../src/create-logger';
import { dataDirOf } from '../../src/configured-stores';
import { openDatabase, resolveDatabaseTarget } from '../../src/shared/database';
import type { EventStore } from '../../src/shared/event-store/event-store';
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
      return await work(store);
    } finally {
      await store.close();
    }
  }
  const logger = createLogger(settings.logs.level === 'silent' ? 'silent' : 'warn', process.stderr);
  const target = resolveDatabaseTarget({ ...settings.database, dataDir: dataDirOf(settings), poolMax: 4 });
  const database = await openDatabase(target, { logger: { warn: (message) => logger.warn(message), error: (message) => logger.error(message) } });
  const store = new PgEventStore(database);
  try {
    return await work(store);
  } finally {
    await store.close();
    await database.close();
  }
}
