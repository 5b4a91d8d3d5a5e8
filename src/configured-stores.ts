import path from 'node:path';
import type { Settings } from './config/settings';
import { authSessionEventSchemas } from './features/sessions';
import { userEventSchemas } from './features/users';
import { databaseTargetOf, ensureServerDatabase, migrateToLatest, openDatabase, resolveDatabaseTarget, type Database } from './shared/database';
import { EventSchemaRegistry } from './shared/event-schemas';
import type { EventStore } from './shared/event-store/event-store';
import { EventStoreDbEventStore } from './shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from './shared/event-store/pg/pg-event-store';
import { UpcastingEventStore } from './shared/event-store/upcasting-event-store';
import type { Logger } from './shared/logger';
import { PROJECT_ROOT } from './shared/project-root';

/*
 * The stores as the settings name them, apart from the service itself, so that the scripts
 * (npm run projections, create-super-admin) reach them without building the app.
 */

/** The data folder as configured, resolved against the repository so `npm start` works from anywhere. */
export function dataDirOf(settings: Settings): string {
  return path.resolve(PROJECT_ROOT, settings.database.dataDir);
}

/**
 * A second process (the projector, a script beside `npm start`) attaches to the embedded server
 * that a running service owns instead of starting it.
 */
export async function openConfiguredDatabase(
  settings: Settings,
  logger: Logger,
  options: { readonly attachToRunningService?: boolean } = {},
): Promise<{ database: Database; ownsEmbeddedDatabase: boolean }> {
  const databaseSettings = { ...settings.database, dataDir: dataDirOf(settings) };
  const target = options.attachToRunningService === true ? resolveDatabaseTarget(databaseSettings) : databaseTargetOf(databaseSettings);
  if (target.kind === 'server') await ensureServerDatabase(target.url);
  const database = await openDatabase(target, {
    logger: { warn: (message) => logger.warn(message), error: (message) => logger.error(message) },
    log: (message) => logger.info(message),
  });
  try {
    const applied = await migrateToLatest(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await database.close();
    throw error;
  }
  logger.info({ database: database.location }, 'database ready');
  return { database, ownsEmbeddedDatabase: target.kind === 'embedded' };
}

export function eventStoreFor(settings: Settings, database: Database, logger: Logger): UpcastingEventStore {
  return inCurrentShapes(adapterFor(settings, database, logger));
}

/** The features' event schemas, each declared by its own feature, as the features' routes are. */
export const eventSchemas = new EventSchemaRegistry([userEventSchemas, authSessionEventSchemas]);

/** Any adapter as every reader in the service sees it: stamped on append, upcast on read. */
export function inCurrentShapes(store: EventStore): UpcastingEventStore {
  return new UpcastingEventStore(store, eventSchemas);
}

function adapterFor(settings: Settings, database: Database, logger: Logger): EventStore {
  if (settings.eventStore.kind === 'postgres') return new PgEventStore(database);
  return EventStoreDbEventStore.fromConnectionString(settings.eventStore.connectionString, {
    onSubscriptionDropped: (error, resumeAfter) =>
      logger.warn({ err: error, resumeAfter: resumeAfter?.toString() }, 'EventStoreDB subscription dropped; resubscribing'),
  });
}
