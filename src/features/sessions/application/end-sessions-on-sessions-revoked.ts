import { inject, injectable } from 'tsyringe';
import { CLOCK, type Clock } from '../../../shared/clock';
import type { RecordedEvent } from '../../../shared/event-store/event-store';
import type { PasswordChanged, PasswordSet, SessionsRevoked } from '../../users';
import type { SessionEndReason } from '../domain/auth-session-events';
import { UserSessionsEnder, type EndSessionsRequest } from './user-sessions-ender';

export const END_REVOKED_SESSIONS_ACTOR = 'system:end-sessions-on-sessions-revoked';

/** The user-stream events that end sessions besides a deactivation, and what each ends. */
export const SESSION_REVOKING_EVENTS = ['PasswordChanged', 'PasswordSet', 'SessionsRevoked'] as const;

/**
 * Reaction to a revocation of a user's sessions (their own password change, a password set by an
 * admin, log-out everywhere): appends the SessionEnded of each session it ended. The session
 * check already treats those sessions as ended from the user stream alone (so a request never
 * waits on this, nor on the sessions index it reads); this writes the audit trail.
 * Idempotent as the deactivation's reaction: each end's event id derives from the event and the session.
 */
@injectable()
export class EndSessionsOnSessionsRevoked {
  constructor(
    private readonly ender: UserSessionsEnder,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const request = requestOf(event);
    if (request === undefined) return;
    await this.ender.endAll(
      { ...request, causedByEventId: event.id },
      { actorId: END_REVOKED_SESSIONS_ACTOR, correlationId: event.metadata.correlationId, causationId: event.id, now: this.clock.now() },
    );
  }
}

function requestOf(event: RecordedEvent): Omit<EndSessionsRequest, 'causedByEventId'> | undefined {
  const ends = (userId: string, reason: SessionEndReason, startedUntil: string | undefined, keepSessionId?: string) =>
    // Events written before these ended sessions carry no time: they end nothing.
    startedUntil === undefined ? undefined : { userId, reason, startedUntil, ...(keepSessionId === undefined ? {} : { keepSessionId }) };
  switch (event.type) {
    case 'PasswordChanged': {
      const { userId, changedAt, sessionId } = event.data as PasswordChanged['data'];
      return sessionId === undefined ? undefined : ends(userId, 'password_changed', changedAt, sessionId);
    }
    case 'PasswordSet': {
      const { userId, setAt } = event.data as PasswordSet['data'];
      return ends(userId, 'password_set', setAt);
    }
    case 'SessionsRevoked': {
      const { userId, revokedAt } = event.data as SessionsRevoked['data'];
      return ends(userId, 'logout_everywhere', revokedAt);
    }
    default:
      return undefined;
  }
}
