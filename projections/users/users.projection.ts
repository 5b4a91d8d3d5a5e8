import type { RecordedEvent } from '../../src/shared/event-store/event-store';
import type { Projection } from '../projection';
import { rowProjection } from '../row-projection';
import { evolveUserRow, userIdOf } from './users.projector';
import { USERS_TABLE, usersTable } from './users.table';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLES: readonly unknown[] = ['super_admin', 'admin', 'user'];

/**
 * A value the table cannot hold (an id that is no uuid, a role outside the enum) would fail
 * the batch on every retry and stall the projection for ever, so such events are skipped.
 */
function keyOf(event: RecordedEvent): string | undefined {
  const id = userIdOf(event);
  if (id === undefined || !UUID.test(id)) return undefined;
  if (event.type === 'UserCreated') {
    const { username, role } = event.data as { username?: unknown; role?: unknown };
    if (typeof username !== 'string' || !ROLES.includes(role)) return undefined;
  }
  return id.toLowerCase();
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
