import { expect } from 'chai';
import sinon from 'sinon';
import type { Database } from '../../../../src/shared/database/database';
import type { EventStore, RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { StreamTailCache } from '../../../../src/shared/event-store/stream-tail-cache';
import { openTestDatabase } from '../../../support/test-database';
import { CONTRACT_SCAN_WINDOW, eventStoreContract } from '../event-store.contract';
import { aStream, anEvent, events } from './event-fixtures';

const revisions = (recorded: readonly RecordedEvent[]): bigint[] => recorded.map((e) => e.revision);

describe('StreamTailCache', () => {
  describe('honours the event-store contract over the in-memory store', () => {
    eventStoreContract(async () => new StreamTailCache(new InMemoryEventStore({ scanWindow: CONTRACT_SCAN_WINDOW })), {
      idsUniquePerStream: true,
      scanWindow: CONTRACT_SCAN_WINDOW,
    });
  });

  describe('honours the event-store contract over PostgreSQL', () => {
    eventStoreContract(
      async () => new StreamTailCache(new PgEventStore(await openTestDatabase(), { pollIntervalMs: 20, scanWindow: CONTRACT_SCAN_WINDOW })),
      { idsUniquePerStream: true, scanWindow: CONTRACT_SCAN_WINDOW },
    );
  });

  describe('reading a stream whole again', () => {
    let inner: InMemoryEventStore;
    let cache: StreamTailCache;
    beforeEach(() => {
      inner = new InMemoryEventStore();
      cache = new StreamTailCache(inner);
    });

    it('asks the store only for the last event it holds and what follows, and still sees every new event', async () => {
      const stream = aStream();
      await inner.append(stream, events(3));
      expect(revisions(await cache.readStream(stream))).to.deep.equal([0n, 1n, 2n]);
      const asked = sinon.spy(inner, 'readStreams');
      await inner.append(stream, events(2));
      expect(revisions(await cache.readStream(stream))).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
      expect(asked.firstCall.args[0]).to.deep.equal([{ streamName: stream, fromRevision: 2n }]);
      expect(revisions(await cache.readStream(stream))).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
      expect(asked.secondCall.args[0]).to.deep.equal([{ streamName: stream, fromRevision: 4n }]);
    });

    it('answers exactly what the store holds, event for event', async () => {
      const stream = aStream();
      await inner.append(stream, events(2));
      await cache.readStream(stream);
      await inner.append(stream, [anEvent({ type: 'Later' })]);
      expect(await cache.readStream(stream)).to.deep.equal(await inner.readStream(stream));
    });

    it('gives each caller its own array: changing one changes no later answer', async () => {
      const stream = aStream();
      await inner.append(stream, events(3));
      const first = await cache.readStream(stream);
      first.reverse().pop();
      expect(revisions(await cache.readStream(stream))).to.deep.equal([0n, 1n, 2n]);
    });

    it('keeps no more streams than its bound: a stream pushed out is read whole again', async () => {
      const bounded = new StreamTailCache(inner, { maxStreams: 2, maxEvents: 100 });
      const [a, b, c] = [aStream(), aStream(), aStream()];
      for (const stream of [a, b, c]) await inner.append(stream, events(2));
      for (const stream of [a, b, c]) await bounded.readStream(stream);
      const asked = sinon.spy(inner, 'readStreams');
      expect(revisions(await bounded.readStream(a))).to.deep.equal([0n, 1n]);
      expect(revisions(await bounded.readStream(c))).to.deep.equal([0n, 1n]);
      expect(asked.args.map((call) => call[0])).to.deep.equal([[{ streamName: a }], [{ streamName: c, fromRevision: 1n }]]);
    });

    it('passes reads with options through untouched', async () => {
      const stream = aStream();
      await inner.append(stream, events(4));
      await cache.readStream(stream);
      expect(revisions(await cache.readStream(stream, { direction: 'backwards', maxCount: 2 }))).to.deep.equal([3n, 2n]);
      expect(revisions(await cache.readStream(stream, { fromRevision: 3n }))).to.deep.equal([3n]);
    });

    it('reads several streams in one call to the store, each from its own tail', async () => {
      const [a, b] = [aStream(), aStream()];
      await inner.append(a, events(2));
      await inner.append(b, events(3));
      await cache.readStream(a);
      const asked = sinon.spy(inner, 'readStreams');
      const answers = await cache.readStreams([{ streamName: a }, { streamName: b }, { streamName: b, fromRevision: 2n }]);
      expect(answers.map(revisions)).to.deep.equal([[0n, 1n], [0n, 1n, 2n], [2n]]);
      expect(asked.calledOnce).to.equal(true);
      expect(asked.firstCall.args[0]).to.deep.equal([{ streamName: a, fromRevision: 1n }, { streamName: b }, { streamName: b, fromRevision: 2n }]);
    });
  });

  describe('a stream changed under it, on PostgreSQL', () => {
    let db: Database;
    let store: EventStore;
    let cache: StreamTailCache;
    before(async () => {
      db = await openTestDatabase();
      store = new PgEventStore(db);
    });
    beforeEach(() => {
      cache = new StreamTailCache(store);
    });

    it('reads the stream whole again when the event it holds last is no longer the same', async () => {
      const stream = aStream();
      await store.append(stream, events(3));
      await cache.readStream(stream);
      // An operator's repair replaced the last event (a new id at the same revision).
      const replacement = anEvent({ type: 'Replaced' });
      await db.query('UPDATE events SET event_id = ?::uuid, type = ? WHERE stream_name = ? AND revision = 2', [replacement.id, replacement.type, stream]);
      await db.query('UPDATE events SET type = ? WHERE stream_name = ? AND revision = 0', ['EditedToo', stream]);
      const read = await cache.readStream(stream);
      expect([read[0]?.type, read[2]?.type, read[2]?.id]).to.deep.equal(['EditedToo', 'Replaced', replacement.id]);
      expect(read).to.deep.equal(await store.readStream(stream));
    });

    it('answers what is left of a stream whose last events were cut, and nothing for a stream deleted', async () => {
      const [cut, gone] = [aStream(), aStream()];
      await store.append(cut, events(4));
      await store.append(gone, events(2));
      await cache.readStreams([{ streamName: cut }, { streamName: gone }]);
      await db.query('DELETE FROM events WHERE stream_name = ? AND revision >= 2', [cut]);
      await db.query('DELETE FROM events WHERE stream_name = ?', [gone]);
      expect(revisions(await cache.readStream(cut))).to.deep.equal([0n, 1n]);
      expect(await cache.readStream(gone)).to.deep.equal([]);
    });
  });
});
