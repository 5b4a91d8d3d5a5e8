import { createHmac, randomUUID } from 'node:crypto';
import { loadSettings } from '../../src/config/load-settings';
import type { UserDirectoryReader } from '../../src/features/users';
import type { History } from './api-specification';
import { aRegisteredUser, aSessionOf, type GivenUser } from './api-histories';
import { T0 } from './builders';

/**
 * The callers of the attack matrix: who holds which cookie. Each is one column of the table;
 * the forged ones are tokens no log-in issued, each broken in one way.
 */
export const IDENTITIES = [
  'anonymous',
  'user',
  'admin',
  'super_admin',
  'deactivated',
  'expired',
  'logged_out',
  'alg_none',
  'other_key',
  'missing_claim',
  'forged_expired',
  'tampered',
  'huge',
] as const;
export type Identity = (typeof IDENTITIES)[number];

/** What one matrix cell starts from: the people, their cookies, and a plain user to act on. */
export interface AttackWorld {
  readonly history: History;
  readonly user: GivenUser;
  readonly target: GivenUser;
  readonly cookies: Readonly<Record<Identity, string | undefined>>;
}

const MINUTE = 60_000;
const base64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
const secondsOf = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);

/** A JWT signed by hand, so that a test can write what jsonwebtoken refuses to (alg none, any key). */
export function signToken(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | undefined): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  const signature = secret === undefined ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

const HS256 = { alg: 'HS256', typ: 'JWT' };

/** Fresh people for every cell, so that no cell's log-out, deactivation or grant reaches another. */
export function anAttackWorld(): AttackWorld {
  const secret = loadSettings({ APP_ENV: 'test' }).settings.auth.jwtSecret;
  const tag = randomUUID().slice(0, 6);
  const [superAdmin, admin, user, target] = [
    aRegisteredUser(`root.${tag}`, { role: 'super_admin' }),
    aRegisteredUser(`admin.${tag}`, { role: 'admin' }),
    aRegisteredUser(`user.${tag}`),
    aRegisteredUser(`target.${tag}`),
  ];
  const deactivated = aRegisteredUser(`gone.${tag}`, { deactivatedAt: new Date(T0.getTime() - MINUTE) });
  const live = (someone: GivenUser) => aSessionOf(someone, { startedAt: new Date(T0.getTime() - 2 * MINUTE) });
  const [userSession, adminSession, rootSession, goneSession] = [live(user), live(admin), live(superAdmin), live(deactivated)];
  const expired = aSessionOf(user, { startedAt: new Date(T0.getTime() - 20 * MINUTE), expiresAt: new Date(T0.getTime() - 15 * MINUTE) });
  const loggedOut = live(user);
  const loggedOutEnd = { type: 'SessionEnded', data: { sessionId: loggedOut.sessionId, userId: user.userId, reason: 'logout' } };

  const valid = (session: { sessionId: string; expiresAt: string }): string =>
    signToken(HS256, { auth_session_id: session.sessionId, exp: secondsOf(session.expiresAt) }, secret);
  const claims = { auth_session_id: userSession.sessionId, exp: secondsOf(userSession.expiresAt) };
  const [header, , signature] = valid(userSession).split('.');
  const cookies: Record<Identity, string | undefined> = {
    anonymous: undefined,
    user: valid(userSession),
    admin: valid(adminSession),
    super_admin: valid(rootSession),
    deactivated: valid(goneSession),
    expired: valid(expired),
    logged_out: valid(loggedOut),
    alg_none: signToken({ alg: 'none', typ: 'JWT' }, { ...claims, auth_session_id: rootSession.sessionId }, undefined),
    other_key: signToken(HS256, { ...claims, auth_session_id: rootSession.sessionId }, `another-key-${'x'.repeat(40)}`),
    missing_claim: signToken(HS256, { exp: claims.exp }, secret),
    forged_expired: signToken(HS256, { ...claims, exp: secondsOf(T0.toISOString()) - 3600 }, secret),
    // The user's signature over a payload that names the super admin's session.
    tampered: `${header}.${base64url({ ...claims, auth_session_id: rootSession.sessionId })}.${signature}`,
    // About 12 KB (under Node's 16 KB header limit), naming a live session, with a signature nobody could make.
    huge: signToken(HS256, { ...claims, pad: 'x'.repeat(9_000) }, `another-key-${'y'.repeat(40)}`),
  };
  const history: History = {
    ...superAdmin.history,
    ...admin.history,
    ...user.history,
    ...target.history,
    ...deactivated.history,
    ...userSession.history,
    ...adminSession.history,
    ...rootSession.history,
    ...goneSession.history,
    ...expired.history,
    [`session-${loggedOut.sessionId}`]: [...(loggedOut.history[`session-${loggedOut.sessionId}`] ?? []), loggedOutEnd],
  };
  return { history, user, target, cookies };
}

/** The users list's reader for API tables: an empty directory with the read model's sortable fields. */
export const emptyUserDirectory: UserDirectoryReader = {
  sortableFields: ['id', 'username', 'role', 'is_active'],
  list: async () => ({ users: [], total: 0, nextCursor: null }),
};
