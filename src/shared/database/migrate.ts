import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Database } from './database';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every migrations folder, in one knex migrations table, ordered by their timestamp prefixes. */
export const MIGRATION_DIRECTORIES: readonly string[] = [
  path.join(ROOT, 'src', 'shared', 'event-store', 'pg', 'migrations'),
  path.join(ROOT, 'projections', 'migrations'),
];

function migratorConfig(): Knex.MigratorConfig {
  return {
    directory: MIGRATION_DIRECTORIES.filter((directory) => existsSync(directory)),
    loadExtensions: ['.ts', '.js'],
    tableName: 'knex_migrations',
  };
}

/**
 * Applies pending migrations. In embedded mode the whole run is one transaction (each
 * migration a savepoint), so none of knex's bookkeeping statements runs outside one.
 */
export async function migrateToLatest(db: Database): Promise<readonly string[]> {
  const config = migratorConfig();
  if (config.directory === undefined || config.directory.length === 0) return [];
  const [, applied] = (db.kind === 'embedded'
    ? await db.transaction((trx) => trx.migrate.latest(config))
    : await db.knex.migrate.latest(config)) as [number, string[]];
  return applied;
}
