import type { Role } from '../../src/features/user/domain/roles';

/** Structural copy of the user feature's read port (UserDirectoryReader). */
export interface UserListQuery {
  limit: number;
  offset: number;
  sortingField: string;
  sortingOrder: 'ASC' | 'DESC';
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
export interface UserDirectoryReader {
  readonly sortableFields: readonly string[];
  list(query: UserListQuery): Promise<UserListPage>;
}
