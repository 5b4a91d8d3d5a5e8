import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { Client, type ClientConfig } from 'pg';
import type { Database } from './database';

const CODE_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every migrations folder, in one knex migrations table, ordered by their timestamp prefixes. */
export const MIGRATION_DIRECTORIES: readonly string[] = [
  path.join(CODE_ROOT, 'src', 'shared', 'event-store', 'pg', 'migrations'),
  path.join(CODE_ROOT, 'projections', 'migrations'),
  path.join(CODE_ROOT, 'src', 'features', 'users', 'adapters', 'migrations'),
];

const TABLE = 'knex_migrations';
/** Any constant, the same in every process: they queue on it. */
const MIGRATION_LOCK = "hashtextextended('userledger:migrations', 0)";

/**
 * Migrations named by file name without its extension, so that the TypeScript sources and the
 * compiled JavaScript in dist/ are the same migrations to knex.
 */
class FolderMigrations implements Knex.MigrationSource<string> {
  constructor(private readonly directories: readonly string[]) {}

  getMigrations(): Promise<string[]> {
    const files = this.directories
      .filter((directory) => existsSync(directory))
      .flatMap((directory) =>
        readdirSync(directory)
          .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
          .map((file) => path.join(directory, file)),
      );
    return Promise.resolve(files.sort((a, b) => nameOf(a).localeCompare(nameOf(b))));
  }

  getMigrationName(file: string): string {
    return nameOf(file);
  }

  async getMigration(file: string): Promise<Knex.Migration> {
    return (await import(file)) as Knex.Migration;
  }
}

const nameOf = (file: string): string => path.basename(file).replace(/\.(ts|js)$/, '');

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so that processes started at
 * the same moment on a fresh database take turns instead of racing knex into creating its own
 * tables twice. The lock is held on a connection of its own, outside the pool knex migrates with.
 */
export async function migrateToLatest(db: Database): Promise<readonly string[]> {
  const settings = (db.knex.client as { connectionSettings: ClientConfig }).connectionSettings;
  const lock = new Client(settings);
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    // Databases migrated before names lost their extension recorded '<name>.ts'.
    await lock.query(`DO $$ BEGIN
      IF to_regclass('${TABLE}') IS NOT NULL THEN
        UPDATE ${TABLE} SET name = regexp_replace(name, '\\.(ts|js)$', '') WHERE name ~ '\\.(ts|js)$';
      END IF;
    END $$`);
    const [, applied] = (await db.knex.migrate.latest({ migrationSource: new FolderMigrations(MIGRATION_DIRECTORIES), tableName: TABLE })) as [
      number,
      string[],
    ];
    return applied;
  } finally {
    await lock.end();
  }
}
