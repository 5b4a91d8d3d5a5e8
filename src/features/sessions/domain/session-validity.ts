import type { AuthSessionState, SessionFacts } from './auth-session';

export type LiveSession = Extract<AuthSessionState, { status: 'active' }>;

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Session ids are base64url (43 characters as the service makes them); anything else names no session. */
export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

/** A session is live until it is ended or its expiry is reached (expiresAt ≤ now is expired). */
export function liveSession(state: AuthSessionState, now: Date): LiveSession | undefined {
  if (state.status !== 'active') return undefined;
  return Date.parse(state.expiresAt) > now.getTime() ? state : undefined;
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
