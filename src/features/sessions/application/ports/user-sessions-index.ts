/**
 * The sessions of a user that are neither ended nor expired, from a projection: it may lag,
 * which is fine because the per-request check treats sessions older than the last
 * deactivation as ended anyway.
 */
export interface UserSessionsIndex {
  liveSessionIds(userId: string): Promise<string[]>;
  /** Every session the projection has seen the user start, ended and expired ones included (for the audit). */
  sessionIdsOf(userId: string): Promise<string[]>;
}

export const USER_SESSIONS_INDEX = Symbol('UserSessionsIndex');
