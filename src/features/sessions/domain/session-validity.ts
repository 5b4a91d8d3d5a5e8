import type { AuthSessionState, SessionFacts } from './auth-session';

export type LiveSession = Extract<AuthSessionState, { status: 'active' }>;

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Session ids are base64url (43 characters as the service makes them); anything else names no session. */
export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

/**
 * A session is live until it is ended, its expiry is reached (expiresAt ≤ now is expired), or
 * `maxLifetimeMs` has passed since it started: the cap is read from its start, so a lowered
 * setting bites on sessions already running.
 */
export function liveSession(state: AuthSessionState, now: Date, maxLifetimeMs = Infinity): LiveSession | undefined {
  if (state.status !== 'active') return undefined;
  if (Date.parse(state.startedAt) + maxLifetimeMs <= now.getTime()) return undefined;
  return Date.parse(state.expiresAt) > now.getTime() ? state : undefined;
}

/** What the user's own stream says about their sessions (times are ISO strings). */
export interface UserSessionCutoffs {
  /** Sessions started no later than any of these count as ended (a deactivation, a password set, log-out everywhere). */
  readonly endedUntil: readonly (string | undefined)[];
  /** The user's own password change: sessions started until `at` count as ended, except the one it was made in. */
  readonly endedUntilExcept?: { readonly at: string; readonly keptSessionId: string } | undefined;
}

/**
 * A session the user's stream has ended, whether or not a SessionEnded has been appended to
 * its own stream yet: read on every request, so the end bites on the next one.
 */
export function endedByUser(session: SessionFacts, cutoffs: UserSessionCutoffs): boolean {
  if (cutoffs.endedUntil.some((until) => endedByDeactivation(session, until))) return true;
  const except = cutoffs.endedUntilExcept;
  return except !== undefined && session.sessionId !== except.keptSessionId && endedByDeactivation(session, except.at);
}

/**
 * A session started no later than the user's last deactivation counts as ended, whether or
 * not the reaction has appended its SessionEnded yet: deactivation bites on the next request.
 */
export function endedByDeactivation(session: SessionFacts, lastDeactivatedAt: string | undefined): boolean {
  return lastDeactivatedAt !== undefined && Date.parse(session.startedAt) <= Date.parse(lastDeactivatedAt);
}

export function renewalDue(expiresAt: string, now: Date, ttlMs: number, refreshThreshold: number): boolean {
  return Date.parse(expiresAt) - now.getTime() <= ttlMs * refreshThreshold;
}

/** The first expiry: the TTL, or the cap when it is shorter. */
export function firstExpiry(now: Date, ttlMs: number, maxLifetimeMs: number): string {
  return new Date(now.getTime() + Math.min(ttlMs, maxLifetimeMs)).toISOString();
}

/**
 * The expiry a renewal now gives, or undefined when none is due: outside the last threshold part
 * of the TTL, or when the cap leaves nothing to add (renewal stops there; then the user logs in again).
 */
export function renewedExpiry(
  session: SessionFacts,
  now: Date,
  policy: { readonly ttlMs: number; readonly refreshThreshold: number; readonly maxLifetimeMs: number },
): string | undefined {
  if (!renewalDue(session.expiresAt, now, policy.ttlMs, policy.refreshThreshold)) return undefined;
  const expiresAt = Math.min(now.getTime() + policy.ttlMs, Date.parse(session.startedAt) + policy.maxLifetimeMs);
  return expiresAt > Date.parse(session.expiresAt) ? new Date(expiresAt).toISOString() : undefined;
}
