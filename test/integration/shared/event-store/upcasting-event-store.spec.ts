import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { inCurrentShapes } from '../../../../src/configured-stores';
import { EventSchemaRegistry, EventSchemaVersionError } from '../../../../src/shared/event-schemas';
import type { EventData, EventStore, RecordedEvent, SubscribeOptions } from '../../../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { UpcastingEventStore } from '../../../../src/shared/event-store/upcasting-event-store';
import { eventStoreTarget } from '../../../support/eventstoredb-target';
import { rejection } from '../../../support/rejection';
import { openTestDatabase } from '../../../support/test-database';
import { testSchemas, TEST_TYPE } from '../../../support/test-event-schemas';
import { eventStoreContract } from '../event-store.contract';

// Every process puts this decorator around its store: it keeps the port's contract, with the
// version it stamps on every event (the contract's event types are declared by no feature: 1).
describe('an event store in current shapes (stamped on append, upcast on read)', () => {
  eventStoreContract(async () => inCurrentShapes(new InMemoryEventStore()), { idsUniquePerStream: true, stampsMetadata: { schemaVersion: 1 } });
});

const METADATA = { actorId: 'system:test', correlationId: 'c-1', causationId: 'c-1', occurredAt: '2026-01-01T12:00:00.000Z' };
const CURRENT_ADA = { givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace' };

/** An event as an older (or newer) release wrote it: straight into the adapter, no stamp added. */
function asWritten(data: unknown, schemaVersion?: number): EventData {
  return { id: randomUUID(), type: TEST_TYPE, data, metadata: schemaVersion === undefined ? METADATA : { ...METADATA, schemaVersion } };
}

/** What a catch-up subscription delivers until it has caught up. */
async function subscribedUntilCaughtUp(store: EventStore, options: SubscribeOptions): Promise<RecordedEvent[]> {
  const subscription = store.subscribe(options);
  const events: RecordedEvent[] = [];
  try {
    for await (const message of subscription) {
      if (message.type === 'event') events.push(message.event);
      if (message.type === 'caught_up') break;
    }
  } finally {
    await subscription.close();
  }
  return events;
}

const adapters: ReadonlyArray<{ name: string; open: () => Promise<EventStore> }> = [
  { name: 'the in-memory store', open: async () => new InMemoryEventStore() },
  { name: 'the PostgreSQL event table', open: async () => new PgEventStore(await openTestDatabase(), { pollIntervalMs: 20 }) },
  {
    name: `EventStoreDB (${eventStoreTarget.description})`,
    open: async () => EventStoreDbEventStore.fromConnectionString(await eventStoreTarget.connectionString()),
  },
];

for (const adapter of adapters) {
  describe(`event schema versions on ${adapter.name}`, () => {
    let raw: EventStore;
    let store: UpcastingEventStore;
    let prefix: string;
    let stream: string;
    before(async () => {
      raw = await adapter.open();
      store = new UpcastingEventStore(raw, new EventSchemaRegistry([testSchemas]));
    });
    after(() => store.close());
    beforeEach(() => {
      prefix = `person${randomUUID().slice(0, 8)}`;
      stream = `${prefix}-${randomUUID()}`;
    });

    describe('when old versions were written directly to the store', () => {
      beforeEach(async () => {
        await raw.append(stream, [
          asWritten({ name: 'Ada Lovelace' }),
          asWritten({ name: 'Ada Lovelace' }, 1),
          asWritten({ givenName: 'Ada', familyName: 'Lovelace' }, 2),
          asWritten(CURRENT_ADA, 3),
        ]);
      });

      it('reads a stream back in the current shape, stamped with the current version', async () => {
        const events = await store.readStream(stream);
        expect(events.map((event) => event.data)).to.deep.equal([CURRENT_ADA, CURRENT_ADA, CURRENT_ADA, CURRENT_ADA]);
        expect(events.map((event) => event.metadata)).to.deep.equal([1, 2, 3, 4].map(() => ({ ...METADATA, schemaVersion: 3 })));
        expect(events.map((event) => event.revision)).to.deep.equal([0n, 1n, 2n, 3n]);
      });

      it('reads the global log back in the current shape', async () => {
        const page = await store.readAll({ filter: { streamNamePrefixes: [`${prefix}-`] }, maxCount: 10 });
        expect(page.events.map((event) => event.data)).to.deep.equal([CURRENT_ADA, CURRENT_ADA, CURRENT_ADA, CURRENT_ADA]);
      });

      it('delivers the current shape to a catch-up subscription', async () => {
        const events = await subscribedUntilCaughtUp(store, { filter: { streamNamePrefixes: [`${prefix}-`] } });
        expect(events.map((event) => [event.streamName, event.data])).to.deep.equal([1, 2, 3, 4].map(() => [stream, CURRENT_ADA]));
      });

      it('leaves the stored events as they were written', async () => {
        const events = await raw.readStream(stream);
        expect(events.map((event) => event.metadata.schemaVersion)).to.deep.equal([undefined, 1, 2, 3]);
        expect(events[0]?.data).to.deep.equal({ name: 'Ada Lovelace' });
      });
    });

    it("stores what it appends stamped with each type's current version", async () => {
      await store.append(stream, [asWritten(CURRENT_ADA), { ...asWritten({}), type: 'SchemaTest.Undeclared' }]);
      const events = await raw.readStream(stream);
      expect(events.map((event) => [event.type, event.metadata.schemaVersion])).to.deep.equal([[TEST_TYPE, 3], ['SchemaTest.Undeclared', 1]]);
    });

    describe('when a newer release wrote a version this one does not know', () => {
      beforeEach(async () => {
        await raw.append(stream, [asWritten({ name: 'Ada Lovelace' }), asWritten({ fullName: { given: 'Ada' } }, 4)]);
      });

      const refused = (error: Error): void => {
        expect(error).to.be.instanceOf(EventSchemaVersionError);
        expect(error.message).to.match(new RegExp(`^${TEST_TYPE} at position \\d+ \\(stream ${stream}, revision 1\\): schema version 4 is newer than this release knows \\(3\\)`));
      };

      it('refuses to read the stream', async () => {
        refused(await rejection(store.readStream(stream)));
      });

      it('refuses to read the page of the log that holds it', async () => {
        refused(await rejection(store.readAll({ filter: { streamNamePrefixes: [`${prefix}-`] }, maxCount: 10 })));
      });

      it('ends a subscription with the refusal at that event, after delivering what precedes it', async () => {
        const subscription = store.subscribe({ filter: { streamNamePrefixes: [`${prefix}-`] } });
        const delivered: unknown[] = [];
        const failure = await rejection(
          (async () => {
            for await (const message of subscription) if (message.type === 'event') delivered.push(message.event.data);
          })(),
        );
        await subscription.close();
        refused(failure);
        expect(delivered).to.deep.equal([CURRENT_ADA]);
      });
    });
  });
}
