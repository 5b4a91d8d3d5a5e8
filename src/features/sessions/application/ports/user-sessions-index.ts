import type { GlobalPosition } from '../../../../shared/event-store/event-store';

/** The sessions the index knows a user started, and the log position it had folded up to when it answered. */
export interface IndexedSessions {
  readonly sessionIds: readonly string[];
  /** Every session started at or before this position is among them; undefined when nothing was folded yet. */
  readonly foldedUpTo: GlobalPosition | undefined;
}

/**
 * The sessions of a user that are neither ended nor expired, from a projection: it may lag,
 * which is fine because the per-request check treats sessions older than the last
 * deactivation as ended anyway.
 */
export interface UserSessionsIndex {
  liveSessionIds(userId: string): Promise<string[]>;
  /**
   * Every session the projection has seen the user start, ended and expired ones included, with
   * the position it had folded up to, read together: the audit reads the rest of the log from there.
   */
  sessionsOf(userId: string): Promise<IndexedSessions>;
}

export const USER_SESSIONS_INDEX = Symbol('UserSessionsIndex');
