import { expect } from 'chai';
import pino from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { loadSettings } from '../../src/config/load-settings';
import { inCurrentShapes } from '../../src/configured-stores';
import { buildContainer, type Infrastructure } from '../../src/container';
import {
  ResolveSessionHandler,
  SESSION_ID_GENERATOR,
  SESSION_POLICY,
  TOKEN_CODEC,
  USER_SESSIONS_INDEX,
  sessionAuthenticator,
  sessionsRoutes,
  type SessionIdGenerator,
  type SessionPolicy,
  type TokenCodec,
} from '../../src/features/sessions';
import {
  ATTEMPT_THROTTLE,
  ID_GENERATOR,
  PASSWORD_HASHER,
  READ_MODEL_FRESHNESS,
  RateLimiterAttemptThrottle,
  USER_DIRECTORY_READER,
  UuidIdGenerator,
  memoryLimiters,
  usersRoutes,
  type UserDirectoryReader,
} from '../../src/features/users';
import { createApp } from '../../src/http/app';
import type { Resolve } from '../../src/http/route-definition';
import type { Clock } from '../../src/shared/clock';
import type { Database } from '../../src/shared/database';
import type { DomainEvent } from '../../src/shared/decider';
import type { EventMetadata, GlobalPosition, RecordedEvent } from '../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../src/shared/event-store/in-memory-event-store';
import { T0 } from './builders';
import { serve, type HttpReply, type RequestOptions, type TestServer } from './http-client';
import { FakeHasher, LogUserSessionsIndex } from './in-process-ports';

/**
 * API specifications: given events by stream, when a request, then the response and the events
 * the request appended. The routes, the authenticator and every handler are the service's own,
 * composed by `buildContainer` as `startServiceOn` composes them, over an in-memory event store
 * in current shapes (stamped and upcast, as every store of the service is),
 * a clock the test moves, the fake hasher, deterministic ids and the sessions index folded from
 * the log. There is no database: the users list reads a PostgreSQL projection and is specified
 * by the end-to-end suites.
 */

/**
 * Streams and their events, appended in the order given, as stored (not stamped or upcast:
 * `metadata` may give a schema version an older or newer release wrote).
 */
export type History = Readonly<Record<string, readonly (DomainEvent & { readonly metadata?: Partial<EventMetadata> })[]>>;

export interface ApiRequest extends RequestOptions {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';
  readonly path: string;
}

export interface ExpectedEvent {
  readonly stream: string;
  readonly type: string;
  readonly data: unknown;
  /** Checked when given: these fields of the metadata. */
  readonly metadata?: Partial<EventMetadata>;
}

export interface Expectations {
  readonly status: number;
  /** The JSON body, compared deeply; `null` for an empty body. Not checked when omitted. */
  readonly body?: unknown;
  /** Header values; `null` means the header must be absent. */
  readonly headers?: Readonly<Record<string, string | null>>;
  /**
   * The `access_token` cookie the reply sends: `'none'` (no Set-Cookie at all), `'cleared'`,
   * `'set'` (a new JWT, whichever, with exactly the configured attributes), or the exact Set-Cookie line.
   */
  readonly cookie?: 'none' | 'cleared' | 'set' | string;
  /**
   * `X-Log-Position`: `'last'` for the position of the last event the request appended,
   * `'absent'` for none (a refusal or a no-op).
   */
  readonly logPosition?: 'last' | 'absent';
  /** Exactly the events this request appended, in log order; `[]` when it must append nothing. */
  readonly events: readonly ExpectedEvent[];
}

export interface Outcome {
  readonly reply: HttpReply;
  readonly appended: readonly RecordedEvent[];
  /** The token of the cookie the reply set, if it set one. */
  readonly token: string | undefined;
}

export interface Scenario {
  /** Sends the request to the app; the events are those appended from now on. */
  when(request: ApiRequest): { then(expectations: Expectations): Promise<Outcome> };
  /** Sends the request and answers the reply, checking nothing (for tables that check only the status). */
  send(request: ApiRequest): Promise<HttpReply>;
  /** Moves the clock the app runs on. */
  advance(ms: number): void;
  /** A signed token for a session of the history, as log-in would have issued it. */
  tokenFor(session: { sessionId: string; expiresAt: string }): string;
}

export interface ApiSpecificationOptions {
  /** Secure cookies (`SameSite=Strict; Secure`); off by default, as in config/test. */
  readonly secureCookies?: boolean;
  /**
   * What the sessions index has folded: everything (`caught-up`, the default), the given history
   * only (`stopped-after-given`, a projection stopped before the scenario), or nothing (`never-ran`).
   */
  readonly sessionsIndex?: 'caught-up' | 'stopped-after-given' | 'never-ran';
  /**
   * Every route the service serves: the users list over this reader (the service's reads a
   * PostgreSQL projection), and the health routes over a ready service with no projections.
   */
  readonly allRoutes?: { readonly userDirectory: UserDirectoryReader };
  /** The absolute session cap; config/test's (12 h) by default. */
  readonly sessionMaxLifetimeMs?: number;
}

export const CLEARED_COOKIE = 'access_token=""; HttpOnly; Max-Age=0; Path=/';
/** Metadata of the given events: they were recorded before the scenario. */
const GIVEN_METADATA: EventMetadata = { actorId: 'system:given', correlationId: 'given', causationId: 'given', occurredAt: T0.toISOString() };

class MovableClock implements Clock {
  private current = T0.getTime();
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** New user ids `00000000-0000-7000-8000-00000000000N`, in order; event ids stay random UUIDs. */
export class SequentialIds extends UuidIdGenerator {
  private users = 0;
  override newUserId(): string {
    this.users++;
    return `00000000-0000-7000-8000-${this.users.toString().padStart(12, '0')}`;
  }
}

/** New session ids `session-N`, in order. */
export class SequentialSessionIds implements SessionIdGenerator {
  private sessions = 0;
  newSessionId(): string {
    this.sessions++;
    return `session-${this.sessions}`;
  }
}

/** The n-th user id the app creates in a scenario (from 1). */
export const createdUserId = (n: number): string => `00000000-0000-7000-8000-${n.toString().padStart(12, '0')}`;

/** Fails loudly if anything in an API specification reaches for PostgreSQL. */
const noDatabase = new Proxy({} as Database, {
  get(_target, property) {
    if (property === 'then') return undefined;
    throw new Error(`API specifications run without a database (Database.${String(property)})`);
  },
});

/** The app as the service composes it, with the test's ports registered over the production ones. */
function compose(options: ApiSpecificationOptions) {
  const { settings } = loadSettings({ APP_ENV: 'test' });
  const clock = new MovableClock();
  // The given history is recorded at T0, the scenario's requests at its clock (`recorded_at` and `as_of` follow `advance`).
  const recording = { given: true };
  const eventStore = inCurrentShapes(new InMemoryEventStore({ now: () => (recording.given ? T0 : clock.now()) }));
  const logger = pino({ level: 'silent' });
  const infrastructure: Infrastructure = { settings, logger, database: noDatabase, eventStore, clock };
  const scope: DependencyContainer = buildContainer(infrastructure);
  scope.register(PASSWORD_HASHER, { useValue: new FakeHasher() });
  scope.register(ATTEMPT_THROTTLE, { useValue: new RateLimiterAttemptThrottle(settings.throttle, memoryLimiters) });
  scope.register(ID_GENERATOR, { useValue: new SequentialIds() });
  scope.register(SESSION_ID_GENERATOR, { useValue: new SequentialSessionIds() });
  const sessionsIndex = new LogUserSessionsIndex(eventStore, clock);
  if (options.sessionsIndex === 'never-ran') sessionsIndex.freeze(undefined);
  scope.register(USER_SESSIONS_INDEX, { useValue: sessionsIndex });
  if (options.allRoutes) {
    scope.register(USER_DIRECTORY_READER, { useValue: options.allRoutes.userDirectory });
    // The given directory stands for a read model that has folded everything: any min_position is passed.
    scope.register(READ_MODEL_FRESHNESS, { useValue: { waitUntilPassed: async () => true } });
  }
  if (options.sessionMaxLifetimeMs !== undefined) {
    const policy = scope.resolve<SessionPolicy>(SESSION_POLICY);
    scope.register(SESSION_POLICY, { useValue: { ...policy, maxLifetimeMs: options.sessionMaxLifetimeMs } });
  }
  const resolve: Resolve = (token) => scope.resolve(token);
  const app = createApp({
    routes: [...usersRoutes(resolve), ...sessionsRoutes(resolve)],
    authenticate: sessionAuthenticator(scope.resolve(ResolveSessionHandler)),
    logger,
    clock,
    cookies: { secure: options.secureCookies ?? settings.cookies.secure },
    bodyLimitBytes: settings.server.bodyLimitBytes,
    ...(options.allRoutes ? { ready: async () => [], projectionStatus: async () => ({ projections: [] }) } : {}),
  });
  return { app, clock, eventStore, sessionsIndex, recording, tokens: scope.resolve<TokenCodec>(TOKEN_CODEC) };
}

/**
 * `const api = apiSpecification(); ...; await api.given(history).when(request).then(expectations)`.
 * Each `given` starts from an empty store; its scenario can take several requests in turn.
 * Call `api.close()` after the suite (it closes the HTTP servers the scenarios opened).
 */
export function apiSpecification(options: ApiSpecificationOptions = {}) {
  const servers: TestServer[] = [];
  return {
    given(...histories: readonly History[]): Scenario {
      const { app, clock, eventStore, sessionsIndex, recording, tokens } = compose(options);
      const ready = (async () => {
        for (const history of histories) {
          for (const [stream, events] of Object.entries(history)) {
            await eventStore.stored.append(
              stream,
              events.map((event) => ({ id: crypto.randomUUID(), type: event.type, data: event.data, metadata: { ...GIVEN_METADATA, ...event.metadata } })),
            );
          }
        }
        recording.given = false;
        if (options.sessionsIndex === 'stopped-after-given') sessionsIndex.freeze(await eventStore.headPosition());
        const server = await serve(app);
        servers.push(server);
        return server;
      })();
      return {
        advance: (ms) => clock.advance(ms),
        async send({ method, path, ...requestOptions }) {
          return (await ready).request(method, path, requestOptions);
        },
        tokenFor: (session) => tokens.issue(session.sessionId, new Date(session.expiresAt)),
        when(request) {
          return {
            async then(expectations) {
              const server = await ready;
              const before: GlobalPosition | undefined = await eventStore.headPosition();
              const { method, path, ...requestOptions } = request;
              const reply = await server.request(method, path, requestOptions);
              const { events: appended } = await eventStore.readAll(before === undefined ? {} : { after: before });
              const outcome = { reply, appended, token: cookieToken(reply) };
              check(outcome, expectations, `${method} ${path}`, options.secureCookies === true);
              return outcome;
            },
          };
        },
      };
    },
    async close(): Promise<void> {
      await Promise.all(servers.splice(0).map((server) => server.close()));
    },
  };
}

function check({ reply, appended }: Outcome, expected: Expectations, what: string, secureCookies: boolean): void {
  const context = `${what} answered ${reply.status} ${reply.text}`;
  expect(reply.status, context).to.equal(expected.status);
  if ('body' in expected) {
    if (expected.body === null) expect(reply.text, context).to.equal('');
    else expect(reply.json, context).to.deep.equal(expected.body);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    expect(reply.headers.get(name), `${what}: header ${name}`).to.equal(value);
  }
  if (expected.logPosition !== undefined) {
    const last = appended.at(-1)?.position;
    const position = expected.logPosition === 'absent' ? null : last === undefined ? 'no event appended' : last.toString();
    expect(reply.headers.get('x-log-position'), `${what}: X-Log-Position`).to.equal(position);
  }
  if (expected.cookie !== undefined) {
    const lines = reply.headers.getSetCookie();
    const cookie = `${what}: Set-Cookie`;
    if (expected.cookie === 'none') expect(lines, cookie).to.deep.equal([]);
    else if (expected.cookie === 'cleared') expect(lines, cookie).to.deep.equal([CLEARED_COOKIE]);
    else if (expected.cookie === 'set') {
      expect(lines, cookie).to.have.length(1);
      const attributes = secureCookies ? '; HttpOnly; Path=/; SameSite=Strict; Secure' : '; HttpOnly; Path=/; SameSite=Lax';
      expect(lines[0], cookie).to.match(/^access_token=[\w-]+\.[\w-]+\.[\w-]+;/);
      expect(lines[0]?.slice(lines[0].indexOf(';')), cookie).to.equal(attributes);
    } else expect(lines, cookie).to.deep.equal([expected.cookie]);
  }
  const seen = appended.map((event) => ({ stream: event.streamName, type: event.type, data: event.data }));
  const wanted = expected.events.map(({ stream, type, data }) => ({ stream, type, data }));
  expect(seen, `${what}: the events appended were ${JSON.stringify(seen)}`).to.deep.equal(wanted);
  expected.events.forEach((event, index) => {
    if (event.metadata !== undefined) expect(appended[index]?.metadata, `${what}: metadata of ${event.type}`).to.deep.include(event.metadata);
  });
}

/** The access token a reply sets; undefined when it sets none or clears it. */
function cookieToken(reply: HttpReply): string | undefined {
  const line = reply.headers.getSetCookie().find((candidate) => candidate.startsWith('access_token='));
  const value = line?.slice('access_token='.length).split(';')[0];
  return value === undefined || value === '""' ? undefined : value;
}
