import { expect } from 'chai';
import { binaryEvent, jsonEvent, MaxAppendSizeExceededError, StreamDeletedError, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { againstTheDouble, aStreamName, readStreamEvents, rejection, useEventStore } from './harness';

const ofBytes = (size: number, type = 'Blob') => binaryEvent({ type, data: new Uint8Array(size).fill(7) });

describe('EventStoreDB double: size limits and error trailers', () => {
  const target = useEventStore();

  describe('rule 12: the maximum append size (default 1,048,576 bytes)', () => {
    it('refuses a larger append as MaxAppendSizeExceededError carrying the limit, writing nothing', async () => {
      const stream = aStreamName();
      const error = await rejection(target.client.appendToStream(stream, [ofBytes(600_000), ofBytes(600_000)]));
      expect(error).to.be.instanceOf(MaxAppendSizeExceededError);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).to.equal(1_048_576);
      expect(await rejection(readStreamEvents(target.client, stream))).to.be.instanceOf(StreamNotFoundError);
    });

    it('accepts an append just under the limit', async () => {
      const result = await target.client.appendToStream(aStreamName(), ofBytes(1_000_000));
      expect(result.nextExpectedRevision).to.equal(0n);
    });
  });

  if (againstTheDouble) {
    describe('rule 12: the maximum append size (configured on the double)', () => {
      const small = useEventStore({ maxAppendSizeBytes: 100 });

      it('counts data and user metadata of the whole append against the limit', async () => {
        const stream = aStreamName();
        expect((await small.client.appendToStream(stream, [ofBytes(50), ofBytes(50)])).nextExpectedRevision).to.equal(1n);
        const withMetadata = binaryEvent({ type: 'Blob', data: new Uint8Array(60), metadata: new Uint8Array(41) });
        const error = await rejection(small.client.appendToStream(stream, withMetadata));
        expect(error).to.be.instanceOf(MaxAppendSizeExceededError);
        expect((error as MaxAppendSizeExceededError).maxAppendSize).to.equal(100);
      });

      it('rejects the whole append when a later event crosses the limit (atomic, rule 5)', async () => {
        const stream = aStreamName();
        await small.client.appendToStream(stream, ofBytes(10, 'First'));
        expect(await rejection(small.client.appendToStream(stream, [ofBytes(60, 'Fits'), ofBytes(60, 'Crosses')]))).to.be.instanceOf(MaxAppendSizeExceededError);
        expect((await readStreamEvents(small.client, stream)).map((e) => e.event?.type)).to.deep.equal(['First']);
      });
    });
  }

  describe('rule 13: errors travel as a gRPC status plus an exception trailer', () => {
    it('stream-deleted names the stream', async () => {
      const stream = aStreamName();
      await target.client.tombstoneStream(stream);
      const error = await rejection(target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} })));
      expect(error).to.be.instanceOf(StreamDeletedError);
      expect((error as StreamDeletedError).streamName).to.equal(stream);
    });

    it('wrong-expected-version as a trailer (on delete) carries stream, expected and actual versions', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })]);
      const error = await rejection(target.client.deleteStream(stream, { expectedRevision: 5n }));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      const wev = error as WrongExpectedVersionError;
      expect({ streamName: wev.streamName, expected: wev.expectedVersion, actual: wev.actualVersion }).to.deep.equal({ streamName: stream, expected: 5n, actual: 1n });
    });

    it('wrong-expected-version on a stream that does not exist reports no actual version', async () => {
      const stream = aStreamName();
      const error = await rejection(target.client.tombstoneStream(stream, { expectedRevision: 0n }));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).actualVersion).to.equal('no_stream');
    });

    it('maximum-append-size-exceeded carries maximum-append-size', async () => {
      const error = await rejection(target.client.appendToStream(aStreamName(), ofBytes(1_048_577)));
      expect(error).to.be.instanceOf(MaxAppendSizeExceededError);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).to.equal(1_048_576);
    });
  });
});
