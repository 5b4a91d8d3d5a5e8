import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { readUserAsOf, userView, type AsOf } from '../../../../../src/features/users/application/user-as-of';
import type { ExistingUser } from '../../../../../src/features/users/domain/user';
import type { DomainEvent } from '../../../../../src/shared/decider';
import type { EventStore, ReadStreamOptions } from '../../../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../../../src/shared/event-store/in-memory-event-store';
import { T0, aUserCreated, aUserDeactivated, anAdminGranted } from '../../../../support/builders';

const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

describe('a user as of a point in its stream', () => {
  let clock = T0;
  let store: InMemoryEventStore;
  const userId = randomUUID();

  /** Appends one event recorded at `minutes` after T0. */
  async function record(minutes: number, event: DomainEvent): Promise<void> {
    clock = at(minutes);
    const metadata = { actorId: 'system:test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: clock.toISOString() };
    await store.append(`user-${userId}`, [{ id: randomUUID(), type: event.type, data: event.data, metadata }]);
  }

  beforeEach(async () => {
    store = new InMemoryEventStore({ now: () => clock });
    await record(0, aUserCreated({ userId, username: 'alice.smith' }));
    await record(10, anAdminGranted(userId));
    await record(20, aUserDeactivated(userId, at(20)));
  });
  afterEach(() => store.close());

  const viewAsOf = async (asOf: AsOf) => {
    const result = await readUserAsOf(store, userId, asOf);
    return { ...result, view: result.state.status === 'existing' ? userView(result.state) : result.state.status };
  };

  it('by revision: folds the events up to and including it', async () => {
    expect((await viewAsOf({ revision: 0n })).view).to.deep.equal({ id_: userId, username: 'alice.smith', role: 'user', is_active: true });
    const second = await viewAsOf({ revision: 1n });
    expect(second.view).to.deep.include({ role: 'admin', is_active: true });
    expect(second).to.include({ revision: 1n, pastTheEnd: false });
    expect(second.recordedAt?.toISOString()).to.equal(at(10).toISOString());
    expect((await viewAsOf({ revision: 2n })).view).to.deep.include({ role: 'admin', is_active: false });
  });

  it('by time: folds the events recorded at or before it, the boundary included', async () => {
    expect((await viewAsOf({ time: at(9.99) })).view).to.deep.include({ role: 'user' });
    expect((await viewAsOf({ time: at(10) })).view).to.deep.include({ role: 'admin', is_active: true });
    expect((await viewAsOf({ time: at(60) })).view).to.deep.include({ role: 'admin', is_active: false });
  });

  it('before the creation there was no user; a revision past the end says so', async () => {
    const before = await viewAsOf({ time: at(-1) });
    expect(before).to.include({ view: 'none', revision: undefined, pastTheEnd: false });
    const past = await viewAsOf({ revision: 3n });
    expect(past).to.include({ pastTheEnd: true, revision: 2n });
    expect((await readUserAsOf(store, randomUUID(), { revision: 0n })).state.status).to.equal('none');
  });

  it('accepts the id in capitals, as the routes do', async () => {
    expect((await viewAsOf({ revision: 0n })).view).to.not.equal('none');
    expect((await readUserAsOf(store, userId.toUpperCase(), { revision: 0n })).state.status).to.equal('existing');
  });

  it('reads the stream a page at a time and stops at the first event past the point', async () => {
    for (let i = 0; i < 1200; i++) await record(30 + i, i % 2 === 0 ? { type: 'UserActivated', data: { userId } } : aUserDeactivated(userId, at(30 + i)));
    const reads: ReadStreamOptions[] = [];
    const counting: EventStore = Object.create(store, {
      readStream: { value: (name: string, options: ReadStreamOptions = {}) => (reads.push(options), store.readStream(name, options)) },
    }) as EventStore;
    const early = await readUserAsOf(counting, userId, { revision: 5n });
    expect(early.revision).to.equal(5n);
    expect(reads).to.have.length(1);
    expect(reads[0]?.maxCount).to.be.at.most(500);

    reads.length = 0;
    const last = await readUserAsOf(counting, userId, { revision: 1202n });
    expect(last.revision).to.equal(1202n);
    expect((last.state as ExistingUser).isActive).to.equal(false);
    expect(reads.map((options) => options.fromRevision)).to.deep.equal([0n, 500n, 1000n]);
  });
});
