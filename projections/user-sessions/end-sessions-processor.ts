import type { EndSessionsOnSessionsRevoked, EndSessionsOnUserDeactivated } from '../../src/features/sessions/index';
import type { EventFilter } from '../../src/shared/event-store/event-store';
import type { Processor } from '../projection';
import { USER_SESSIONS } from './user-sessions.table';

export const END_SESSIONS_ON_USER_DEACTIVATED = 'end-sessions-on-user-deactivated';

/** The only events the reaction reads. */
export const END_SESSIONS_FILTER: EventFilter = { eventTypePrefixes: ['UserDeactivated'] };

export interface EndSessionsProcessorOptions {
  readonly name?: string;
  /** Checkpoint name of the sessions index the reaction reads. */
  readonly sessionsProjection?: string;
}

/**
 * Runs the account feature's reaction for each deactivation, once the sessions index has
 * seen everything up to it, so that every session started before it is found.
 */
export function endSessionsOnUserDeactivatedProcessor(
  reaction: Pick<EndSessionsOnUserDeactivated, 'handle'>,
  options: EndSessionsProcessorOptions = {},
): Processor {
  return {
    name: options.name ?? END_SESSIONS_ON_USER_DEACTIVATED,
    filter: END_SESSIONS_FILTER,
    waitFor: [options.sessionsProjection ?? USER_SESSIONS],
    handle: (event) => reaction.handle(event),
  };
}

export const END_SESSIONS_ON_SESSIONS_REVOKED = 'end-sessions-on-sessions-revoked';

/** Password changes and sets, and log-out everywhere: the events that revoke sessions besides a deactivation. */
export const END_REVOKED_SESSIONS_FILTER: EventFilter = { eventTypePrefixes: ['PasswordChanged', 'PasswordSet', 'SessionsRevoked'] };

/** The same for the sessions a password change, a password set or log-out everywhere ended. */
export function endSessionsOnSessionsRevokedProcessor(
  reaction: Pick<EndSessionsOnSessionsRevoked, 'handle'>,
  options: EndSessionsProcessorOptions = {},
): Processor {
  return {
    name: options.name ?? END_SESSIONS_ON_SESSIONS_REVOKED,
    filter: END_REVOKED_SESSIONS_FILTER,
    waitFor: [options.sessionsProjection ?? USER_SESSIONS],
    handle: (event) => reaction.handle(event),
  };
}
