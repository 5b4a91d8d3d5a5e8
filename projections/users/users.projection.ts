import type { RecordedEvent } from '../../src/shared/event-store/event-store';
import type { Projection } from '../projection';
import { rowProjection } from '../row-projection';
import { evolveUserRow, userIdOf } from './users.projector';
import { USERS_TABLE, usersTable } from './users.table';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id the uuid column cannot hold would stall the projection for ever, so such events are skipped. */
function keyOf(event: RecordedEvent): string | undefined {
  const id = userIdOf(event);
  return id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined;
}

/** The users list read model (`users_v1`), folded from `user-<id>` streams. */
export function usersProjection(): Projection {
  return rowProjection({
    name: USERS_TABLE,
    filter: { streamNamePrefixes: ['user-'] },
    keyOf,
    evolve: evolveUserRow,
    table: usersTable,
  });
}
