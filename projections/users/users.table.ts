import type { Knex } from 'knex';
import type { Role } from '../../src/features/user/domain/roles';
import type { RowChange, RowTable } from '../row-projection';
import type { UserRow } from './users.projector';

export const USERS_TABLE = 'users_v1';
/** Key of the users count in `read_model_counts`, kept in the same transaction as the rows. */
export const USERS_COUNT = 'users_v1';

interface StoredUserRow {
  id: string;
  username: string;
  role: Role;
  is_active: boolean;
  last_revision: string | number;
}

const fromStored = (row: StoredUserRow): UserRow => ({
  id: row.id,
  username: row.username,
  role: row.role,
  is_active: row.is_active,
  last_revision: BigInt(row.last_revision),
});

const toStored = (row: UserRow): Record<string, unknown> => ({
  id: row.id,
  username: row.username,
  role: row.role,
  is_active: row.is_active,
  last_revision: row.last_revision.toString(),
});

export const usersTable: RowTable<UserRow> = {
  async load(trx, ids) {
    const rows: StoredUserRow[] = await trx(USERS_TABLE)
      .select('id', 'username', 'role', 'is_active', 'last_revision')
      .whereIn('id', ids as string[]);
    return new Map(rows.map((row) => [row.id, fromStored(row)]));
  },

  async save(trx, changes) {
    const upserts = changes.flatMap((change) => (change.after === null ? [] : [toStored(change.after)]));
    const deletes = changes.filter((change) => change.after === null).map((change) => change.key);
    if (upserts.length > 0) await trx(USERS_TABLE).insert(upserts).onConflict('id').merge();
    if (deletes.length > 0) await trx(USERS_TABLE).whereIn('id', deletes).delete();
    const delta = countDelta(changes);
    if (delta !== 0) await trx('read_model_counts').where({ name: USERS_COUNT }).increment('value', delta);
  },
};

/** Rows that appeared minus rows that went, so `total` never needs COUNT(*). */
export function countDelta<Row>(changes: readonly RowChange<Row>[]): number {
  let delta = 0;
  for (const { before, after } of changes) {
    if (before === null && after !== null) delta++;
    if (before !== null && after === null) delta--;
  }
  return delta;
}

export async function readUsersCount(q: Knex | Knex.Transaction): Promise<number> {
  const row = (await q('read_model_counts').where({ name: USERS_COUNT }).first('value')) as
    | { value: string | number }
    | undefined;
  return row === undefined ? 0 : Number(row.value);
}
