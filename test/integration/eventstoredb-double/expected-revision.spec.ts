import { expect } from 'chai';
import { jsonEvent, StreamDeletedError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { AppendExpectedRevision, EventStoreDBClient } from '@eventstore/db-client';
import { aStreamName, readStreamEvents, rejection, useEventStore } from './harness';

const anEvent = (type = 'Happened') => jsonEvent({ type, data: { at: Date.now() } });

async function expectWrongVersion(promise: Promise<unknown>, stream: string, expected: AppendExpectedRevision, actual: bigint | 'no_stream'): Promise<void> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(WrongExpectedVersionError);
  const wev = error as WrongExpectedVersionError;
  expect({ streamName: wev.streamName, expected: wev.expectedVersion, actual: wev.actualVersion }).to.deep.equal({ streamName: stream, expected, actual });
}

async function aStreamWith(client: EventStoreDBClient, count: number): Promise<string> {
  const stream = aStreamName();
  await client.appendToStream(stream, Array.from({ length: count }, () => anEvent()));
  return stream;
}

describe('EventStoreDB double: appends and expected revisions', () => {
  const target = useEventStore();

  describe('rule 5: expected revision defaults to any, and an append is atomic', () => {
    it('appends to an existing stream without an expected revision', async () => {
      const stream = await aStreamWith(target.client, 2);
      const result = await target.client.appendToStream(stream, anEvent());
      expect(result.nextExpectedRevision).to.equal(2n);
    });

    it('writes none of the events when the append fails', async () => {
      const stream = await aStreamWith(target.client, 1);
      await rejection(target.client.appendToStream(stream, [anEvent('X'), anEvent('Y')], { expectedRevision: 5n }));
      expect((await readStreamEvents(target.client, stream)).map((e) => e.event?.type)).to.deep.equal(['Happened']);
    });
  });

  describe('rule 6: any writes unless the stream is tombstoned', () => {
    it('creates a new stream and extends an existing one', async () => {
      const stream = aStreamName();
      expect((await target.client.appendToStream(stream, anEvent(), { expectedRevision: 'any' })).nextExpectedRevision).to.equal(0n);
      expect((await target.client.appendToStream(stream, anEvent(), { expectedRevision: 'any' })).nextExpectedRevision).to.equal(1n);
    });

    it('fails with stream-deleted on a tombstoned stream', async () => {
      const stream = await aStreamWith(target.client, 1);
      await target.client.tombstoneStream(stream);
      const error = await rejection(target.client.appendToStream(stream, anEvent(), { expectedRevision: 'any' }));
      expect(error).to.be.instanceOf(StreamDeletedError);
      expect((error as StreamDeletedError).streamName).to.equal(stream);
    });
  });

  describe('rule 7: no_stream', () => {
    it('creates a stream that has no events', async () => {
      const result = await target.client.appendToStream(aStreamName(), anEvent(), { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).to.equal(0n);
    });

    it('recreates a soft-deleted stream, revisions continuing after the deleted ones', async () => {
      const stream = await aStreamWith(target.client, 2);
      await target.client.deleteStream(stream);
      const result = await target.client.appendToStream(stream, anEvent('Again'), { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).to.equal(2n);
      expect((await readStreamEvents(target.client, stream)).map((e) => [e.event?.revision, e.event?.type])).to.deep.equal([[2n, 'Again']]);
    });

    it('is a wrong expected version on a stream with events', async () => {
      const stream = await aStreamWith(target.client, 2);
      await expectWrongVersion(target.client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' }), stream, 'no_stream', 1n);
    });
  });

  describe('rule 8: stream_exists', () => {
    it('is a wrong expected version when neither the stream nor its metadata exists', async () => {
      const stream = aStreamName();
      await expectWrongVersion(target.client.appendToStream(stream, anEvent(), { expectedRevision: 'stream_exists' }), stream, 'stream_exists', 'no_stream');
    });

    it('writes to a stream with events', async () => {
      const stream = await aStreamWith(target.client, 1);
      expect((await target.client.appendToStream(stream, anEvent(), { expectedRevision: 'stream_exists' })).nextExpectedRevision).to.equal(1n);
    });

    it('counts a stream that only has metadata as existing', async () => {
      const stream = aStreamName();
      await target.client.setStreamMetadata(stream, { owner: 'rule-8' });
      expect((await target.client.appendToStream(stream, anEvent(), { expectedRevision: 'stream_exists' })).nextExpectedRevision).to.equal(0n);
    });

    it('answers stream-deleted on a soft-deleted stream', async () => {
      const stream = await aStreamWith(target.client, 1);
      await target.client.deleteStream(stream);
      const error = await rejection(target.client.appendToStream(stream, anEvent(), { expectedRevision: 'stream_exists' }));
      expect(error).to.be.instanceOf(StreamDeletedError);
    });
  });

  describe('rule 9: an exact expected revision', () => {
    it('writes when it equals the current revision', async () => {
      const stream = await aStreamWith(target.client, 3);
      expect((await target.client.appendToStream(stream, anEvent(), { expectedRevision: 2n })).nextExpectedRevision).to.equal(3n);
    });

    it('is a wrong expected version when greater than the current revision', async () => {
      const stream = await aStreamWith(target.client, 3);
      await expectWrongVersion(target.client.appendToStream(stream, anEvent(), { expectedRevision: 3n }), stream, 3n, 2n);
    });

    it('is a wrong expected version when lower and the events are new', async () => {
      const stream = await aStreamWith(target.client, 3);
      await expectWrongVersion(target.client.appendToStream(stream, anEvent(), { expectedRevision: 0n }), stream, 0n, 2n);
    });
  });

  describe('rule 10: wrong expected version comes in the Append response body', () => {
    it('throws WrongExpectedVersionError with stream, expected and actual by default', async () => {
      const stream = await aStreamWith(target.client, 1);
      await expectWrongVersion(target.client.appendToStream(stream, anEvent(), { expectedRevision: 7n }), stream, 7n, 0n);
    });

    it('returns success: false with the current revision when throwOnAppendFailure is off', async () => {
      const stream = await aStreamWith(target.client, 2);
      const result = await target.lenientClient.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' });
      expect(result).to.deep.equal({ success: false, nextExpectedRevision: 1n, position: undefined });
    });
  });
});
