import { expect } from 'chai';
import sinon from 'sinon';
import type { EventStore, RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { WrongExpectedVersionError } from '../../../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { ChainingEventStore } from '../../../../src/shared/event-store/integrity/chaining-event-store';
import { chainOf, eventHash } from '../../../../src/shared/event-store/integrity/event-chain';
import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { eventStoreTarget } from '../../../support/eventstoredb-target';
import { rejection } from '../../../support/rejection';
import { openTestDatabase } from '../../../support/test-database';
import { CONTRACT_SCAN_WINDOW, eventStoreContract } from '../event-store.contract';
import { aStream, anEvent, events } from './event-fixtures';

/** The link each event carries, checked against its own content as stored. */
function links(stored: readonly RecordedEvent[]): Array<{ prev: string | null; hash: string }> {
  return stored.map((event) => {
    const chain = chainOf(event.metadata);
    if (typeof chain !== 'object') throw new Error(`revision ${event.revision} carries no chain (${chain})`);
    expect(eventHash(event, chain.prev), `the hash of revision ${event.revision}`).to.equal(chain.hash);
    return chain;
  });
}

function expectOneChain(stored: readonly RecordedEvent[]): void {
  const chain = links(stored);
  chain.forEach((link, index) => expect(link.prev, `prev of revision ${index}`).to.equal(index === 0 ? null : chain[index - 1]!.hash));
}

function chainingSuite(name: string, open: () => Promise<EventStore>): void {
  describe(`appends chained on ${name}`, () => {
    let raw: EventStore;
    let store: ChainingEventStore;
    before(async () => {
      raw = await open();
      store = new ChainingEventStore(raw);
    });
    after(async () => {
      await store.close();
    });

    it('links every event to the one before it in its stream, batch by batch and with every kind of expected revision', async () => {
      const stream = aStream();
      await store.append(stream, events(2), { expectedRevision: 'no_stream' });
      await store.append(stream, [anEvent()], { expectedRevision: 1n });
      await store.append(stream, events(3));
      await store.append(stream, [anEvent()], { expectedRevision: 'stream_exists' });
      const stored = await raw.readStream(stream);
      expect(stored.map((e) => e.revision)).to.deep.equal([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
      expectOneChain(stored);
    });

    it('links an append at a revision it has just read without reading it again, and the chain still holds', async () => {
      const stream = aStream();
      await store.append(stream, events(2), { expectedRevision: 'no_stream' });
      await store.readStreams([{ streamName: stream }]);
      const reads = sinon.spy(raw, 'readStream');
      await store.append(stream, [anEvent()], { expectedRevision: 1n });
      expect(reads.called).to.equal(false);
      reads.restore();
      // Not read since: the next exact append reads the event it follows.
      await store.append(stream, [anEvent()], { expectedRevision: 2n });
      expectOneChain(await raw.readStream(stream));
    });

    it('hashes what the store gives back: missing data as null, undefined keys dropped, dates as strings', async () => {
      const stream = aStream();
      await store.append(stream, [anEvent({ data: undefined }), anEvent({ data: { at: new Date('2026-02-03T04:05:06.000Z'), gone: undefined, n: 1.5 } })]);
      const stored = await raw.readStream(stream);
      expect(stored[1]?.data).to.deep.equal({ at: '2026-02-03T04:05:06.000Z', n: 1.5 });
      expectOneChain(stored);
    });

    it('starts a chain from null after events written without one, and replaces a chain the caller passed', async () => {
      const stream = aStream();
      await raw.append(stream, events(2));
      const forged = { prev: 'f'.repeat(64), hash: 'e'.repeat(64) };
      const event = anEvent();
      await store.append(stream, [{ ...event, metadata: { ...event.metadata, chain: forged } }, anEvent()]);
      const stored = await raw.readStream(stream);
      expect(stored.slice(0, 2).map((e) => chainOf(e.metadata))).to.deep.equal(['unchained', 'unchained']);
      const [first, second] = links(stored.slice(2));
      expect(first?.prev).to.equal(null);
      expect(second?.prev).to.equal(first?.hash);
    });

    it('concurrent appends with any all succeed, retried after each lost race, and still form one chain', async () => {
      const stream = aStream();
      await Promise.all(Array.from({ length: 12 }, () => store.append(stream, [anEvent()])));
      const stored = await raw.readStream(stream);
      expect(stored).to.have.length(12);
      expectOneChain(stored);
    });

    it('an exact revision the head has passed fails with the actual revision, writing nothing', async () => {
      const stream = aStream();
      await store.append(stream, events(2));
      const error = await rejection(store.append(stream, [anEvent()], { expectedRevision: 5n }));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).actual).to.equal(1n);
      const stale = await rejection(store.append(stream, [anEvent()], { expectedRevision: 0n }));
      expect((stale as WrongExpectedVersionError).actual).to.equal(1n);
      expect(await raw.readStream(stream)).to.have.length(2);
    });
  });
}

describe('ChainingEventStore', () => {
  describe('keeps the event-store contract', () => {
    describe('over the in-memory store', () => {
      eventStoreContract(async () => new ChainingEventStore(new InMemoryEventStore({ scanWindow: CONTRACT_SCAN_WINDOW })), { idsUniquePerStream: true, scanWindow: CONTRACT_SCAN_WINDOW });
    });
    describe(`over EventStoreDB (${eventStoreTarget.description})`, () => {
      eventStoreContract(
        async () => new ChainingEventStore(EventStoreDbEventStore.fromConnectionString(await eventStoreTarget.connectionString(), { scanWindow: CONTRACT_SCAN_WINDOW })),
        { idsUniquePerStream: false, scanWindow: CONTRACT_SCAN_WINDOW },
      );
    });
  });

  chainingSuite('the in-memory store', async () => new InMemoryEventStore());
  chainingSuite('PostgreSQL', async () => new PgEventStore(await openTestDatabase()));
  chainingSuite(`EventStoreDB (${eventStoreTarget.description})`, async () => EventStoreDbEventStore.fromConnectionString(await eventStoreTarget.connectionString()));

  describe('on a PostgreSQL stream whose last event was deleted by hand', () => {
    it('refuses an append with any rather than retrying forever: the store counts a head it cannot show', async () => {
      const db = await openTestDatabase();
      const store = new ChainingEventStore(new PgEventStore(db));
      const stream = aStream();
      await store.append(stream, events(3));
      await db.query('DELETE FROM events WHERE stream_name = ? AND revision = 2', [stream]);
      const error = await rejection(store.append(stream, [anEvent()]));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).actual).to.equal(2n);
      expect(await store.readStream(stream)).to.have.length(2);
    });
  });
});
