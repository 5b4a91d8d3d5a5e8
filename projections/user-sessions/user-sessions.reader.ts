import type { UserSessionsIndex } from '../../src/features/sessions/index';
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

  async sessionIdsOf(userId: string): Promise<string[]> {
    if (!isUuid(userId)) return [];
    const rows: { session_id: string }[] = await this.db.knex(this.view).select('session_id').where({ user_id: userId }).orderBy('session_id');
    return rows.map((row) => row.session_id);
  }
}
