import type { Decider } from '../../../shared/decider';
import { evolve, initialState, type AuthSessionState } from './auth-session';
import type { AuthSessionCommand } from './auth-session-commands';
import type { AuthSessionEvent } from './auth-session-events';
import { NotAuthenticatedError, SessionAlreadyStartedError } from './errors';
import { endedByDeactivation, firstExpiry, liveSession, renewedExpiry } from './session-validity';

/** Decisions of a `session-<id>` stream. Ending an ended session, or extending early, is a no-op. */
export function decide(command: AuthSessionCommand, state: AuthSessionState): AuthSessionEvent[] {
  switch (command.type) {
    case 'StartSession': {
      const { sessionId, userId, now, ttlMs, maxLifetimeMs } = command.data;
      if (state.status !== 'none') throw new SessionAlreadyStartedError(sessionId);
      const expiresAt = firstExpiry(now, ttlMs, maxLifetimeMs);
      return [{ type: 'SessionStarted', data: { sessionId, userId, startedAt: now.toISOString(), expiresAt } }];
    }
    case 'ExtendSession': {
      const { now, maxLifetimeMs } = command.data;
      const live = liveSession(state, now, maxLifetimeMs);
      if (live === undefined) throw new NotAuthenticatedError();
      const expiresAt = renewedExpiry(live, now, command.data);
      return expiresAt === undefined ? [] : [{ type: 'SessionExtended', data: { sessionId: live.sessionId, expiresAt } }];
    }
    case 'EndSession': {
      if (state.status !== 'active') return [];
      const { startedUntil } = command.data;
      if (startedUntil !== undefined && !endedByDeactivation(state, startedUntil)) return [];
      const { sessionId, userId } = state;
      return [{ type: 'SessionEnded', data: { sessionId, userId, reason: command.data.reason } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const authSessionDecider: Decider<AuthSessionState, AuthSessionCommand, AuthSessionEvent> = {
  initialState,
  evolve,
  decide,
};
