/**
 * `npm run bench`: throughput and latency of the hot paths, printed as a table.
 * Runs on embedded PGlite, and also on the PostgreSQL server of DATABASE_URL when it is set
 * (in a scratch database that is dropped afterwards). BENCH_USERS sets the list size
 * (default: 1,000,000 on a server, 100,000 on PGlite).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadSettings } from '../../src/config/load-settings';
import { createLogger } from '../../src/create-logger';
import { BcryptPasswordHasher } from '../../src/features/user';
import { migrateToLatest, openDatabase, type Database } from '../../src/shared/database';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { benchAppends } from './event-store.bench';
import { benchHttp } from './http.bench';
import { benchJwt } from './jwt.bench';
import { benchUsersList } from './users-list.bench';
import { measure, printTable, type Measurement } from './measure';

interface BenchTarget {
  readonly label: string;
  readonly db: Database;
  readonly users: number;
  dispose(): Promise<void>;
}

async function embeddedTarget(): Promise<BenchTarget> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ul-bench-'));
  const db = await openDatabase({ kind: 'embedded', dataDir, port: 0 });
  await migrateToLatest(db);
  return {
    label: 'pglite',
    db,
    users: Number(process.env.BENCH_USERS ?? 100_000),
    dispose: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function serverTarget(adminUrl: string): Promise<BenchTarget> {
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
    users: Number(process.env.BENCH_USERS ?? 1_000_000),
    dispose: async () => {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function benchHashing(): Promise<Measurement[]> {
  const { settings } = loadSettings({ APP_ENV: 'local' });
  const hasher = new BcryptPasswordHasher({
    pepper: settings.password.pepper,
    cost: settings.password.hasherWorkFactor,
    maxConcurrent: settings.password.hasherMaxConcurrency,
    waitTimeoutMs: 60_000,
  });
  return [
    await measure(`bcrypt hash, cost ${settings.password.hasherWorkFactor}, 8 concurrent`, 'cpu', 32, 8, () =>
      hasher.hash(randomUUID()),
    ),
  ];
}

async function main(): Promise<void> {
  const rows: Measurement[] = [...benchJwt(), ...(await benchHashing())];
  const targets = [await embeddedTarget()];
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') targets.push(await serverTarget(url));
  const logger = createLogger('silent');
  for (const target of targets) {
    const store = new PgEventStore(target.db);
    try {
      rows.push(...(await benchAppends(store, target.label)));
      rows.push(...(await benchHttp(target.db, store, target.label, logger)));
      rows.push(...(await benchUsersList(target.db, target.label, target.users)));
    } finally {
      await store.close();
      await target.dispose();
    }
  }
  process.stdout.write(`\nuserledger benchmarks on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`);
  printTable(rows);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
