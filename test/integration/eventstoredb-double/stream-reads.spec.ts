import { expect } from 'chai';
import { BACKWARDS, END, jsonEvent, StreamDeletedError, StreamNotFoundError } from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { eventually } from '../../support/eventually';
import { aStreamName, readStreamEvents, rejection, useEventStore } from './harness';

async function aStreamOf(client: EventStoreDBClient, count: number): Promise<string> {
  const stream = aStreamName();
  await client.appendToStream(stream, Array.from({ length: count }, (_, n) => jsonEvent({ type: `E${n}`, data: { n } })));
  return stream;
}

const revisionsOf = async (client: EventStoreDBClient, stream: string, options: Parameters<EventStoreDBClient['readStream']>[1] = {}): Promise<(bigint | undefined)[]> =>
  (await readStreamEvents(client, stream, options)).map((e) => e.event?.revision);

describe('EventStoreDB double: stream reads', () => {
  const target = useEventStore();

  describe('rule 14: a missing or soft-deleted stream throws StreamNotFoundError, a tombstoned one stream-deleted', () => {
    it('throws StreamNotFoundError naming a stream that never existed (not an empty list)', async () => {
      const stream = aStreamName();
      const error = await rejection(readStreamEvents(target.client, stream));
      expect(error).to.be.instanceOf(StreamNotFoundError);
      expect((error as StreamNotFoundError).streamName).to.equal(stream);
    });

    it('throws StreamNotFoundError for a soft-deleted stream', async () => {
      const stream = await aStreamOf(target.client, 2);
      await target.client.deleteStream(stream);
      expect(await rejection(readStreamEvents(target.client, stream))).to.be.instanceOf(StreamNotFoundError);
    });

    it('throws StreamDeletedError for a tombstoned stream', async () => {
      const stream = await aStreamOf(target.client, 2);
      await target.client.tombstoneStream(stream);
      const error = await rejection(readStreamEvents(target.client, stream));
      expect(error).to.be.instanceOf(StreamDeletedError);
      expect((error as StreamDeletedError).streamName).to.equal(stream);
    });
  });

  describe('rule 15: fromRevision inclusive, backwards newest first, maxCount, truncation metadata', () => {
    it('reads forwards starting at fromRevision', async () => {
      const stream = await aStreamOf(target.client, 5);
      expect(await revisionsOf(target.client, stream, { fromRevision: 2n })).to.deep.equal([2n, 3n, 4n]);
      expect(await revisionsOf(target.client, stream, { fromRevision: 9n })).to.deep.equal([]);
    });

    it('reads backwards from END newest first, and from a revision including it', async () => {
      const stream = await aStreamOf(target.client, 4);
      expect(await revisionsOf(target.client, stream, { direction: BACKWARDS, fromRevision: END })).to.deep.equal([3n, 2n, 1n, 0n]);
      expect(await revisionsOf(target.client, stream, { direction: BACKWARDS, fromRevision: 1n })).to.deep.equal([1n, 0n]);
    });

    it('caps the result at maxCount in both directions', async () => {
      const stream = await aStreamOf(target.client, 5);
      expect(await revisionsOf(target.client, stream, { maxCount: 2 })).to.deep.equal([0n, 1n]);
      expect(await revisionsOf(target.client, stream, { direction: BACKWARDS, fromRevision: END, maxCount: 2 })).to.deep.equal([4n, 3n]);
    });

    it('hides events before $tb (truncateBefore) at once', async () => {
      const stream = await aStreamOf(target.client, 5);
      await target.client.setStreamMetadata(stream, { truncateBefore: 3 });
      expect(await revisionsOf(target.client, stream)).to.deep.equal([3n, 4n]);
      expect(await revisionsOf(target.client, stream, { direction: BACKWARDS, fromRevision: END })).to.deep.equal([4n, 3n]);
    });

    it('keeps only the newest $maxCount events visible, also as more are appended', async () => {
      const stream = await aStreamOf(target.client, 4);
      await target.client.setStreamMetadata(stream, { maxCount: 1 });
      expect(await revisionsOf(target.client, stream)).to.deep.equal([3n]);
      await target.client.appendToStream(stream, jsonEvent({ type: 'Later', data: {} }));
      expect(await revisionsOf(target.client, stream)).to.deep.equal([4n]);
    });

    it('hides events older than $maxAge seconds', async () => {
      const stream = await aStreamOf(target.client, 2);
      await target.client.setStreamMetadata(stream, { maxAge: 1 });
      await eventually('the events to age past $maxAge', async () => (await revisionsOf(target.client, stream)).length === 0, 5_000);
      await target.client.appendToStream(stream, jsonEvent({ type: 'Fresh', data: {} }));
      expect(await revisionsOf(target.client, stream)).to.deep.equal([2n]);
    });
  });
});
