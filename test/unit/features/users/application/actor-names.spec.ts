import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ActorNames } from '../../../../../src/features/users/application/user-history';
import type { EventStore } from '../../../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../../../src/shared/event-store/in-memory-event-store';
import { aUserCreated } from '../../../../support/builders';

describe('the actors of audit events', () => {
  let store: InMemoryEventStore;
  let reads: string[];
  let counting: EventStore;

  beforeEach(() => {
    store = new InMemoryEventStore();
    reads = [];
    counting = Object.create(store, {
      readStream: { value: (name: string, options: object) => (reads.push(name), store.readStream(name, options)) },
    }) as EventStore;
  });
  afterEach(() => store.close());

  async function aUser(username: string): Promise<string> {
    const event = aUserCreated({ username });
    const metadata = { actorId: 'system:test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() };
    await store.append(`user-${event.data.userId}`, [{ id: randomUUID(), ...event, metadata }]);
    return event.data.userId;
  }

  it('names a user by their UserCreated, a system actor by its name, an unknown id with no username', async () => {
    const alice = await aUser('alice.smith');
    const names = new ActorNames(counting);
    expect(await names.actorOf(alice)).to.deep.equal({ id: alice, username: 'alice.smith' });
    expect(await names.actorOf('system:create-super-admin')).to.deep.equal({ system: 'create-super-admin' });
    const nobody = randomUUID();
    expect(await names.actorOf(nobody)).to.deep.equal({ id: nobody, username: null });
  });

  it('reads each user stream once, and not at all for a name it was told', async () => {
    const alice = await aUser('alice.smith');
    const bob = await aUser('bob.jones');
    const names = new ActorNames(counting);
    names.remember(bob, 'bob.jones');
    await names.actorOf(alice);
    await names.actorOf(alice);
    expect(await names.actorOf(bob)).to.deep.equal({ id: bob, username: 'bob.jones' });
    expect(reads).to.deep.equal([`user-${alice}`]);
  });

  it('with a capacity, forgets the least recently used name first', async () => {
    const [a, b, c] = [await aUser('a.user'), await aUser('b.user'), await aUser('c.user')];
    const names = new ActorNames(counting, 2);
    await names.actorOf(a);
    await names.actorOf(b);
    await names.actorOf(a);
    await names.actorOf(c);
    expect(reads).to.deep.equal([`user-${a}`, `user-${b}`, `user-${c}`]);
    await names.actorOf(a);
    expect(reads).to.have.length(3);
    expect(await names.actorOf(b)).to.deep.equal({ id: b, username: 'b.user' });
    expect(reads).to.have.length(4);
  });
});
