import { inject, injectable } from 'tsyringe';
import type { CommandContext } from '../../../shared/command-context';
import { CLOCK, type Clock } from '../../../shared/clock';
import { handleCommand } from '../../../shared/decider';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../shared/event-store/event-store';
import { ID_GENERATOR, type IdGenerator, type UserDeactivated } from '../../user';
import { sessionStreamName } from '../domain/auth-session-events';
import { authSessionDecider } from '../domain/decide';
import { USER_SESSIONS_INDEX, type UserSessionsIndex } from './ports/user-sessions-index';

export const END_SESSIONS_ACTOR = 'system:end-sessions-on-user-deactivated';

/**
 * Reaction to UserDeactivated: ends every session the user started until the deactivation.
 * Idempotent: each end's event id derives from the deactivation and the session, and a
 * session started later (after a reactivation) is left alone when old events are replayed.
 */
@injectable()
export class EndSessionsOnUserDeactivated {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(USER_SESSIONS_INDEX) private readonly sessions: UserSessionsIndex,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type !== 'UserDeactivated') return;
    const { userId, deactivatedAt } = (event as RecordedEvent<'UserDeactivated', UserDeactivated['data']>).data;
    const context: CommandContext = {
      actorId: END_SESSIONS_ACTOR,
      correlationId: event.metadata.correlationId,
      causationId: event.id,
      now: this.clock.now(),
    };
    for (const sessionId of await this.sessions.liveSessionIds(userId)) {
      await handleCommand(
        this.store,
        authSessionDecider,
        sessionStreamName(sessionId),
        { type: 'EndSession', data: { reason: 'user_deactivated', startedUntil: deactivatedAt } },
        context,
        { eventId: () => this.ids.derivedEventId(event.id, sessionId) },
      );
    }
  }
}
