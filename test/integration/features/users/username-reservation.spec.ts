import { expect } from 'chai';
import { UserAlreadyExistsError, userStreamName, usernameStreamName, type Actor } from '../../../../src/features/users';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../support/eventstoredb-double';
import { GRACE_MS, buildFeatures, rejectionOf, uniqueName, type Features } from '../harness';
import { InterceptableStore, gate } from '../interceptable-store';

/**
 * How each store loses a creation between its two appends. In memory the append just throws;
 * on EventStoreDB (which has no cross-stream transaction) the server goes away, so the user
 * stream's append really fails in the client, and the server comes back afterwards.
 */
interface CrashStaging {
  readonly name: string;
  open(): Promise<InterceptableStore>;
  /** Makes the coming append fail as a crash would. */
  crash(): Promise<void>;
  recover(): Promise<void>;
  close(): Promise<void>;
}

const inMemory: CrashStaging = {
  name: 'in memory',
  open: async () => new InterceptableStore(),
  crash: async () => {
    throw new EventStoreUnavailableError('process killed');
  },
  recover: async () => undefined,
  close: async () => undefined,
};

function onEventStoreDb(): CrashStaging {
  let double: EventStoreDbDouble | undefined;
  let store: InterceptableStore | undefined;
  return {
    name: 'on EventStoreDB (the gRPC test double, stopped mid-creation)',
    open: async () => {
      double ??= await startEventStoreDbDouble();
      store = new InterceptableStore(EventStoreDbEventStore.fromConnectionString(double.connectionString));
      return store;
    },
    crash: async () => {
      await double?.stop();
    },
    recover: async () => {
      await double?.start();
    },
    close: async () => {
      await store?.close();
      await double?.close();
      double = undefined;
    },
  };
}

for (const staging of [inMemory, onEventStoreDb()]) {
  describe(`username reservation across a crash, ${staging.name}`, () => {
    let store: InterceptableStore;
    let f: Features;
    let admin: Actor;

    beforeEach(async () => {
      store = await staging.open();
      f = buildFeatures({ store });
      admin = await f.aUser('admin');
    });

    afterEach(async () => {
      await staging.close();
    });

    const create = (username: string) =>
      f.createUser.execute({ actor: admin, username, password: 'secret1', role: 'user' }, f.ctx(admin.userId));

    /** A creation that reserves the name and then dies before writing its user stream. */
    async function crashedCreation(username: string): Promise<string> {
      store.intercept(async (stream) => {
        if (stream.startsWith('user-')) await staging.crash();
      });
      expect(await rejectionOf(create(username))).to.be.instanceOf(EventStoreUnavailableError);
      store.intercept(undefined);
      await staging.recover();
      const [reservation] = await store.readStream(usernameStreamName(username));
      const orphanId = (reservation?.data as { userId: string }).userId;
      expect(await store.readStream(userStreamName(orphanId))).to.deep.equal([]);
      return orphanId;
    }

    it('keeps the name blocked within the grace period (the creation may still finish)', async () => {
      const username = uniqueName();
      await crashedCreation(username);
      f.clock.advance(GRACE_MS - 1);
      const error = await rejectionOf(create(username));
      expect(error).to.be.instanceOf(UserAlreadyExistsError).with.property('message', `User with '${username}' already exists.`);
    });

    it('frees the name after the grace period: the orphan is fenced, the reservation taken over', async () => {
      const username = uniqueName();
      const orphanId = await crashedCreation(username);
      f.clock.advance(GRACE_MS);
      const { id } = await create(username);

      const orphan = await store.readStream(userStreamName(orphanId));
      expect(orphan.map((e) => e.type)).to.deep.equal(['UserCreationAbandoned']);
      const reservations = await store.readStream(usernameStreamName(username));
      expect(reservations.map((e) => (e.data as { userId: string }).userId)).to.deep.equal([orphanId, id]);
      expect(await f.lookup.findByUsername(username)).to.include({ userId: id });
      expect(await f.lookup.findById(orphanId)).to.equal(undefined);
      expect(await rejectionOf(create(username))).to.be.instanceOf(UserAlreadyExistsError);
    });

    it('fails the late writer of a fenced creation, and the name stays with the new owner', async () => {
      const username = uniqueName();
      const held = gate();
      const reached = gate();
      store.intercept(async (stream, events) => {
        if (stream.startsWith('user-') && events[0]?.type === 'UserCreated') {
          store.intercept(undefined);
          reached.open();
          await held.opened;
        }
      });
      const slow = create(username);
      await reached.opened;
      f.clock.advance(GRACE_MS);
      const { id } = await create(username);
      held.open();

      const error = await rejectionOf(slow);
      expect(error).to.be.instanceOf(UserAlreadyExistsError);
      expect(await f.lookup.findByUsername(username)).to.include({ userId: id });
    });

    it('lets a finished creation win over a takeover that comes too late to fence it', async () => {
      const username = uniqueName();
      const { id } = await create(username);
      f.clock.advance(GRACE_MS * 10);
      expect(await rejectionOf(create(username))).to.be.instanceOf(UserAlreadyExistsError);
      expect(await store.readStream(userStreamName(id))).to.have.length(1);
    });

    it('gives exactly one success among concurrent takeovers of an abandoned name', async () => {
      const username = uniqueName();
      const orphanId = await crashedCreation(username);
      f.clock.advance(GRACE_MS);
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => create(username)));
      const won = results.filter((r): r is PromiseFulfilledResult<{ id: string; position: bigint }> => r.status === 'fulfilled');
      expect(won).to.have.length(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(UserAlreadyExistsError);
      expect((await store.readStream(userStreamName(orphanId))).map((e) => e.type)).to.deep.equal(['UserCreationAbandoned']);
      expect(await f.lookup.findByUsername(username)).to.include({ userId: won[0]?.value.id });
    });
  });
}
