import { randomUUID } from 'node:crypto';
import pino from 'pino';
import {
  CryptoSessionIdGenerator,
  EndSessionsOnSessionsRevoked,
  EndSessionsOnUserDeactivated,
  JwtTokenCodec,
  LogInHandler,
  LogOutHandler,
  ResolveSessionHandler,
  UserSessionsEnder,
  type SessionPolicy,
} from '../../../src/features/sessions';
import {
  ActivateUserHandler,
  BootstrapSuperAdminHandler,
  ChangePasswordHandler,
  SignUpHandler,
  CreateUserHandler,
  DeactivateUserHandler,
  GrantAdminHandler,
  RevokeAdminHandler,
  RevokeSessionsHandler,
  SetUserPasswordHandler,
  UserLookup,
  UserRegistration,
  UsernameReservations,
  UuidIdGenerator,
  RateLimiterAttemptThrottle,
  memoryLimiters,
  type Actor,
  type AttemptThrottle,
  type PasswordHasher,
  type Role,
} from '../../../src/features/users';
import { loadSettings } from '../../../src/config/load-settings';
import type { CommandContext } from '../../../src/shared/command-context';
import type { EventStore } from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';
import { StreamTailCache } from '../../../src/shared/event-store/stream-tail-cache';
import { T0 } from '../../support/builders';
import { FakeHasher, LogUserSessionsIndex } from '../../support/in-process-ports';
import { rejection } from '../../support/rejection';

export { rejection as rejectionOf };
export { FakeHasher, LogUserSessionsIndex };

export const TTL_MS = 5 * 60_000;
export const GRACE_MS = 5_000;
export const JWT_SECRET = 'test-secret-with-at-least-32-characters!';

/** The throttle's limits as config/test sets them. */
export const DEFAULT_THROTTLE_POLICY = loadSettings({ APP_ENV: 'test' }).settings.throttle;

export class FakeClock {
  constructor(private current: Date = T0) {}
  now(): Date {
    return this.current;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Every handler of both features wired by hand over one in-memory store, as the container wires them. */
export function buildFeatures(options: { store?: EventStore; hasher?: PasswordHasher; policy?: SessionPolicy; throttle?: AttemptThrottle } = {}) {
  // As the container wires them: the handlers read through the per-process stream cache.
  const store = options.store ?? new StreamTailCache(new InMemoryEventStore());
  const clock = new FakeClock();
  const fakeHasher = new FakeHasher();
  const hasher = options.hasher ?? fakeHasher;
  const ids = new UuidIdGenerator();
  const tokens = new JwtTokenCodec(JWT_SECRET);
  const policy = options.policy ?? { ttlMs: TTL_MS, refreshThreshold: 0.2, maxLifetimeMs: 12 * 3_600_000 };
  const sessionsIndex = new LogUserSessionsIndex(store, clock);
  const logger = pino({ level: 'silent' });
  const lookup = new UserLookup(store);
  const reservations = new UsernameReservations(store, ids, { abandonedAfterMs: GRACE_MS });
  const ender = new UserSessionsEnder(store, sessionsIndex, ids);
  const throttle = options.throttle ?? new RateLimiterAttemptThrottle(DEFAULT_THROTTLE_POLICY, memoryLimiters);
  const registration = new UserRegistration(store, hasher, ids, throttle, lookup, reservations);

  const features = {
    store,
    clock,
    hasher: fakeHasher,
    tokens,
    lookup,
    registration,
    sessionsIndex,
    createUser: new CreateUserHandler(registration),
    setUserPassword: new SetUserPasswordHandler(store, hasher, throttle),
    grantAdmin: new GrantAdminHandler(store),
    revokeAdmin: new RevokeAdminHandler(store),
    activateUser: new ActivateUserHandler(store),
    deactivateUser: new DeactivateUserHandler(store),
    bootstrap: new BootstrapSuperAdminHandler(registration, lookup),
    signUp: new SignUpHandler(registration),
    logIn: new LogInHandler(store, hasher, tokens, policy, new CryptoSessionIdGenerator(), throttle, lookup),
    resolveSession: new ResolveSessionHandler(store, tokens, policy, logger, lookup, ender),
    changePassword: new ChangePasswordHandler(store, hasher, throttle),
    logOut: new LogOutHandler(store, logger),
    endSessionsOnDeactivation: new EndSessionsOnUserDeactivated(ender, clock),
    endSessionsOnRevocation: new EndSessionsOnSessionsRevoked(ender, clock),
    revokeSessions: new RevokeSessionsHandler(store),

    /** A command context at the fake clock's time. */
    ctx(actorId = 'anonymous'): CommandContext {
      return { actorId, correlationId: randomUUID(), causationId: randomUUID(), now: clock.now() };
    },

    /** Creates a user through sign-up (and a role change where needed); returns it as an actor. */
    async aUser(role: Role = 'user', username = uniqueName(), password = 'secret1'): Promise<Actor & { username: string; password: string }> {
      if (role === 'super_admin') {
        const { id } = await features.bootstrap.execute({ username, password }, features.ctx('system:test'));
        return { userId: id, role, username, password };
      }
      const { id } = await features.signUp.execute({ username, password }, features.ctx());
      if (role === 'admin') {
        const boss = await features.aUser('super_admin');
        await features.grantAdmin.execute({ actor: boss, userId: id }, features.ctx(boss.userId));
      }
      return { userId: id, role, username, password };
    },

    /** Logs the user in and resolves the token, as the HTTP layer does per request. */
    async aSession(user: { username: string; password: string }) {
      const issued = await features.logIn.execute({ username: user.username, password: user.password }, features.ctx());
      return issued;
    },
  };
  return features;
}

export type Features = ReturnType<typeof buildFeatures>;

let counter = 0;
/** A valid, unique username: 5–20 characters. */
export function uniqueName(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}x${randomUUID().slice(0, 8)}`.slice(0, 20);
}

