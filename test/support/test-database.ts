import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import type { Database } from '../../src/shared/database/database';
import { openDatabase } from '../../src/shared/database/open-database';
import { migrateToLatest } from '../../src/shared/database/migrate';

/**
 * One migrated database per test run, shared by every test file: a fresh `ul_test_<random>`
 * database on the server of DATABASE_URL when it is set (dropped at the end), else PGlite in a
 * temporary directory. Tests isolate themselves by their own random ids.
 */
let shared: Promise<Database> | undefined;
let embedded: Promise<Database> | undefined;
let serverDatabaseUrl: string | undefined;
const cleanups: Array<() => Promise<void>> = [];

export function openTestDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') return openEmbeddedTestDatabase();
  shared ??= openServerTestDatabase(url);
  return shared;
}

/** PGlite behind its socket, as `npm start` runs it, whatever DATABASE_URL says. */
export function openEmbeddedTestDatabase(): Promise<Database> {
  embedded ??= (async () => {
    const dataDir = await freshPgliteDataDir();
    const db = await openDatabase({ kind: 'embedded', dataDir, port: 0 });
    cleanups.push(async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    await migrateToLatest(db);
    return db;
  })();
  return embedded;
}

/** A new temporary PGlite data directory, already initialised; the caller removes it. */
export async function freshPgliteDataDir(): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ul-test-pglite-'));
  cpSync(await pgliteTemplate(), dataDir, { recursive: true });
  return dataDir;
}

/**
 * A freshly initialised PGlite directory, made once per machine and PGlite version: initdb
 * under WASM takes seconds, copying its result a few milliseconds.
 */
async function pgliteTemplate(): Promise<string> {
  const manifest = path.resolve(__dirname, '..', '..', 'node_modules', '@electric-sql', 'pglite', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const template = path.join(os.tmpdir(), `ul-pglite-template-${version}`);
  if (existsSync(template)) return template;
  const building = mkdtempSync(`${template}-building-`);
  const db = await PGlite.create({ dataDir: building });
  await db.close();
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** The URL of this run's server database, for tests that need a connection of their own. */
export function serverTestDatabaseUrl(): string | undefined {
  return serverDatabaseUrl;
}

async function openServerTestDatabase(adminUrl: string): Promise<Database> {
  const created = await createServerDatabase(adminUrl);
  serverDatabaseUrl = created.url;
  const db = await openDatabase({ kind: 'server', url: serverDatabaseUrl, poolMax: 20 });
  cleanups.push(async () => {
    await db.close();
    await created.drop();
  });
  await migrateToLatest(db);
  return db;
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
  embedded = undefined;
  for (const cleanup of pending) await cleanup();
}
