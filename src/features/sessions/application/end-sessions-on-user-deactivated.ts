import { inject, injectable } from 'tsyringe';
import { CLOCK, type Clock } from '../../../shared/clock';
import type { RecordedEvent } from '../../../shared/event-store/event-store';
import type { UserDeactivated } from '../../users';
import { UserSessionsEnder } from './user-sessions-ender';

export const END_SESSIONS_ACTOR = 'system:end-sessions-on-user-deactivated';

/**
 * Reaction to UserDeactivated: ends every session the user started until the deactivation.
 * Idempotent: each end's event id derives from the deactivation and the session, and a
 * session started later (after a reactivation) is left alone when old events are replayed.
 */
@injectable()
export class EndSessionsOnUserDeactivated {
  constructor(
    private readonly ender: UserSessionsEnder,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type !== 'UserDeactivated') return;
    const { userId, deactivatedAt } = (event as RecordedEvent<'UserDeactivated', UserDeactivated['data']>).data;
    await this.ender.endAll(
      { userId, reason: 'user_deactivated', startedUntil: deactivatedAt, causedByEventId: event.id },
      { actorId: END_SESSIONS_ACTOR, correlationId: event.metadata.correlationId, causationId: event.id, now: this.clock.now() },
    );
  }
}
