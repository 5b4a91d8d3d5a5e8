import type { Database } from '../../src/shared/database/database';
import type { Role } from '../../src/features/users/domain/roles';
import { sortingFieldAmong, type UserDirectoryReader, type UserListPage, type UserListQuery } from '../../src/features/users/index';
import { decodeCursor, encodeCursor } from './users-cursor';
import type { SortKey } from './users-cursor';
import { USERS_COUNT_VIEW, USERS_VIEW } from './users.table';

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
 * The users list from the live version's view (`users`). Offset pages as the original has them, and keyset pages
 * (`cursor`) that stay fast at any depth; both order by the field, then by id, so the two
 * kinds of page agree. The total comes from the maintained count in the same statement.
 */
export class PgUserDirectoryReader implements UserDirectoryReader {
  readonly sortableFields: readonly string[] = SORTABLE_FIELDS;

  constructor(private readonly db: Pick<Database, 'query'>) {}

  async list(query: UserListQuery): Promise<UserListPage> {
    // The handler has checked the field before waiting for freshness; this narrows it for the SQL.
    const field = sortingFieldAmong(SORTABLE_FIELDS, query.sortingField);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, field, query.sortingOrder);
    const direction = query.sortingOrder === 'DESC' ? 'desc' : 'asc';
    const limit = Math.max(1, Math.floor(query.limit));

    const paging: Paging = after !== undefined ? 'cursor' : query.offset > 0 ? 'offset' : 'first';
    const bindings: unknown[] = [];
    if (after !== undefined) bindings.push(...(field === 'id' ? [after.id] : [after.key, after.id]));
    bindings.push(limit + 1);
    if (paging === 'offset') bindings.push(Math.floor(query.offset));
    const rows = await this.db.query<PageRow>(pageSql(field, direction, paging), bindings);

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

type Paging = 'first' | 'offset' | 'cursor';

const PAGE_SQL = new Map<string, string>();

/**
 * The page and the total in one statement, one text per field, direction and kind of page
 * (24 in all), built once: the list runs on every request and knex's builder cost more than
 * the query. Bindings: the cursor's key and id (cursor pages), limit, offset (offset pages).
 */
function pageSql(field: SortableField, direction: 'asc' | 'desc', paging: Paging): string {
  const cacheKey = `${field} ${direction} ${paging}`;
  let sql = PAGE_SQL.get(cacheKey);
  if (sql === undefined) {
    const columns = field === 'id' ? ['id'] : [field, 'id'];
    const order = (prefix: string): string => columns.map((c) => `${prefix}"${c}" ${direction}`).join(', ');
    const op = direction === 'asc' ? '>' : '<';
    // Rows strictly after the cursor: a row-value comparison the (field, id) index serves.
    const where = paging !== 'cursor' ? '' : field === 'id' ? ` where "id" ${op} ?` : ` where ("${field}", "id") ${op} (?, ?)`;
    const page = `select "id", "username", "role", "is_active" from "${USERS_VIEW}"${where} order by ${order('')} limit ?${paging === 'offset' ? ' offset ?' : ''}`;
    sql = `select "c"."value" as "total", "p"."id", "p"."username", "p"."role", "p"."is_active" from "${USERS_COUNT_VIEW}" as "c" `
      + `LEFT JOIN LATERAL (${page}) AS p ON true order by ${order('"p".')}`;
    PAGE_SQL.set(cacheKey, sql);
  }
  return sql;
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
