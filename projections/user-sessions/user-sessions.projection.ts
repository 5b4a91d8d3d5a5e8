import type { RecordedEvent } from '../../src/shared/event-store/event-store';
import type { Projection } from '../projection';
import { rowProjection } from '../row-projection';
import { evolveUserSessionRow, sessionIdOf } from './user-sessions.projector';
import { USER_SESSIONS_TABLE, userSessionsTable } from './user-sessions.table';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A start whose user id the uuid column cannot hold would stall the projection, so it is skipped. */
function keyOf(event: RecordedEvent): string | undefined {
  if (event.type === 'SessionStarted' && !UUID.test(String((event.data as { userId?: unknown }).userId))) return undefined;
  return sessionIdOf(event);
}

/** Sessions per user (`user_sessions_v1`), folded from `session-<id>` streams. */
export function userSessionsProjection(): Projection {
  return rowProjection({
    name: USER_SESSIONS_TABLE,
    filter: { streamNamePrefixes: ['session-'] },
    keyOf,
    evolve: evolveUserSessionRow,
    table: userSessionsTable,
  });
}
