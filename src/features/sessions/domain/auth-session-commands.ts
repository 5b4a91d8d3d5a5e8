import type { SessionEndReason } from './auth-session-events';

export type StartSession = {
  readonly type: 'StartSession';
  readonly data: { readonly sessionId: string; readonly userId: string; readonly now: Date; readonly ttlMs: number; readonly maxLifetimeMs: number };
};
/** Sliding renewal: only inside the last `refreshThreshold` part of the TTL, never past `maxLifetimeMs` from the start. */
export type ExtendSession = {
  readonly type: 'ExtendSession';
  readonly data: { readonly now: Date; readonly ttlMs: number; readonly refreshThreshold: number; readonly maxLifetimeMs: number };
};
/** `startedUntil`: end the session only if it started no later than this ISO time. */
export type EndSession = {
  readonly type: 'EndSession';
  readonly data: { readonly reason: SessionEndReason; readonly startedUntil?: string };
};

export type AuthSessionCommand = StartSession | ExtendSession | EndSession;
