import { expect } from 'chai';
import { jsonEvent, StreamDeletedError, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { EventStoreDBClient, Position } from '@eventstore/db-client';
import { aStreamName, collect, readStreamEvents, rejection, useEventStore } from './harness';

async function aStreamOf(client: EventStoreDBClient, count: number): Promise<{ stream: string; first: Position }> {
  const stream = aStreamName();
  await client.appendToStream(stream, Array.from({ length: count }, (_, n) => jsonEvent({ type: `E${n}`, data: { n } })));
  const [first] = await readStreamEvents(client, stream);
  return { stream, first: first?.event?.position as Position };
}

describe('EventStoreDB double: deletes', () => {
  const target = useEventStore();

  describe('rule 17: soft delete can be undone by appending; a tombstone is forever; both take an expected revision', () => {
    it('soft delete: the stream reads as not found, yet $all keeps its events', async () => {
      const { stream, first } = await aStreamOf(target.client, 2);
      const deleted = await target.client.deleteStream(stream);
      expect(deleted.position?.commit).to.be.a('bigint');
      expect(await rejection(readStreamEvents(target.client, stream))).to.be.instanceOf(StreamNotFoundError);
      const fromAll = await collect(target.client.readAll({ fromPosition: first, maxCount: 2 }));
      expect(fromAll.map((e) => [e.event?.streamId, e.event?.revision])).to.deep.equal([
        [stream, 0n],
        [stream, 1n],
      ]);
    });

    it('soft delete: a later append recreates the stream with revisions continuing', async () => {
      const { stream } = await aStreamOf(target.client, 3);
      await target.client.deleteStream(stream);
      const result = await target.client.appendToStream(stream, jsonEvent({ type: 'Reborn', data: {} }));
      expect(result.nextExpectedRevision).to.equal(3n);
      expect((await readStreamEvents(target.client, stream)).map((e) => [e.event?.revision, e.event?.type])).to.deep.equal([[3n, 'Reborn']]);
    });

    it('soft delete honours the expected revision', async () => {
      const { stream } = await aStreamOf(target.client, 2);
      const error = await rejection(target.client.deleteStream(stream, { expectedRevision: 0n }));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      expect((await readStreamEvents(target.client, stream)).length).to.equal(2);
      await target.client.deleteStream(stream, { expectedRevision: 1n });
      expect(await rejection(readStreamEvents(target.client, stream))).to.be.instanceOf(StreamNotFoundError);
    });

    it('tombstone: every later read and append of the name fails with stream-deleted, even with no_stream', async () => {
      const { stream } = await aStreamOf(target.client, 1);
      await target.client.tombstoneStream(stream);
      expect(await rejection(readStreamEvents(target.client, stream))).to.be.instanceOf(StreamDeletedError);
      expect(await rejection(target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} })))).to.be.instanceOf(StreamDeletedError);
      expect(await rejection(target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }), { expectedRevision: 'no_stream' }))).to.be.instanceOf(StreamDeletedError);
      expect(await rejection(target.client.deleteStream(stream))).to.be.instanceOf(StreamDeletedError);
      expect(await rejection(target.client.tombstoneStream(stream))).to.be.instanceOf(StreamDeletedError);
    });

    it('tombstone honours the expected revision', async () => {
      const { stream } = await aStreamOf(target.client, 2);
      const error = await rejection(target.client.tombstoneStream(stream, { expectedRevision: 'no_stream' }));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      await target.client.tombstoneStream(stream, { expectedRevision: 1n });
      expect(await rejection(readStreamEvents(target.client, stream))).to.be.instanceOf(StreamDeletedError);
    });

    it('a soft-deleted stream can still be tombstoned', async () => {
      const { stream } = await aStreamOf(target.client, 1);
      await target.client.deleteStream(stream);
      await target.client.tombstoneStream(stream);
      expect(await rejection(target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} })))).to.be.instanceOf(StreamDeletedError);
    });
  });
});
