import { claimReadModelsForLog } from '../projections';
import type { Settings } from './config/settings';
import { eventStoreFor, openConfiguredDatabase } from './configured-stores';
import type { Infrastructure } from './container';
import { withProcessMetrics } from './metrics/process-metrics';
import { maskConnectionString } from './shared/event-store/eventstoredb/connection-string';
import { systemClock, type Clock } from './shared/clock';
import type { Logger } from './shared/logger';

export async function openInfrastructure(
  settings: Settings,
  logger: Logger,
  clock: Clock = systemClock,
  options: { readonly attachToRunningService?: boolean } = {},
): Promise<Infrastructure> {
  const { database, ownsEmbeddedDatabase } = await openConfiguredDatabase(settings, logger, options);
  const { eventStore, metrics } = withProcessMetrics(settings.metrics.enabled, database, eventStoreFor(settings, database, logger), logger);
  if (settings.eventStore.kind === 'eventstoredb') {
    // Credentials may sit in the connection string; the log shows where, never who.
    logger.info({ eventStore: maskConnectionString(settings.eventStore.connectionString) }, 'events in EventStoreDB');
  }
  try {
    await claimReadModelsForLog(database, eventStore, settings.eventStore.kind, clock.now());
  } catch (error) {
    await eventStore.close();
    await database.close();
    throw error;
  }
  return { settings, logger, database, eventStore, clock, ownsEmbeddedDatabase, ...(metrics ? { metrics } : {}) };
}
