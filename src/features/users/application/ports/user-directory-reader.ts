import { InvalidSortingFieldError } from '../../domain/errors';
import type { Role } from '../../domain/roles';

export interface UserListQuery {
  limit: number;
  offset: number;
  sortingField: string;
  sortingOrder: 'ASC' | 'DESC';
  /** Opaque keyset cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface UserListItem {
  id_: string;
  username: string;
  role: Role;
  is_active: boolean;
}

export interface UserListPage {
  users: UserListItem[];
  total: number;
  nextCursor: string | null;
}

/** The users list, served from a projection (eventually consistent; never used to authorize). */
export interface UserDirectoryReader {
  readonly sortableFields: readonly string[];
  /** Throws a 400 for a cursor it did not issue. */
  list(query: UserListQuery): Promise<UserListPage>;
}

/**
 * The one check of a list's sorting field: the field itself when it is one of `sortableFields`,
 * else the 400 the API answers (`users.invalid_sorting_field`, the value in Python's repr).
 */
export function sortingFieldAmong<F extends string>(sortableFields: readonly F[], field: string): F {
  if ((sortableFields as readonly string[]).includes(field)) return field as F;
  throw new InvalidSortingFieldError(field);
}

export const USER_DIRECTORY_READER = Symbol('UserDirectoryReader');
