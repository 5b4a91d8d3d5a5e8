import type { RecordedEvent } from '../../src/shared/event-store/event-store';
import type { ProjectionDefinition } from '../projection';
import { rowProjection } from '../row-projection';
import { evolveUserSessionRow, SESSION_EVENT_TYPES, sessionIdOf } from './user-sessions.projector';
import { USER_SESSIONS, userSessionsTable } from './user-sessions.table';
import { isUuid } from '../../src/shared/uuid';

/** A start whose user id the uuid column cannot hold is refused, and stops the projection at it. */
function keyOf(event: RecordedEvent): string | undefined {
  if (event.type === 'SessionStarted' && !isUuid(String((event.data as { userId?: unknown }).userId))) {
    throw new Error(`SessionStarted names no user id the sessions table can hold: ${JSON.stringify((event.data as { userId?: unknown }).userId)}`);
  }
  return sessionIdOf(event);
}

/** Sessions per user (`user_sessions`), folded from session streams. */
export function userSessionsProjection(name = USER_SESSIONS): ProjectionDefinition {
  return rowProjection({
    name,
    filter: { eventTypePrefixes: SESSION_EVENT_TYPES },
    keyOf,
    evolve: evolveUserSessionRow,
    table: userSessionsTable,
  });
}
