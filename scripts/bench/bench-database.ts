import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateToLatest, openDatabase, type Database } from '../../src/shared/database';

/** A migrated database the benchmarks may fill and throw away. */
export interface BenchDatabase {
  readonly label: 'embedded' | 'postgres';
  readonly db: Database;
  dispose(): Promise<void>;
}

/** The embedded PostgreSQL in a temporary directory, removed afterwards. */
export async function embeddedBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ul-bench-'));
  const db = await openDatabase({ kind: 'embedded', dataDir, port: 0, poolMax: 20 });
  await migrateToLatest(db);
  return {
    label: 'embedded',
    db,
    dispose: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A scratch database on the server of adminUrl, dropped afterwards. */
export async function serverBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `ul_bench_${Date.now().toString(36)}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'server', url: url.toString(), poolMax: 20 });
  await migrateToLatest(db);
  return {
    label: 'postgres',
    db,
    dispose: async () => {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
