import type { AuthSessionEvent } from '../../src/features/sessions/domain/auth-session-events';
import type { ProjectedEvent } from '../projection';

/** One session as the sessions index sees it: whose it is, until when, and whether it ended. */
export interface UserSessionRow {
  readonly session_id: string;
  readonly user_id: string;
  readonly expires_at: Date;
  readonly ended: boolean;
  /** Revision of the last event of the session's stream folded into this row. */
  readonly last_revision: bigint;
}

/** The only events the index reads; the store filters on them. */
export const SESSION_EVENT_TYPES: readonly AuthSessionEvent['type'][] = ['SessionStarted', 'SessionExtended', 'SessionEnded'];

const HANDLED: ReadonlySet<string> = new Set<string>(SESSION_EVENT_TYPES);

export function isSessionEvent(event: { readonly type: string }): boolean {
  return HANDLED.has(event.type);
}

export function sessionIdOf(event: { readonly type: string; readonly data: unknown }): string | undefined {
  if (!isSessionEvent(event)) return undefined;
  return (event.data as AuthSessionEvent['data']).sessionId;
}

/** Pure, idempotent fold of one session stream (events at or below `last_revision` are skipped). */
export function evolveUserSessionRow(row: UserSessionRow | null, event: ProjectedEvent): UserSessionRow | null {
  if (!isSessionEvent(event)) return row;
  if (row !== null && event.revision <= row.last_revision) return row;
  const known = { type: event.type, data: event.data } as AuthSessionEvent;
  switch (known.type) {
    case 'SessionStarted':
      return {
        session_id: known.data.sessionId,
        user_id: known.data.userId,
        expires_at: new Date(known.data.expiresAt),
        ended: false,
        last_revision: event.revision,
      };
    case 'SessionExtended':
      return row && { ...row, expires_at: new Date(known.data.expiresAt), last_revision: event.revision };
    case 'SessionEnded':
      return row && { ...row, ended: true, last_revision: event.revision };
    default: {
      const _exhaustive: never = known;
      return _exhaustive;
    }
  }
}
