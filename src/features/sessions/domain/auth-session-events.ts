import type { DomainEvent } from '../../../shared/decider';

/** Events of a `session-<id>` stream. Times are ISO-8601 strings. */
export type SessionStarted = DomainEvent<
  'SessionStarted',
  { sessionId: string; userId: string; startedAt: string; expiresAt: string }
>;
export type SessionExtended = DomainEvent<'SessionExtended', { sessionId: string; expiresAt: string }>;
export type SessionEndReason = 'logout' | 'logout_everywhere' | 'password_changed' | 'password_set' | 'user_deactivated' | 'user_unavailable';
export type SessionEnded = DomainEvent<'SessionEnded', { sessionId: string; userId: string; reason: SessionEndReason }>;

export type AuthSessionEvent = SessionStarted | SessionExtended | SessionEnded;

export const sessionStreamName = (sessionId: string): string => `session-${sessionId}`;
