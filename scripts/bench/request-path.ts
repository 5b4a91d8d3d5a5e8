/**
 * The authenticated list request alone, for profiling: starts the service on the embedded PostgreSQL
 * (or on a scratch database of DATABASE_URL's server), logs in, and drives
 * GET /api/v1/users/ from a separate client process. Run it under `node --cpu-prof`.
 * REQUEST_PATH_SECONDS (default 10) and REQUEST_PATH_CONCURRENCY (default 16) size the run.
 */
import 'reflect-metadata';
import { createLogger } from '../../src/create-logger';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { embeddedBenchDatabase, serverBenchDatabase, type BenchDatabase } from './bench-database';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript that npm runs before any TypeScript support
const { compile } = require('../compile.js') as { compile(): unknown };
import { startLoggedInService } from './bench-service';
import { remoteLoad } from './remote-load';

async function open(): Promise<BenchDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  return adminUrl === undefined || adminUrl === '' ? embeddedBenchDatabase() : serverBenchDatabase(adminUrl);
}

async function main(): Promise<void> {
  const { db, label, dispose } = await open();
  const store = new PgEventStore(db);
  compile();
  const { service, cookie } = await startLoggedInService(db, store, createLogger('silent'));
  try {
    const order = {
      baseUrl: service.url,
      cookie,
      connections: Number(process.env.REQUEST_PATH_CONCURRENCY ?? 16),
      warmupMs: 1_000,
      durationMs: Number(process.env.REQUEST_PATH_SECONDS ?? 10) * 1000,
      scripts: [[{ method: 'GET' as const, path: '/api/v1/users/?limit=20', status: 200 }]],
    };
    const cpuBefore = process.cpuUsage();
    const row = await remoteLoad(order);
    const cpu = process.cpuUsage(cpuBefore);
    const ops = (row.perSecond * (order.warmupMs + order.durationMs)) / 1000;
    process.stdout.write(`${label}: ${Math.round(row.perSecond)} req/s, p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms\n`);
    // CPU of the service process per request: steadier than throughput on a shared machine.
    process.stdout.write(`service CPU per request: about ${((cpu.user + cpu.system) / ops / 1000).toFixed(3)} ms\n`);
  } finally {
    await service.stop();
    await store.close();
    await dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`request-path bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
