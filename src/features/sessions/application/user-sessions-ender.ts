import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store';
import { ID_GENERATOR, type IdGenerator } from '../../users';
import type { SessionEndReason } from '../domain/auth-session-events';
import { sessionStreamName } from '../domain/auth-session-events';
import { authSessionDecider } from '../domain/decide';
import { USER_SESSIONS_INDEX, type UserSessionsIndex } from './ports/user-sessions-index';

export interface EndSessionsRequest {
  readonly userId: string;
  readonly reason: SessionEndReason;
  /** Sessions the index may not list yet, ended as well. */
  readonly alsoSessionIds?: readonly string[];
  readonly startedUntil?: string;
  /** Left alone: the session a password change was made in. */
  readonly keepSessionId?: string;
  /** The event reacted to: each end's id derives from it, so a replay appends nothing. */
  readonly causedByEventId?: string;
}

@injectable()
export class UserSessionsEnder {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(USER_SESSIONS_INDEX) private readonly sessions: UserSessionsIndex,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async endAll(request: EndSessionsRequest, context: CommandContext): Promise<void> {
    const { userId, reason, startedUntil, causedByEventId, keepSessionId } = request;
    const listed = await this.sessions.liveSessionIds(userId);
    for (const sessionId of new Set([...(request.alsoSessionIds ?? []), ...listed])) {
      if (sessionId === keepSessionId) continue;
      const eventId = (): string =>
        causedByEventId === undefined ? this.ids.newEventId() : this.ids.derivedEventId(causedByEventId, sessionId);
      const command = { type: 'EndSession' as const, data: { reason, ...(startedUntil === undefined ? {} : { startedUntil }) } };
      await handleCommand(this.store, authSessionDecider, sessionStreamName(sessionId), command, context, { eventId });
    }
  }
}
