import type { ProjectionDefinition } from './projection';
import type { EventFilter } from '../src/shared/event-store/event-store';
import {
  END_REVOKED_SESSIONS_FILTER,
  END_SESSIONS_FILTER,
  END_SESSIONS_ON_SESSIONS_REVOKED,
  END_SESSIONS_ON_USER_DEACTIVATED,
} from './user-sessions/end-sessions-processor';
import { userSessionsProjection } from './user-sessions/user-sessions.projection';
import { usersProjection } from './users/users.projection';

/** Every read model the service keeps, by name: what the worker runs and the operator tools know. */
export function projectionCatalog(): readonly ProjectionDefinition[] {
  return [usersProjection(), userSessionsProjection()];
}

/** Every reaction (a checkpoint and side effects, no table), by name. */
export const REACTIONS: readonly string[] = [END_SESSIONS_ON_USER_DEACTIVATED, END_SESSIONS_ON_SESSIONS_REVOKED];

/** The events each reaction reads: its lag counts only those. */
export const REACTION_FILTERS: Readonly<Record<string, EventFilter>> = {
  [END_SESSIONS_ON_USER_DEACTIVATED]: END_SESSIONS_FILTER,
  [END_SESSIONS_ON_SESSIONS_REVOKED]: END_REVOKED_SESSIONS_FILTER,
};
