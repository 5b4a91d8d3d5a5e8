import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { evolveUserSessionRow } from '../../../../projections/user-sessions/user-sessions.projector';
import type { UserSessionRow } from '../../../../projections/user-sessions/user-sessions.projector';
import type { ProjectedEvent } from '../../../../projections/projection';

const fold = (events: ProjectedEvent[], from: UserSessionRow | null = null): UserSessionRow | null =>
  events.reduce(evolveUserSessionRow, from);

function session(sessionId: string, userId: string): ProjectedEvent[] {
  return [
    {
      type: 'SessionStarted',
      data: { sessionId, userId, startedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:05:00.000Z' },
      revision: 0n,
    },
    { type: 'SessionExtended', data: { sessionId, expiresAt: '2026-01-01T00:09:00.000Z' }, revision: 1n },
    { type: 'SessionEnded', data: { sessionId, userId, reason: 'logout' }, revision: 2n },
  ];
}

describe('user sessions projector', () => {
  it('records a started session as live until its expiry', () => {
    const [sessionId, userId] = [randomUUID(), randomUUID()];
    expect(fold(session(sessionId, userId).slice(0, 1))).to.deep.equal({
      session_id: sessionId,
      user_id: userId,
      expires_at: new Date('2026-01-01T00:05:00.000Z'),
      ended: false,
      last_revision: 0n,
    });
  });

  it('moves the expiry on extension and marks the end', () => {
    const [sessionId, userId] = [randomUUID(), randomUUID()];
    const events = session(sessionId, userId);
    expect(fold(events.slice(0, 2))).to.include({ ended: false, last_revision: 1n });
    expect(fold(events.slice(0, 2))?.expires_at.toISOString()).to.equal('2026-01-01T00:09:00.000Z');
    expect(fold(events)).to.include({ ended: true, last_revision: 2n });
  });

  it('is idempotent: replaying applied events changes nothing', () => {
    const events = session(randomUUID(), randomUUID());
    const once = fold(events);
    expect(fold(events, once)).to.equal(once);
  });

  it('makes no row from an extension or end of a session it never saw start', () => {
    const events = session(randomUUID(), randomUUID()).slice(1);
    expect(fold(events)).to.equal(null);
  });
});
