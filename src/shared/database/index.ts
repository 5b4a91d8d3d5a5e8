export type { Database } from './database';
export { DATABASE } from './database';
export type { DatabaseLogger, DatabaseSettings, DatabaseTarget, OpenDatabaseOptions } from './open-database';
export { databaseTargetOf, openDatabase } from './open-database';
export { resolveDatabaseTarget } from './resolve-database-target';
export { migrateToLatest, MIGRATION_DIRECTORIES } from './migrate';
export { isConnectionError } from './connection-errors';
export { EmbeddedDatabaseInUseError } from './embedded-server';
export { EMBEDDED_INSTANCE_FILE } from './embedded-instance-file';
