/**
 * `npm run bench`: throughput and latency of the hot paths, printed as a table.
 * Runs on the embedded PostgreSQL, and also on the PostgreSQL server of DATABASE_URL when it is set
 * (in a scratch database that is dropped afterwards). BENCH_USERS sets the list size
 * (default: 1,000,000 on a server, 100,000 embedded). With EVENTSTORE_CONNECTION_STRING set,
 * the event-store rows also run through the EventStoreDB adapter against that server.
 *
 * `npm run bench -- log-read`: pages of the global log on a log of BENCH_LOG_EVENTS events
 * (default 3,000,000) seeded by SQL, on the server of DATABASE_URL when set, else embedded.
 * `npm run bench -- rebuild`: `npm run projections -- rebuild users` on BENCH_REBUILD_USERS users
 * (default 500,000: a million events) seeded by SQL, its floor, and the live worker's steady fold.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadSettings } from '../../src/config/load-settings';
import { createLogger } from '../../src/create-logger';
import { BcryptPasswordHasher } from '../../src/features/users';
import { EventStoreDbEventStore } from '../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { benchCatchUp } from './catch-up.bench';
import { embeddedBenchDatabase, serverBenchDatabase, type BenchDatabase } from './bench-database';
import { benchAppends } from './event-store.bench';
import { benchHttp } from './http.bench';
import { benchFootprint, benchStartModes, printFootprint } from './footprint.bench';
import { benchJwt } from './jwt.bench';
import { benchLogRead } from './log-read.bench';
import { benchRebuild, printRebuild } from './rebuild.bench';
import { benchUsersList } from './users-list.bench';
import { measure, printTable, type Measurement } from './measure';

interface BenchTarget extends BenchDatabase {
  readonly users: number;
}

const withUsers = (target: BenchDatabase, fallback: number): BenchTarget => ({
  ...target,
  users: Number(process.env.BENCH_USERS ?? fallback),
});

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
  const footprint = await benchFootprint();
  const rows: Measurement[] = [...benchJwt(), ...(await benchHashing())];
  const targets = [withUsers(await embeddedBenchDatabase(), 100_000)];
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') targets.push(withUsers(await serverBenchDatabase(url), 1_000_000));
  const logger = createLogger('silent');
  for (const target of targets) {
    const store = new PgEventStore(target.db);
    try {
      rows.push(...(await benchAppends(store, target.label)));
      rows.push(await benchCatchUp(store, target.label));
      rows.push(...(await benchHttp(target.db, store, target.label, logger)));
      rows.push(...(await benchUsersList(target.db, target.label, target.users)));
    } finally {
      await store.close();
      await target.dispose();
    }
  }
  const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
  if (esdb !== undefined && esdb !== '') {
    const store = EventStoreDbEventStore.fromConnectionString(esdb);
    try {
      rows.push(...(await benchAppends(store, 'eventstoredb')));
      rows.push(await benchCatchUp(store, 'eventstoredb'));
    } finally {
      await store.close();
    }
  }
  process.stdout.write(`\nuserledger benchmarks on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`);
  printTable(rows);
  printFootprint(footprint);
}

/** A scratch database of its own: on the server of DATABASE_URL when it is set, else embedded. */
async function scratchDatabase(): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  return url !== undefined && url !== '' ? serverBenchDatabase(url) : embeddedBenchDatabase();
}

async function logRead(): Promise<void> {
  const target = await scratchDatabase();
  const store = new PgEventStore(target.db);
  try {
    const rows = await benchLogRead(target.db, store, target.label, Number(process.env.BENCH_LOG_EVENTS ?? 3_000_000));
    process.stdout.write(`\nuserledger log-read benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`);
    printTable(rows);
  } finally {
    await store.close();
    await target.dispose();
  }
}

async function rebuild(): Promise<void> {
  const target = await scratchDatabase();
  const store = new PgEventStore(target.db);
  try {
    const users = Number(process.env.BENCH_REBUILD_USERS ?? 500_000);
    const figures = await benchRebuild(target.db, store, createLogger('silent'), users, Number(process.env.BENCH_STEADY_USERS ?? 100_000));
    process.stdout.write(`\nuserledger rebuild benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n\n`);
    printRebuild(figures, target.label);
  } finally {
    await store.close();
    await target.dispose();
  }
}

const commands: Record<string, () => Promise<void>> = {
  rebuild,
  start: async () => printFootprint(await benchStartModes()),
  'log-read': logRead,
};
const command = process.argv[2];
const run = command === undefined ? main : commands[command];
if (run === undefined) {
  process.stderr.write(`unknown bench '${command}'; known: ${Object.keys(commands).join(', ')} (none: the full run)\n`);
  process.exit(2);
}

run().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
