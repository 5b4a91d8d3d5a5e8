import type { RecordedEvent } from '../../src/shared/event-store/event-store';
import type { ProjectionDefinition } from '../projection';
import { rowProjection } from '../row-projection';
import { evolveUserRow, USER_LIST_EVENT_TYPES, userIdOf } from './users.projector';
import { USERS, usersTable } from './users.table';
import { isRole } from '../../src/features/users/domain/user-events';
import { isUuid } from '../../src/shared/uuid';

/**
 * The row an event is about. An event of the list whose values the table cannot hold (an id
 * that is no uuid, a role outside the enum) is refused: the worker retries it, then stops the
 * projection at it, named in its status, rather than skipping it unseen.
 */
function keyOf(event: RecordedEvent): string | undefined {
  const id = userIdOf(event);
  if (id === undefined) return undefined;
  if (!isUuid(id)) throw new Error(`${event.type} names no user id the users table can hold: ${JSON.stringify(id)}`);
  if (event.type === 'UserCreated') {
    const { username, role } = event.data as { username?: unknown; role?: unknown };
    if (typeof username !== 'string') throw new Error(`UserCreated has no username: ${JSON.stringify(username)}`);
    if (!isRole(role)) throw new Error(`UserCreated has a role the users table cannot hold: ${JSON.stringify(role)}`);
  }
  return id.toLowerCase();
}

/** The users list (`users`, read through the view of the same name), folded from user streams. */
export function usersProjection(name = USERS): ProjectionDefinition {
  return rowProjection({
    name,
    filter: { eventTypePrefixes: USER_LIST_EVENT_TYPES },
    keyOf,
    evolve: evolveUserRow,
    table: usersTable,
  });
}
