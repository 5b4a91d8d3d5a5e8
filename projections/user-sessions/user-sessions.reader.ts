import type { IndexedSessions, UserSessionsIndex } from '../../src/features/sessions/index';
import type { Database } from '../../src/shared/database/database';
import type { Clock } from '../../src/shared/clock';
import { systemClock } from '../../src/shared/clock';
import { USER_SESSIONS_VIEW } from './user-sessions.table';
import { isUuid } from '../../src/shared/uuid';

/** Sessions of a user that have neither ended nor expired, as far as the projection has seen. */
export class PgUserSessionsIndex implements UserSessionsIndex {
  constructor(
    private readonly db: Pick<Database, 'knex'>,
    private readonly clock: Clock = systemClock,
    /** The view of the projection's live version (another name in tests). */
    private readonly view: string = USER_SESSIONS_VIEW,
  ) {}

  async liveSessionIds(userId: string): Promise<string[]> {
    if (!isUuid(userId)) return [];
    const rows: { session_id: string }[] = await this.db.knex(this.view)
        .select('session_id')
        .where({ user_id: userId, ended: false })
        .andWhere('expires_at', '>', this.clock.now().toISOString())
        .orderBy('session_id');
    return rows.map((row) => row.session_id);
  }

  /**
   * One statement, so one snapshot: a batch commits its rows and its checkpoint together, and a
   * rebuild's switch repoints the view and the live version together, so the rows are exactly
   * those folded up to the checkpoint read with them.
   */
  async sessionsOf(userId: string): Promise<IndexedSessions> {
    const { rows } = (await this.db.knex.raw(
      `SELECT (SELECT c.position FROM projection_checkpoints c
                 LEFT JOIN projection_versions v ON v.name = ?
                WHERE c.name = coalesce(v.name || '_v' || v.live_version, ?)) AS folded_up_to,
              array(SELECT session_id FROM ${this.view} WHERE user_id = ?::uuid ORDER BY session_id) AS session_ids`,
      [this.view, this.view, isUuid(userId) ? userId : null],
    )) as { rows: Array<{ folded_up_to: string | null; session_ids: string[] }> };
    const row = rows[0];
    return { sessionIds: row?.session_ids ?? [], foldedUpTo: row?.folded_up_to == null ? undefined : BigInt(row.folded_up_to) };
  }
}
