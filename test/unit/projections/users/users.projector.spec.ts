import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { evolveUserRow } from '../../../../projections/users/users.projector';
import type { UserRow } from '../../../../projections/users/users.projector';
import type { ProjectedEvent } from '../../../../projections/projection';

function streamOf(userId: string, ...events: [string, Record<string, unknown>?][]): ProjectedEvent[] {
  return events.map(([type, data], index) => ({ type, data: { userId, ...data }, revision: BigInt(index) }));
}

const fold = (events: ProjectedEvent[], from: UserRow | null = null): UserRow | null =>
  events.reduce(evolveUserRow, from);

const created = (username = 'alice', role = 'user'): [string, Record<string, unknown>] => [
  'UserCreated',
  { username, role, passwordHash: '$2b$secret', createdAt: '2026-01-01T00:00:00.000Z' },
];

describe('users projector (fold of a user stream into its list row)', () => {
  it('makes an active row from UserCreated, without the password hash', () => {
    const id = randomUUID();
    const row = fold(streamOf(id, created('alice', 'admin')));
    expect(row).to.deep.equal({ id, username: 'alice', role: 'admin', is_active: true, last_revision: 0n });
  });

  it('follows grants, revocations, deactivation and activation', () => {
    const id = randomUUID();
    const events = streamOf(id, created(), ['AdminGranted'], ['UserDeactivated', { deactivatedAt: 'x' }]);
    expect(fold(events)).to.include({ role: 'admin', is_active: false, last_revision: 2n });
    const more = streamOf(id, created(), ['AdminGranted'], ['UserDeactivated'], ['AdminRevoked'], ['UserActivated']);
    expect(fold(more)).to.include({ role: 'user', is_active: true, last_revision: 4n });
  });

  it('ignores password events and never holds a hash', () => {
    const id = randomUUID();
    const events = streamOf(id, created(), ['PasswordChanged', { passwordHash: 'h2' }], ['PasswordSet', { passwordHash: 'h3' }]);
    const row = fold(events);
    expect(row).to.include({ username: 'alice', last_revision: 0n });
    expect(row).to.not.have.property('passwordHash');
  });

  it('skips events at or below the row revision, so a replayed batch changes nothing', () => {
    const id = randomUUID();
    const events = streamOf(id, created(), ['AdminGranted'], ['UserDeactivated']);
    const once = fold(events);
    expect(fold(events, once)).to.equal(once);
    expect(fold(events.slice(1), once)).to.equal(once);
  });

  it('applies only the events after the row revision when a batch overlaps', () => {
    const id = randomUUID();
    const events = streamOf(id, created(), ['AdminGranted'], ['UserDeactivated'], ['UserActivated']);
    const partial = fold(events.slice(0, 2));
    expect(fold(events, partial)).to.deep.equal(fold(events));
  });

  it('makes no row for an abandoned creation', () => {
    const id = randomUUID();
    expect(fold(streamOf(id, ['UserCreationAbandoned', { username: 'alice' }]))).to.equal(null);
  });

  it('makes no row from changes to a user it never saw created', () => {
    const id = randomUUID();
    const events: ProjectedEvent[] = [{ type: 'AdminGranted', data: { userId: id }, revision: 3n }];
    expect(fold(events)).to.equal(null);
  });

  it('leaves a row untouched by events of other types', () => {
    const id = randomUUID();
    const row = fold(streamOf(id, created()));
    expect(evolveUserRow(row, { type: 'SessionStarted', data: {}, revision: 9n })).to.equal(row);
  });
});
