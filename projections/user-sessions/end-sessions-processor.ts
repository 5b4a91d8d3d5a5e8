import type { EndSessionsOnUserDeactivated } from '../../src/features/sessions/index';
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
