import path from 'node:path';
import type { Settings } from './config/settings';
import { databaseTargetOf, ensureServerDatabase, migrateToLatest, openDatabase, resolveDatabaseTarget, type Database } from './shared/database';
import type { EventStore } from './shared/event-store/event-store';
import { ChainingEventStore } from './shared/event-store/integrity/chaining-event-store';
import { EventStoreDbEventStore } from './shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from './shared/event-store/pg/pg-event-store';
import type { Logger } from './shared/logger';
import { PROJECT_ROOT } from './shared/project-root';

/*
 * The stores as the settings name them, apart from the service itself, so that the scripts
 * (npm run projections, create-super-admin) load no HTTP layer or feature to reach them.
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

/** The configured adapter as every writer in the service uses it: each append chained to its stream's head. */
export function eventStoreFor(settings: Settings, database: Database, logger: Logger): EventStore {
  return new ChainingEventStore(adapterFor(settings, database, logger));
}

/**
 * The adapter alone, with events exactly as stored: what the integrity check hashes, so no
 * decorator that changes what a reader sees (an upcaster, a decryption) may sit on it.
 */
export function adapterFor(settings: Settings, database: Database, logger: Logger): EventStore {
  if (settings.eventStore.kind === 'postgres') return new PgEventStore(database);
  return EventStoreDbEventStore.fromConnectionString(settings.eventStore.connectionString, {
    onSubscriptionDropped: (error, resumeAfter) =>
      logger.warn({ err: error, resumeAfter: resumeAfter?.toString() }, 'EventStoreDB subscription dropped; resubscribing'),
  });
}
