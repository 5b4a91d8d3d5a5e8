import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { rejection } from '../../../support/rejection';
import { userSessionsProjection } from '../../../../projections/user-sessions/user-sessions.projection';
import { PgUserSessionsIndex } from '../../../../projections/user-sessions/user-sessions.reader';
import type { Database } from '../../../../src/shared/database/database';
import type { RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { openTestDatabase } from '../../../support/test-database';
import { recorded } from '../fixtures';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const at = (minutes: number): string => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function started(sessionId: string, userId: string, expiresInMinutes: number): RecordedEvent {
  return recorded(`session-${sessionId}`, 0n, 'SessionStarted', { sessionId, userId, startedAt: at(-1), expiresAt: at(expiresInMinutes) });
}

describe('user sessions index (user_sessions_v1)', () => {
  let db: Database;
  let index: PgUserSessionsIndex;
  const projection = userSessionsProjection();
  const apply = (events: RecordedEvent[]): Promise<void> => db.transaction((trx) => projection.apply(trx, 'user_sessions_v1', events));

  before(async () => {
    db = await openTestDatabase();
    index = new PgUserSessionsIndex(db, { now: () => NOW });
  });

  it('lists the sessions of a user that have neither ended nor expired', async () => {
    const [user, other] = [randomUUID(), randomUUID()];
    const [live, ended, expired, extended, foreign] = ['live', 'ended', 'expired', 'extended', 'foreign'].map((n) => `${n}-${randomUUID()}`) as [string, string, string, string, string];
    await apply([
      started(live, user, 5),
      started(ended, user, 5),
      recorded(`session-${ended}`, 1n, 'SessionEnded', { sessionId: ended, userId: user, reason: 'logout' }),
      started(expired, user, -1),
      started(extended, user, -1),
      recorded(`session-${extended}`, 1n, 'SessionExtended', { sessionId: extended, expiresAt: at(3) }),
      started(foreign, other, 5),
    ]);
    expect(await index.liveSessionIds(user)).to.have.members([live, extended]);
    expect(await index.liveSessionIds(other)).to.deep.equal([foreign]);
    expect((await index.sessionsOf(user)).sessionIds, 'for the audit: ended and expired ones too').to.have.members([live, ended, expired, extended]);
    expect((await index.sessionsOf(other)).sessionIds).to.deep.equal([foreign]);
  });

  it('gives the same answer when a batch is applied twice', async () => {
    const user = randomUUID();
    const sessionId = randomUUID();
    const events = [
      started(sessionId, user, 5),
      recorded(`session-${sessionId}`, 1n, 'SessionEnded', { sessionId, userId: user, reason: 'user_deactivated' }),
    ];
    await apply(events);
    await apply(events);
    await apply(events.slice(0, 1));
    expect(await index.liveSessionIds(user)).to.deep.equal([]);
  });

  it('knows nothing of a user without sessions, or of an id that is not a uuid', async () => {
    expect(await index.liveSessionIds(randomUUID())).to.deep.equal([]);
    expect(await index.liveSessionIds('not-a-uuid')).to.deep.equal([]);
    expect((await index.sessionsOf(randomUUID())).sessionIds).to.deep.equal([]);
    expect((await index.sessionsOf('not-a-uuid')).sessionIds).to.deep.equal([]);
  });

  it('refuses a session whose user id is not a uuid, naming it, and writes nothing of the batch', async () => {
    const [good, bad] = [randomUUID(), randomUUID()];
    const error = await rejection(apply([started(good, randomUUID(), 5), started(bad, 'system:nobody', 5)]));
    expect(error.message).to.equal('SessionStarted names no user id the sessions table can hold: "system:nobody"');
    expect(await db.knex('user_sessions_v1').whereIn('session_id', [good, bad])).to.deep.equal([]);
  });
});
