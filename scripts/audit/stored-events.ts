import { loadSettings } from '../../src/config/load-settings';
import { adapterFor, openConfiguredDatabase } from '../../src/configured-stores';
import { createLogger } from '../../src/create-logger';
import type { EventStore } from '../../src/shared/event-store/event-store';

/**
 * The configured event store as stored (beside a running service, its embedded database): the
 * bare adapter, neither upcast nor chained, since the tamper evidence covers what is stored.
 */
export async function withStoredEvents<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
  const { settings } = loadSettings();
  const logger = createLogger(settings.logs.level === 'silent' ? 'silent' : 'warn', process.stderr);
  const { database } = await openConfiguredDatabase(settings, logger, { attachToRunningService: true });
  const store = adapterFor(settings, database, logger);
  try {
    return await work(store);
  } finally {
    await store.close();
    await database.close();
  }
}
