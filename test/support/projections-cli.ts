import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import type { Database } from '../../src/shared/database/database';
import { openDatabase } from '../../src/shared/database/open-database';
import type { EventStore } from '../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from './eventstoredb-double';
import { runTs, startServiceProcess, type ServiceProcess } from './service-process';
import { createServerDatabase, freshDataDir, testServerUrl } from './test-database';

export type StoreKind = 'postgres' | 'eventstoredb';

export const STORES: readonly StoreKind[] = ['postgres', 'eventstoredb'];

export interface CliRun {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `npm run projections` process still running: its output so far, and its end. */
export interface RunningCli {
  readonly process: ServiceProcess;
  stdout(): string;
  stderr(): string;
  readonly done: Promise<CliRun>;
}

export interface RunningService extends ServiceProcess {
  readonly url: string;
  readonly cookie: string;
}

const ADMIN = { username: 'first.root', password: 'root-password' };
const json = { 'content-type': 'application/json' };

/**
 * One deployment of the service for a test: a database of its own on the test server and an
 * event log of its own (the database's events table, or a fresh EventStoreDB double), the
 * service and the projections tool as processes pointed at them, and a direct connection for
 * what an operator (or an accident) does by SQL.
 */
export class Deployment {
  private readonly processes: ServiceProcess[] = [];
  private sql: Client | undefined;
  private readonly connections: Client[] = [];
  private store: { db: Database; eventStore: EventStore } | undefined;

  private constructor(
    readonly kind: StoreKind,
    private readonly database: { url: string; drop(): Promise<void> },
    private readonly dataDir: string,
    private readonly double: EventStoreDbDouble | undefined,
  ) {}

  static async create(kind: StoreKind): Promise<Deployment> {
    const database = await createServerDatabase(await testServerUrl());
    const double = kind === 'eventstoredb' ? await startEventStoreDbDouble() : undefined;
    return new Deployment(kind, database, freshDataDir(), double);
  }

  get env(): NodeJS.ProcessEnv {
    return {
      APP_ENV: 'test',
      DATA_DIR: this.dataDir,
      DATABASE_URL: this.database.url,
      EVENT_STORE: this.kind,
      ...(this.double === undefined ? {} : { EVENTSTORE_CONNECTION_STRING: this.double.connectionString }),
    };
  }

  /** `npm start` with a bootstrapped super admin, logged in. */
  async startService(env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
    const service = await startServiceProcess({
      ...this.env,
      BOOTSTRAP_SUPER_ADMIN_USERNAME: ADMIN.username,
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: ADMIN.password,
      ...env,
    });
    this.processes.push(service);
    const login = await fetch(`${service.url}/api/v1/account/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
    if (login.status !== 204) throw new Error(`login answered ${login.status}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    return { ...service, cookie };
  }

  /** `npm run projections -- <args>`, started; its output is kept apart, stdout and stderr. */
  start(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
    return this.startScript('scripts/projections/main.ts', args, env);
  }

  /** A script of the project's (`scripts/…/main.ts`) against this deployment, started. */
  startScript(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
    const child = runTs(entry, args, { ...this.env, ...env });
    this.processes.push(child);
    let stdout = '';
    let stderr = '';
    child.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const done = child.exited.then((code) => ({ code, stdout, stderr }));
    return { process: child, stdout: () => stdout, stderr: () => stderr, done };
  }

  /** `npm run projections -- <args>`, to its end. */
  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    return this.start(args, env).done;
  }

  /** A query on the deployment's database, as an operator at psql would run it. */
  async query<R extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
    if (this.sql === undefined) {
      this.sql = new Client({ connectionString: this.database.url });
      await this.sql.connect();
    }
    return (await this.sql.query<R>(text, values)).rows;
  }

  /** A database session of its own, e.g. to hold a lock in a transaction; closed with the deployment. */
  async connection(): Promise<Client> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    this.connections.push(client);
    return client;
  }

  /**
   * Appends `count` users' UserCreated events straight to the event log (as many sign-ups
   * would have), each in a stream of its own; they cannot log in. Returns their usernames.
   */
  async seedUsers(count: number, prefix = 'seed'): Promise<string[]> {
    const { eventStore } = await this.openStore();
    const names = Array.from({ length: count }, (_, i) => `${prefix}.${String(i).padStart(6, '0')}`);
    const occurredAt = new Date().toISOString();
    let next = 0;
    const appendOne = async (): Promise<void> => {
      for (let i = next++; i < names.length; i = next++) {
        const userId = randomUUID();
        const metadata = { actorId: 'system:test-seed', correlationId: userId, causationId: userId, occurredAt };
        const data = { userId, username: names[i], role: 'user', passwordHash: 'not-a-hash', createdAt: occurredAt };
        await eventStore.append(`user-${userId}`, [{ id: randomUUID(), type: 'UserCreated', data, metadata }], { expectedRevision: 'no_stream' });
      }
    };
    await Promise.all(Array.from({ length: 16 }, appendOne));
    return names;
  }

  /** The deployment's event log, opened directly (as a test reads what was stored). */
  async openStore(): Promise<{ db: Database; eventStore: EventStore }> {
    if (this.store === undefined) {
      const db = await openDatabase({ kind: 'server', url: this.database.url, poolMax: 16 });
      const eventStore = this.double === undefined ? new PgEventStore(db) : EventStoreDbEventStore.fromConnectionString(this.double.connectionString);
      this.store = { db, eventStore };
    }
    return this.store;
  }

  /** Whether a table (not a view) of that name exists. */
  async tableExists(name: string): Promise<boolean> {
    const [row] = await this.query<{ kind: string | null }>("SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS kind", [name]);
    return row?.kind === 'r';
  }

  async close(): Promise<void> {
    for (const process of this.processes.splice(0).reverse()) {
      if (process.child.exitCode === null && process.child.signalCode === null) {
        process.child.kill('SIGTERM');
        await process.exited;
      }
    }
    for (const client of this.connections.splice(0)) await client.end();
    await this.sql?.end();
    if (this.store !== undefined) {
      await this.store.eventStore.close();
      await this.store.db.close();
    }
    await this.double?.close();
    await this.database.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The users list as the API answers it. */
export interface UserList {
  readonly status: number;
  readonly total: number;
  readonly usernames: string[];
  readonly stale: boolean;
}

/** One page of `GET /api/v1/users/` (up to 1,000 users, by username). */
export async function listUsers(service: RunningService, query: Record<string, string> = {}): Promise<UserList> {
  const params = new URLSearchParams({ limit: '1000', sorting_field: 'username', ...query });
  const response = await fetch(`${service.url}/api/v1/users/?${params.toString()}`, { headers: { cookie: service.cookie } });
  if (response.status !== 200) return { status: response.status, total: -1, usernames: [], stale: false };
  const body = (await response.json()) as { total: number; users: { username: string }[] };
  return { status: 200, total: body.total, usernames: body.users.map((u) => u.username), stale: response.headers.get('x-read-model-stale') === 'true' };
}

/** Every username of the list, page after page. */
export async function allUsernames(service: RunningService): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await listUsers(service, { offset: String(offset) });
    if (page.status !== 200) throw new Error(`the list answered ${page.status}`);
    names.push(...page.usernames);
    if (page.usernames.length < 1000) return names;
  }
}

/** `POST /api/v1/users/` as the super admin; the log position of the write. */
export async function createUser(service: RunningService, username: string): Promise<string> {
  const response = await fetch(`${service.url}/api/v1/users/`, {
    method: 'POST',
    headers: { ...json, cookie: service.cookie },
    body: JSON.stringify({ username, password: 'secret1' }),
  });
  if (response.status !== 201) throw new Error(`creating ${username} answered ${response.status}: ${await response.text()}`);
  return response.headers.get('x-log-position') ?? '';
}

/** Polls `probe` until it returns something other than undefined. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
