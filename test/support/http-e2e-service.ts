import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pino from 'pino';
import { loadSettings } from '../../src/config/load-settings';
import { startService, type RunningService } from '../../src/service';
import type { Clock } from '../../src/shared/clock';
import { DATABASE, type Database } from '../../src/shared/database';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store';
import { requester, type HttpReply, type RequestOptions } from './http-client';
import { startEventStoreDbDouble, type EventStoreDbDouble } from './eventstoredb-double';
import { createServerDatabase, freshDataDir, openTestDatabase, serverTestDatabaseUrl, testServerUrl } from './test-database';

export type E2eEventStore = 'postgres' | 'eventstoredb';

/** Every end-to-end suite runs once per event store the service can use. */
export const E2E_EVENT_STORES: readonly E2eEventStore[] = ['postgres', 'eventstoredb'];

/** A clock the test moves by hand: sessions expire and renew without waiting. */
export class ManualClock implements Clock {
  private current = new Date();
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface E2eService {
  readonly url: string;
  readonly clock: ManualClock;
  readonly superAdmin: { username: string; password: string };
  /** The service's own event store, to assert what a request recorded. */
  readonly eventStore: EventStore;
  /** The service's own database (read tables, checkpoints), to stage what an operator does. */
  readonly database: Database;
  /** The EventStoreDB test double the service talks to, when it runs on one. */
  readonly eventStoreDouble: EventStoreDbDouble | undefined;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpReply>;
  /** Logs in and returns the access token from the cookie. */
  logIn(username: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** A fresh username within the contract's rules (5–20 characters). */
export const aUsername = (prefix = 'u'): string => `${prefix}${randomBytes(5).toString('hex')}`;

/**
 * The whole service as `npm start` runs it (HTTP, in-process projector, super-admin bootstrap).
 * On PostgreSQL events: this run's shared test database. On EventStoreDB: a fresh test double
 * (or the real EventStoreDB named by EVENTSTORE_CONNECTION_STRING), with read tables in a
 * database of the service's own.
 */
export async function startE2eService(env: Record<string, string> = {}, eventStore: E2eEventStore = 'postgres'): Promise<E2eService> {
  const cleanups: Array<() => Promise<void>> = [];
  let databaseUrl: string;
  let double: EventStoreDbDouble | undefined;
  let storeEnv: Record<string, string> = {};
  if (eventStore === 'eventstoredb') {
    // A connection string in `env` (a test's own double) wins over the run's real EventStoreDB.
    const real = env.EVENTSTORE_CONNECTION_STRING ?? process.env.EVENTSTORE_CONNECTION_STRING;
    if (real === undefined || real === '') {
      const started = await startEventStoreDbDouble();
      double = started;
      cleanups.push(() => started.close());
    }
    storeEnv = { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: real || (double as EventStoreDbDouble).connectionString };
    const own = await createServerDatabase(await testServerUrl());
    databaseUrl = own.url;
    cleanups.push(() => own.drop());
  } else {
    await openTestDatabase();
    databaseUrl = serverTestDatabaseUrl() as string;
  }
  const dataDir = freshDataDir();
  const superAdmin = { username: aUsername('root'), password: `pw-${randomBytes(6).toString('hex')}` };
  const { settings } = loadSettings({
    APP_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    BOOTSTRAP_SUPER_ADMIN_USERNAME: superAdmin.username,
    BOOTSTRAP_SUPER_ADMIN_PASSWORD: superAdmin.password,
    // The suites share a busy CI machine with others: a hash slot may take longer than the
    // production wait, and these tests are not about the 503 that follows (unit-tested).
    HASHER_WAIT_TIMEOUT_S: '30',
    ...storeEnv,
    ...env,
  });
  const clock = new ManualClock();
  let service: RunningService;
  try {
    service = await startService(settings, pino({ level: 'silent' }), { clock, host: '127.0.0.1' });
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw error;
  }

  const request = requester(service.url);

  return {
    url: service.url,
    clock,
    superAdmin,
    eventStore: service.container.resolve<EventStore>(EVENT_STORE),
    database: service.container.resolve<Database>(DATABASE),
    eventStoreDouble: double,
    request,
    async logIn(username, password) {
      const reply = await request('POST', '/api/v1/account/login', { json: { username, password } });
      if (reply.status !== 204) throw new Error(`log-in of ${username} answered ${reply.status} ${reply.text}`);
      return tokenFrom(reply) as string;
    },
    async stop() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/** The access token a reply sets, '' when it clears it, undefined when it does not touch it. */
export function tokenFrom(reply: HttpReply): string | undefined {
  const cookie = reply.headers.getSetCookie().find((line) => line.startsWith('access_token='));
  if (cookie === undefined) return undefined;
  const value = cookie.slice('access_token='.length).split(';')[0] as string;
  return value === '""' ? '' : value;
}
