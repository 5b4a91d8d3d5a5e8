import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateToLatest, openDatabase, type Database } from '../../src/shared/database';
import { startEmbeddedCluster } from '../../src/shared/database/embedded/embedded-cluster';
import type { Cleanup } from './cleanup';

/** A migrated `ul_bench_*` database of its own, dropped by the run's cleanup. */
export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Database;
  /** `PostgreSQL 15.x (server)` or `PostgreSQL 18.x (embedded)`, for the report. */
  readonly server: string;
}

export const SCRATCH_PREFIX = 'ul_bench_';
export const TEMP_PREFIX = 'ul-bench-';

/** A temporary folder under the OS's, removed by the cleanup. */
export function scratchFolder(cleanup: Cleanup, name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${name}-`));
  cleanup.add(`folder ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * On the server of DATABASE_URL when it is set, else on an embedded PostgreSQL started in a
 * temporary folder for the run (no fsync: the same server `npm test` uses).
 */
export async function openScratchDatabase(cleanup: Cleanup, databaseUrl: string | undefined, poolMax: number): Promise<ScratchDatabase> {
  let adminUrl = databaseUrl;
  let kind = 'server';
  if (adminUrl === undefined || adminUrl === '') {
    const dataDir = scratchFolder(cleanup, 'cluster');
    const cluster = await startEmbeddedCluster({ dataDir, port: 0, durable: false });
    cleanup.add('the embedded PostgreSQL', () => cluster.stop());
    const { user, password, port } = cluster.connection;
    adminUrl = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    kind = 'embedded';
  }
  const name = `${SCRATCH_PREFIX}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const admin = adminUrl;
  const version = await withAdmin(admin, async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
  });
  cleanup.add(`database ${name}`, () => withAdmin(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'server', url: url.toString(), poolMax });
  cleanup.add('the bench connection pool', () => db.close());
  await migrateToLatest(db);
  return { name, url: url.toString(), db, server: `PostgreSQL ${version.split(' ')[0] ?? version} (${kind})` };
}

async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
