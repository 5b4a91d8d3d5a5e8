import type { RowTable } from '../row-projection';
import type { UserSessionRow } from './user-sessions.projector';

/** The projection's name, and the view through which the sessions index reads its live version. */
export const USER_SESSIONS = 'user_sessions';
export const USER_SESSIONS_VIEW = USER_SESSIONS;

interface StoredSessionRow {
  session_id: string;
  user_id: string;
  expires_at: Date | string;
  ended: boolean;
  last_revision: string | number;
}

/** Sessions per user, so that a deactivation can end all of them; only live rows are indexed. */
export const userSessionsTable: RowTable<UserSessionRow> = {
  counted: false,
  comparison: { key: 'session_id', columns: ['user_id', 'expires_at', 'ended', 'last_revision'] },

  async create(trx, table) {
    await trx.raw(`CREATE TABLE IF NOT EXISTS ${table} (
      session_id text PRIMARY KEY,
      user_id uuid NOT NULL,
      expires_at timestamptz NOT NULL,
      ended boolean NOT NULL,
      last_revision bigint NOT NULL
    )`);
  },

  async createIndexes(trx, table) {
    await trx.raw(`CREATE INDEX IF NOT EXISTS ${table}_live ON ${table} (user_id) WHERE NOT ended`);
  },

  async drop(trx, table) {
    await trx.raw(`DROP TABLE IF EXISTS ${table}`);
  },

  async truncate(trx, table) {
    await trx.raw(`TRUNCATE ${table}`);
  },

  views: (name, table) => [`CREATE OR REPLACE VIEW ${name} AS SELECT session_id, user_id, expires_at, ended, last_revision FROM ${table}`],

  async keys(trx, table) {
    const { rows } = (await trx.raw(`SELECT session_id FROM ${table}`)) as { rows: Array<{ session_id: string }> };
    return rows.map((row) => row.session_id);
  },

  async load(trx, table, sessionIds) {
    const { rows } = (await trx.raw(
      `SELECT session_id, user_id, expires_at, ended, last_revision FROM ${table} WHERE session_id = ANY(?::text[])`,
      [sessionIds as string[]],
    )) as { rows: StoredSessionRow[] };
    return new Map(
      rows.map((row) => [
        row.session_id,
        {
          session_id: row.session_id,
          user_id: row.user_id,
          expires_at: new Date(row.expires_at),
          ended: row.ended,
          last_revision: BigInt(row.last_revision),
        },
      ]),
    );
  },

  async save(trx, table, changes) {
    const upserts = changes.flatMap(({ after }) => (after === null ? [] : [after]));
    const deletes = changes.filter((change) => change.after === null).map((change) => change.key);
    if (upserts.length > 0) {
      await trx.raw(
        `INSERT INTO ${table} (session_id, user_id, expires_at, ended, last_revision)
         SELECT * FROM unnest(?::text[], ?::uuid[], ?::timestamptz[], ?::boolean[], ?::bigint[])
         ON CONFLICT (session_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at,
           ended = excluded.ended, last_revision = excluded.last_revision`,
        [
          upserts.map((row) => row.session_id),
          upserts.map((row) => row.user_id),
          upserts.map((row) => row.expires_at.toISOString()),
          upserts.map((row) => row.ended),
          upserts.map((row) => row.last_revision.toString()),
        ],
      );
    }
    if (deletes.length > 0) await trx.raw(`DELETE FROM ${table} WHERE session_id = ANY(?::text[])`, [deletes]);
  },
};
