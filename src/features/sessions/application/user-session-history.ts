import { inject, injectable } from 'tsyringe';
import { EVENT_STORE, type EventStore, type GlobalPosition, type RecordedEvent } from '../../../shared/event-store/event-store';
import { ActorNames, UserLookup, assertMayReadHistory, sessionHandle, toAuditEvent, type Actor, type AuditEvent } from '../../users';
import { sessionStreamName, type SessionEndReason, type SessionStarted } from '../domain/auth-session-events';
import { USER_SESSIONS_INDEX, type UserSessionsIndex } from './ports/user-sessions-index';

const SESSION_STARTED: SessionStarted['type'] = 'SessionStarted';
const SCAN_PAGE = 1_000;

export interface SessionHistoryItem {
  /** The first 8 hex of the SHA-256 of the session id: stable, and never the id itself. */
  readonly session: string;
  readonly started_at: string | null;
  readonly expires_at: string | null;
  readonly ended_at: string | null;
  readonly end_reason: SessionEndReason | null;
  readonly events: AuditEvent[];
}

/** One session as an audit reader sees it, from its stream's events: when it started, was last extended to, ended and why. */
export async function sessionHistoryItem(sessionId: string, recorded: readonly RecordedEvent[], names: ActorNames): Promise<SessionHistoryItem> {
  const started = recorded.find((event) => event.type === 'SessionStarted');
  let expiresAt: string | null = null;
  let ended: { at: string; reason: SessionEndReason } | undefined;
  for (const event of recorded) {
    const data = event.data as { expiresAt?: string; reason?: SessionEndReason };
    if ((event.type === 'SessionStarted' || event.type === 'SessionExtended') && data.expiresAt !== undefined) expiresAt = data.expiresAt;
    if (event.type === 'SessionEnded' && ended === undefined && data.reason !== undefined) ended = { at: event.recordedAt.toISOString(), reason: data.reason };
  }
  return {
    session: sessionHandle(sessionId),
    started_at: (started?.data as { startedAt?: string } | undefined)?.startedAt ?? null,
    expires_at: expiresAt,
    ended_at: ended?.at ?? null,
    end_reason: ended?.reason ?? null,
    events: await Promise.all(recorded.map((event) => toAuditEvent(event, names))),
  };
}

/** Oldest first; the handle breaks ties. */
export function bySessionStart(a: SessionHistoryItem, b: SessionHistoryItem): number {
  return (a.started_at ?? '').localeCompare(b.started_at ?? '') || a.session.localeCompare(b.session);
}

/**
 * A user's sessions with their started, extended and ended events. Session streams are per
 * session, so which sessions a user had comes from the sessions index, which may lag, plus the
 * starts the log holds after the position the index had folded up to: complete whatever the
 * projection's lag, at a cost that grows with that lag. Each session's events are then read from
 * its own stream.
 */
@injectable()
export class UserSessionHistoryHandler {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(USER_SESSIONS_INDEX) private readonly index: UserSessionsIndex,
    @inject(UserLookup) private readonly users: UserLookup,
  ) {}

  async execute(query: { actor: Actor; userId: string }): Promise<{ sessions: SessionHistoryItem[] }> {
    const { actor } = query;
    const userId = query.userId.toLowerCase();
    assertMayReadHistory(actor, actor.role === 'user' && actor.userId !== userId ? undefined : await this.users.findById(userId), userId);
    const names = new ActorNames(this.store);
    const sessions: SessionHistoryItem[] = [];
    const indexed = await this.index.sessionsOf(userId);
    const sessionIds = new Set([...indexed.sessionIds, ...(await this.sessionsStartedAfter(indexed.foldedUpTo, userId))]);
    for (const sessionId of sessionIds) {
      const recorded = await this.store.readStream(sessionStreamName(sessionId));
      const started = recorded.find((event) => event.type === 'SessionStarted');
      if ((started?.data as { userId?: unknown } | undefined)?.userId !== userId) continue;
      sessions.push(await sessionHistoryItem(sessionId, recorded, names));
    }
    sessions.sort(bySessionStart);
    return { sessions };
  }

  /** The sessions the user started after `after`, from the log's session starts (filtered in the store). */
  private async sessionsStartedAfter(after: GlobalPosition | undefined, userId: string): Promise<string[]> {
    const found: string[] = [];
    let from = after;
    for (;;) {
      const page = await this.store.readAll({ ...(from === undefined ? {} : { after: from }), filter: { eventTypePrefixes: [SESSION_STARTED] }, maxCount: SCAN_PAGE });
      for (const event of page.events) {
        const data = event.data as Partial<SessionStarted['data']>;
        if (event.type === SESSION_STARTED && data.userId === userId && typeof data.sessionId === 'string') found.push(data.sessionId);
      }
      if (page.isEnd || page.lastPosition === undefined) return found;
      from = page.lastPosition;
    }
  }
}
