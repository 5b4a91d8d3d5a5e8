import type { Knex } from 'knex';
import type { Database } from '../../src/shared/database/database';
import type { Role } from '../../src/features/user/domain/roles';
import { ValidationError } from '../../src/shared/errors';
import type { UserDirectoryReader, UserListPage, UserListQuery } from '../../src/features/user/index';
import { decodeCursor, encodeCursor } from './users-cursor';
import type { SortKey, UsersCursor } from './users-cursor';
import { USERS_COUNT, USERS_TABLE } from './users.table';

const SORTABLE_FIELDS = ['id', 'username', 'role', 'is_active'] as const;
type SortableField = (typeof SORTABLE_FIELDS)[number];

interface PageRow {
  total: string | number;
  id: string | null;
  username: string;
  role: Role;
  is_active: boolean;
}

/**
 * The users list from `users_v1`. Offset pages as the original has them, and keyset pages
 * (`cursor`) that stay fast at any depth; both order by the field, then by id, so the two
 * kinds of page agree. The total comes from the maintained count in the same statement.
 */
export class PgUserDirectoryReader implements UserDirectoryReader {
  readonly sortableFields: readonly string[] = SORTABLE_FIELDS;

  constructor(private readonly db: Pick<Database, 'read'>) {}

  async list(query: UserListQuery): Promise<UserListPage> {
    const field = sortableField(query.sortingField);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, field, query.sortingOrder);
    const direction = query.sortingOrder === 'DESC' ? 'desc' : 'asc';
    const limit = Math.max(1, Math.floor(query.limit));

    const rows: PageRow[] = await this.db.read(async (q) => {
      const page = q(USERS_TABLE).select('id', 'username', 'role', 'is_active');
      if (after !== undefined) whereAfter(page, after, direction);
      else if (query.offset > 0) page.offset(Math.floor(query.offset));
      page.orderBy(orderOf(field, direction)).limit(limit + 1);
      const sub = page.toSQL();
      return q
        .select('c.value as total', 'p.id', 'p.username', 'p.role', 'p.is_active')
        .from('read_model_counts as c')
        .joinRaw(`LEFT JOIN LATERAL (${sub.sql}) AS p ON true`, [...sub.bindings])
        .where('c.name', USERS_COUNT)
        .orderBy(orderOf(field, direction).map((o) => ({ ...o, column: `p.${o.column}` })));
    });

    const total = rows[0] === undefined ? 0 : Number(rows[0].total);
    const found = rows.filter((row): row is PageRow & { id: string } => row.id !== null);
    const users = found.slice(0, limit).map((row) => ({
      id_: row.id,
      username: row.username,
      role: row.role,
      is_active: row.is_active,
    }));
    const last = users[users.length - 1];
    const nextCursor = found.length > limit && last !== undefined
      ? encodeCursor({ field, order: query.sortingOrder, key: sortKeyOf(field, last), id: last.id_ })
      : null;
    return { users, total, nextCursor };
  }
}

function sortableField(field: string): SortableField {
  if ((SORTABLE_FIELDS as readonly string[]).includes(field)) return field as SortableField;
  throw new ValidationError('users.invalid_sorting_field', `Invalid sorting field: '${field}'`);
}

function orderOf(field: SortableField, direction: 'asc' | 'desc'): { column: string; order: 'asc' | 'desc' }[] {
  return field === 'id'
    ? [{ column: 'id', order: direction }]
    : [{ column: field, order: direction }, { column: 'id', order: direction }];
}

/** Rows strictly after the cursor in this sorting; a row-value comparison the (field, id) index serves. */
function whereAfter(page: Knex.QueryBuilder, after: UsersCursor, direction: 'asc' | 'desc'): void {
  const op = direction === 'asc' ? '>' : '<';
  if (after.field === 'id') page.where('id', op, after.id);
  else page.whereRaw(`(??, ??) ${op} (?, ?)`, [after.field, 'id', after.key, after.id]);
}

function sortKeyOf(field: SortableField, item: { id_: string; username: string; role: Role; is_active: boolean }): SortKey {
  switch (field) {
    case 'id':
      return item.id_;
    case 'username':
      return item.username;
    case 'role':
      return item.role;
    case 'is_active':
      return item.is_active;
    default: {
      const _exhaustive: never = field;
      return _exhaustive;
    }
  }
}
