import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import sinon from 'sinon';
import { LogInHandler, LogOutHandler, UserSessionHistoryHandler, sessionAuthenticator, sessionsRoutes, type SessionResolution } from '../../src/features/sessions';
import {
  ActivateUserHandler,
  ChangePasswordHandler,
  CreateUserHandler,
  DeactivateUserHandler,
  GrantAdminHandler,
  ListUsersHandler,
  RevokeAdminHandler,
  RevokeSessionsHandler,
  SetUserPasswordHandler,
  SignUpHandler,
  UserHistoryHandler,
  UserStateHandler,
  usersRoutes,
  type Caller,
  type Role,
} from '../../src/features/users';
import type { AppDependencies } from '../../src/http/app';
import type { Resolve } from '../../src/http/route-definition';

/** A caller as ResolveSessionHandler would return it. */
export function aCaller(role: Role = 'admin', overrides: Partial<Caller> = {}): Caller {
  return { userId: randomUUID(), role, username: `${role}.${randomUUID().slice(0, 6)}`, sessionId: randomUUID(), ...overrides };
}

/** Log lines written by the app under test, parsed. */
export class CapturedLog {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  get text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}

/**
 * Every handler of the feature surface as a sinon stub, for tests of the wire that need no
 * handler behaviour (what the handlers do is specified in test/integration/api/), plus a
 * session table for ResolveSessionHandler: `signIn(caller)` gives a token; others are anonymous.
 */
export function fakeDependencies(overrides: Partial<AppDependencies<Caller>> = {}) {
  const sessions = new Map<string, SessionResolution>();
  const log = new CapturedLog();
  const resolveSession = { execute: sinon.stub().callsFake(async ({ token }: { token: string | undefined }) => (token && sessions.get(token)) || { status: 'anonymous' }) };
  const account = {
    resolveSession,
    signUp: { execute: sinon.stub().resolves({ id: randomUUID(), position: 1n }) },
    logIn: { execute: sinon.stub().resolves({ token: 'new.jwt.token', expiresAt: new Date(), sessionId: randomUUID() }) },
    changePassword: { execute: sinon.stub().resolves({ position: undefined }) },
    logOut: { execute: sinon.stub().resolves({ position: undefined }) },
    revokeSessions: { execute: sinon.stub().resolves({ position: 1n }) },
  };
  const user = {
    createUser: { execute: sinon.stub().resolves({ id: randomUUID(), position: 1n }) },
    listUsers: { execute: sinon.stub().resolves({ users: [], total: 0, nextCursor: null, stale: false }) },
    setUserPassword: { execute: sinon.stub().resolves({ position: undefined, revision: 0n }) },
    grantAdmin: { execute: sinon.stub().resolves({ position: undefined, revision: 0n }) },
    revokeAdmin: { execute: sinon.stub().resolves({ position: undefined, revision: 0n }) },
    activateUser: { execute: sinon.stub().resolves({ position: undefined, revision: 0n }) },
    deactivateUser: { execute: sinon.stub().resolves({ position: undefined, revision: 0n }) },
    userHistory: { execute: sinon.stub().resolves({ events: [], total: 0, nextCursor: null }) },
    userState: { execute: sinon.stub().resolves({ user: { id_: randomUUID(), username: 'alice.smith', role: 'user', is_active: true }, revision: 0n }) },
  };
  const stubs = new Map<unknown, unknown>([
    [SignUpHandler, account.signUp],
    [LogInHandler, account.logIn],
    [ChangePasswordHandler, account.changePassword],
    [LogOutHandler, account.logOut],
    [RevokeSessionsHandler, account.revokeSessions],
    [UserSessionHistoryHandler, { execute: sinon.stub().resolves({ sessions: [] }) }],
    [CreateUserHandler, user.createUser],
    [ListUsersHandler, user.listUsers],
    [SetUserPasswordHandler, user.setUserPassword],
    [GrantAdminHandler, user.grantAdmin],
    [RevokeAdminHandler, user.revokeAdmin],
    [ActivateUserHandler, user.activateUser],
    [DeactivateUserHandler, user.deactivateUser],
    [UserHistoryHandler, user.userHistory],
    [UserStateHandler, user.userState],
  ]);
  const resolve = ((token: unknown) => {
    if (!stubs.has(token)) throw new Error(`no fake for ${String(token)}`);
    return stubs.get(token);
  }) as Resolve;
  const now = new Date('2026-01-01T12:00:00.000Z');
  const deps: AppDependencies<Caller> = {
    routes: [...usersRoutes(resolve), ...sessionsRoutes(resolve)],
    authenticate: sessionAuthenticator(resolveSession),
    logger: pino({ level: 'info' }, log.stream),
    clock: { now: () => now },
    cookies: { secure: false },
    bodyLimitBytes: 1024,
    ...overrides,
  };
  /** Registers a live session and returns its token. */
  const signIn = (caller: Caller = aCaller()): string => {
    const token = `token-${randomUUID()}`;
    sessions.set(token, { status: 'authenticated', caller });
    return token;
  };
  return { deps, account, user, log, signIn };
}
