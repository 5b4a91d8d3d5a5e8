/**
 * The authenticated list request alone, for profiling: starts the service on the embedded PostgreSQL
 * (or on a scratch database of DATABASE_URL's server), logs in, and drives
 * GET /api/v1/users/ from a separate client process. Run it under `node --cpu-prof`.
 * REQUEST_PATH_OPS (default 4000) and REQUEST_PATH_CONCURRENCY (default 16) size the run.
 */
import 'reflect-metadata';
import { createLogger } from '../../src/create-logger';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { embeddedBenchDatabase, serverBenchDatabase, type BenchDatabase } from './bench-database';
import { printTable } from './measure';
import { startLoggedInService } from './bench-service';
import { remoteLoad } from './remote-load';

async function open(): Promise<BenchDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  return adminUrl === undefined || adminUrl === '' ? embeddedBenchDatabase() : serverBenchDatabase(adminUrl);
}

async function main(): Promise<void> {
  const { db, label, dispose } = await open();
  const store = new PgEventStore(db);
  const { service, cookie } = await startLoggedInService(db, store, createLogger('silent'));
  try {
    const order = {
      url: `${service.url}/api/v1/users/?limit=20`,
      cookie,
      ops: Number(process.env.REQUEST_PATH_OPS ?? 4000),
      concurrency: Number(process.env.REQUEST_PATH_CONCURRENCY ?? 16),
    };
    await remoteLoad('warm-up', label, { ...order, ops: 500 });
    const cpuBefore = process.cpuUsage();
    const row = await remoteLoad(`HTTP GET /api/v1/users/ (authenticated), ${order.concurrency} concurrent, client process`, label, order);
    const cpu = process.cpuUsage(cpuBefore);
    printTable([row]);
    // CPU of the service process per request: steadier than throughput on a shared machine.
    process.stdout.write(`service CPU per request: ${((cpu.user + cpu.system) / order.ops / 1000).toFixed(3)} ms (user ${(cpu.user / order.ops / 1000).toFixed(3)}, system ${(cpu.system / order.ops / 1000).toFixed(3)})\n`);
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
