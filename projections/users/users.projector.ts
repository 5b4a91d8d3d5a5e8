import type { Role } from '../../src/features/users/domain/roles';
import type {
  AdminGranted,
  AdminRevoked,
  UserActivated,
  UserCreated,
  UserCreationAbandoned,
  UserDeactivated,
} from '../../src/features/users/domain/user-events';
import type { ProjectedEvent } from '../projection';

/** One row of the users list: what an administrator may see, never a password hash. */
export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly is_active: boolean;
  /** Revision of the last event of the user's stream folded into this row. */
  readonly last_revision: bigint;
}

type UserListEvent =
  | UserCreated
  | AdminGranted
  | AdminRevoked
  | UserActivated
  | UserDeactivated
  | UserCreationAbandoned;

/** The only events the list reads: the store filters on them, so password changes never reach the fold. */
export const USER_LIST_EVENT_TYPES: readonly UserListEvent['type'][] = [
  'UserCreated',
  'AdminGranted',
  'AdminRevoked',
  'UserActivated',
  'UserDeactivated',
  'UserCreationAbandoned',
];

const HANDLED: ReadonlySet<string> = new Set<string>(USER_LIST_EVENT_TYPES);

export function isUserListEvent(event: { readonly type: string }): boolean {
  return HANDLED.has(event.type);
}

/** The user id an event of the users list is about, undefined for any other event. */
export function userIdOf(event: { readonly type: string; readonly data: unknown }): string | undefined {
  if (!isUserListEvent(event)) return undefined;
  return (event.data as UserListEvent['data']).userId;
}

/**
 * Pure fold of one user's stream into its list row. Events at or below the row's
 * `last_revision` were applied already and change nothing, so a replayed batch is harmless.
 * An abandoned creation never becomes a row.
 */
export function evolveUserRow(row: UserRow | null, event: ProjectedEvent): UserRow | null {
  if (!isUserListEvent(event)) return row;
  if (row !== null && event.revision <= row.last_revision) return row;
  const known = { type: event.type, data: event.data } as UserListEvent;
  switch (known.type) {
    case 'UserCreated':
      return {
        id: known.data.userId,
        username: known.data.username,
        role: known.data.role,
        is_active: true,
        last_revision: event.revision,
      };
    case 'UserCreationAbandoned':
      return null;
    case 'AdminGranted':
      return row && { ...row, role: 'admin', last_revision: event.revision };
    case 'AdminRevoked':
      return row && { ...row, role: 'user', last_revision: event.revision };
    case 'UserActivated':
      return row && { ...row, is_active: true, last_revision: event.revision };
    case 'UserDeactivated':
      return row && { ...row, is_active: false, last_revision: event.revision };
    default: {
      const _exhaustive: never = known;
      return _exhaustive;
    }
  }
}
