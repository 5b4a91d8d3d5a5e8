import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Database } from '../../src/shared/database/database';
import { startEmbeddedCluster } from '../../src/shared/database/embedded/embedded-cluster';
import { migrateToLatest } from '../../src/shared/database/migrate';
import { openDatabase } from '../../src/shared/database/open-database';
import { TcpProxy } from './tcp-proxy';

/**
 * The PostgreSQL server of a test run: the one of DATABASE_URL when it is set, else an embedded
 * server (the one `npm start` runs) started for the run in a temporary folder, without fsync.
 * One migrated database on it is shared by every test file; tests isolate themselves by their
 * own random ids. Services that need a log of their own get a database of their own.
 */
let server: Promise<string> | undefined;
let shared: Promise<Database> | undefined;
let sharedUrl: string | undefined;
const cleanups: Array<() => Promise<void>> = [];

/**
 * The same server through its Unix socket, as `postgres:///db?host=<folder>` (the form the
 * README gives), or undefined where the server has no socket on this machine.
 */
export async function testServerSocketUrl(database: string): Promise<string | undefined> {
  const tcp = new URL(await testServerUrl());
  const folders = await withAdminClient(tcp.toString(), async (client) => {
    const { rows } = await client.query<{ dirs: string }>("SELECT current_setting('unix_socket_directories') AS dirs");
    return (rows[0]?.dirs ?? '').split(',').map((dir) => dir.trim().replace(/^"|"$/g, ''));
  });
  const folder = folders.find((dir) => dir.startsWith('/') && existsSync(path.join(dir, `.s.PGSQL.${tcp.port || 5432}`)));
  if (folder === undefined) return undefined;
  const params = new URLSearchParams({ host: folder, port: tcp.port || '5432', user: decodeURIComponent(tcp.username) });
  if (tcp.password !== '') params.set('password', decodeURIComponent(tcp.password));
  return `postgres:///${database}?${params.toString()}`;
}

/** A URL of this run's server whose role may create databases. */
export function testServerUrl(): Promise<string> {
  server ??= (async () => {
    const url = process.env.DATABASE_URL;
    if (url !== undefined && url !== '') return url;
    const dataDir = freshDataDir('ul-test-cluster-');
    const cluster = await startEmbeddedCluster({ dataDir, port: 0, durable: false });
    cleanups.push(async () => {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const { user, password, port } = cluster.connection;
    return `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
  })();
  return server;
}

export function openTestDatabase(): Promise<Database> {
  shared ??= (async () => {
    const created = await createServerDatabase(await testServerUrl());
    sharedUrl = created.url;
    const db = await openDatabase({ kind: 'server', url: created.url, poolMax: 20 });
    cleanups.push(async () => {
      await db.close();
      await created.drop();
    });
    await migrateToLatest(db);
    return db;
  })();
  return shared;
}

/** The URL of the shared test database (after openTestDatabase), for tests that need a connection of their own. */
export function serverTestDatabaseUrl(): string | undefined {
  return sharedUrl;
}

/** A new empty temporary folder (the caller removes it), e.g. a DATA_DIR. */
export function freshDataDir(prefix = 'ul-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * An empty database of its own on the server of `adminUrl`, for a service whose event log is
 * not the shared one (its checkpoints must not meet another log's positions).
 */
export async function createServerDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ul_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function closeTestDatabase(): Promise<void> {
  const pending = cleanups.splice(0).reverse();
  shared = undefined;
  server = undefined;
  sharedUrl = undefined;
  for (const cleanup of pending) await cleanup();
}

/** This run's test database reached through a TCP proxy a test can cut, to stage a PostgreSQL outage. */
export async function openTestDatabaseThroughProxy(poolMax = 4): Promise<{ proxy: TcpProxy; database: Database }> {
  await openTestDatabase();
  const serverUrl = new URL(serverTestDatabaseUrl() as string);
  const proxy = await TcpProxy.start({ host: serverUrl.hostname, port: Number(serverUrl.port || 5432) });
  const viaProxy = new URL(serverUrl);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  return { proxy, database: await openDatabase({ kind: 'server', url: viaProxy.toString(), poolMax }) };
}
