import type { Knex } from 'knex';
import type { Role } from '../../src/features/users/domain/roles';
import type { RowChange, RowTable } from '../row-projection';
import type { UserRow } from './users.projector';

/** The projection's name, and the views (named after it) through which the API reads its live version. */
export const USERS = 'users';
export const USERS_VIEW = USERS;
export const USERS_COUNT_VIEW = `${USERS}_count`;

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

/**
 * Every version of the users list: `role` is the shared `user_role` enum (declared super_admin,
 * admin, user, so that it sorts in the original's order); every sortable column has an index
 * ending in `id`, the unique tie-break that keyset pages need, and each serves both directions.
 * Rows are written from arrays (`unnest`), one statement per batch whatever its size.
 */
export const usersTable: RowTable<UserRow> = {
  counted: true,
  comparison: { key: 'id', columns: ['username', 'role', 'is_active', 'last_revision'] },

  async create(trx, table) {
    await trx.raw(`CREATE TABLE IF NOT EXISTS ${table} (
      id uuid PRIMARY KEY,
      username text NOT NULL,
      role user_role NOT NULL,
      is_active boolean NOT NULL,
      last_revision bigint NOT NULL
    )`);
    await trx.raw('INSERT INTO read_model_counts (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING', [table]);
  },

  async createIndexes(trx, table) {
    for (const column of ['username', 'role', 'is_active']) {
      await trx.raw(`CREATE INDEX IF NOT EXISTS ${table}_${column}_id ON ${table} (${column}, id)`);
    }
  },

  async drop(trx, table) {
    await trx.raw(`DROP TABLE IF EXISTS ${table}`);
    await trx.raw('DELETE FROM read_model_counts WHERE name = ?', [table]);
  },

  async truncate(trx, table) {
    await trx.raw(`TRUNCATE ${table}`);
    await trx.raw('UPDATE read_model_counts SET value = 0 WHERE name = ?', [table]);
  },

  // The count first: the list's statement (users.reader.ts) reads `users_count`, then `users`.
  views: (name, table) => [
    `CREATE OR REPLACE VIEW ${name}_count AS SELECT value FROM read_model_counts WHERE name = '${table}'`,
    `CREATE OR REPLACE VIEW ${name} AS SELECT id, username, role, is_active, last_revision FROM ${table}`,
  ],

  async load(trx, table, ids) {
    const { rows } = (await trx.raw(
      `SELECT id, username, role, is_active, last_revision FROM ${table} WHERE id = ANY(?::uuid[])`,
      [ids as string[]],
    )) as { rows: StoredUserRow[] };
    return new Map(rows.map((row) => [row.id, fromStored(row)]));
  },

  async keys(trx, table) {
    const { rows } = (await trx.raw(`SELECT id::text AS id FROM ${table}`)) as { rows: Array<{ id: string }> };
    return rows.map((row) => row.id);
  },

  async save(trx, table, changes) {
    const upserts = changes.flatMap((change) => (change.after === null ? [] : [change.after]));
    const deletes = changes.filter((change) => change.after === null).map((change) => change.key);
    if (upserts.length > 0) {
      await trx.raw(
        `INSERT INTO ${table} (id, username, role, is_active, last_revision)
         SELECT * FROM unnest(?::uuid[], ?::text[], ?::user_role[], ?::boolean[], ?::bigint[])
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, role = excluded.role,
           is_active = excluded.is_active, last_revision = excluded.last_revision`,
        [
          upserts.map((row) => row.id),
          upserts.map((row) => row.username),
          upserts.map((row) => row.role),
          upserts.map((row) => row.is_active),
          upserts.map((row) => row.last_revision.toString()),
        ],
      );
    }
    if (deletes.length > 0) await trx.raw(`DELETE FROM ${table} WHERE id = ANY(?::uuid[])`, [deletes]);
    const delta = countDelta(changes);
    if (delta !== 0) await trx.raw('UPDATE read_model_counts SET value = value + ? WHERE name = ?', [delta, table]);
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
  const row = (await q(USERS_COUNT_VIEW).first('value')) as { value: string | number } | undefined;
  return row === undefined ? 0 : Number(row.value);
}
