import type { RowTable } from '../row-projection';
import type { UserSessionRow } from './user-sessions.projector';

export const USER_SESSIONS_TABLE = 'user_sessions_v1';

interface StoredSessionRow {
  session_id: string;
  user_id: string;
  expires_at: Date | string;
  ended: boolean;
  last_revision: string | number;
}

export const userSessionsTable: RowTable<UserSessionRow> = {
  async load(trx, sessionIds) {
    const rows: StoredSessionRow[] = await trx(USER_SESSIONS_TABLE)
      .select('session_id', 'user_id', 'expires_at', 'ended', 'last_revision')
      .whereIn('session_id', sessionIds as string[]);
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

  async save(trx, changes) {
    const upserts = changes.flatMap(({ after }) =>
      after === null ? [] : [{ ...after, expires_at: after.expires_at.toISOString(), last_revision: after.last_revision.toString() }],
    );
    const deletes = changes.filter((change) => change.after === null).map((change) => change.key);
    if (upserts.length > 0) await trx(USER_SESSIONS_TABLE).insert(upserts).onConflict('session_id').merge();
    if (deletes.length > 0) await trx(USER_SESSIONS_TABLE).whereIn('session_id', deletes).delete();
  },
};
