import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { jsonEvent, WrongExpectedVersionError } from '@eventstore/db-client';
import type { JSONEventData } from '@eventstore/db-client';
import { againstTheDouble, aStreamName, readStreamEvents, rejection, useEventStore } from './harness';

const withId = (id: string = randomUUID(), type = 'Happened'): JSONEventData => jsonEvent({ id, type, data: { id } });
const idsOf = (events: readonly JSONEventData[]): string[] => events.map((event) => event.id);

describe('EventStoreDB double: idempotent appends', () => {
  const target = useEventStore();

  describe('rule 11: idempotent appends', () => {
    describe('with any or stream_exists (the recent-ids cache)', () => {
      for (const expectedRevision of ['any', 'stream_exists'] as const) {
        it(`a replay with ${expectedRevision} is not written again and reports the original revision and position`, async () => {
          const stream = aStreamName();
          const batch = [withId(), withId()];
          await target.client.appendToStream(stream, withId());
          const original = await target.client.appendToStream(stream, batch);
          const replay = await target.client.appendToStream(stream, batch, { expectedRevision });
          expect(replay).to.deep.equal(original);
          expect((await readStreamEvents(target.client, stream)).length).to.equal(3);
        });
      }

      it('a batch whose first id is known but a later one is not is a wrong expected version', async () => {
        const stream = aStreamName();
        const known = withId();
        await target.client.appendToStream(stream, known);
        await target.client.appendToStream(stream, withId());
        const error = await rejection(target.client.appendToStream(stream, [known, withId()], { expectedRevision: 'any' }));
        expect(error).to.be.instanceOf(WrongExpectedVersionError);
        expect((await readStreamEvents(target.client, stream)).length).to.equal(2);
      });

      it('a batch whose first id is unknown is a normal write even if a later id is known', async () => {
        const stream = aStreamName();
        const known = withId();
        await target.client.appendToStream(stream, known);
        const result = await target.client.appendToStream(stream, [withId(), known], { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).to.equal(2n);
      });

      it('ids written to another stream never count', async () => {
        const first = aStreamName();
        const second = aStreamName();
        const event = withId();
        await target.client.appendToStream(first, event);
        const result = await target.client.appendToStream(second, event, { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).to.equal(0n);
        expect((await readStreamEvents(target.client, second)).map((e) => e.event?.id)).to.deep.equal([event.id]);
      });
    });

    describe('with an exact revision below current or no_stream (compared with the stored events)', () => {
      it('a replay at the revision it was first written after succeeds with the original revisions', async () => {
        const stream = aStreamName();
        const batch = [withId(), withId()];
        const original = await target.client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await target.client.appendToStream(stream, withId());
        expect(await target.client.appendToStream(stream, batch, { expectedRevision: 'no_stream' })).to.deep.equal(original);
        const tail = batch.slice(1);
        const replayOfTail = await target.client.appendToStream(stream, tail, { expectedRevision: 0n });
        expect(replayOfTail.nextExpectedRevision).to.equal(1n);
        expect((await readStreamEvents(target.client, stream)).map((e) => e.event?.id).slice(0, 2)).to.deep.equal(idsOf(batch));
        expect((await readStreamEvents(target.client, stream)).length).to.equal(3);
      });

      it('a first id that differs from the stored event is a wrong expected version', async () => {
        const stream = aStreamName();
        await target.client.appendToStream(stream, [withId(), withId()]);
        const error = await rejection(target.client.appendToStream(stream, withId(), { expectedRevision: 0n }));
        expect(error).to.be.instanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).actualVersion).to.equal(1n);
      });

      it('a later mismatch is a wrong expected version', async () => {
        const stream = aStreamName();
        const batch = [withId(), withId()];
        await target.client.appendToStream(stream, batch);
        const error = await rejection(target.client.appendToStream(stream, [batch[0] as JSONEventData, withId()], { expectedRevision: 'no_stream' }));
        expect(error).to.be.instanceOf(WrongExpectedVersionError);
      });

      it('more ids than stored events after the revision is a wrong expected version', async () => {
        const stream = aStreamName();
        const batch = [withId(), withId()];
        await target.client.appendToStream(stream, batch);
        const error = await rejection(target.client.appendToStream(stream, [...batch, withId()], { expectedRevision: 'no_stream' }));
        expect(error).to.be.instanceOf(WrongExpectedVersionError);
        expect((await readStreamEvents(target.client, stream)).length).to.equal(2);
      });
    });
  });

  if (againstTheDouble) {
    describe('rule 11: idempotent appends (a small id cache, only the double has the knob)', () => {
      const small = useEventStore({ idCacheMaxEntries: 2 });

      it('writes an any replay again once its ids aged out of the cache: dedup for any is best effort', async () => {
        const stream = aStreamName();
        const old = withId();
        await small.client.appendToStream(stream, old);
        await small.client.appendToStream(aStreamName(), [withId(), withId()]);
        const replay = await small.client.appendToStream(stream, old, { expectedRevision: 'any' });
        expect(replay.nextExpectedRevision).to.equal(1n);
        expect((await readStreamEvents(small.client, stream)).map((e) => e.event?.id)).to.deep.equal([old.id, old.id]);
      });

      it('still recognises a replay at an exact revision after the ids aged out (the stored events decide)', async () => {
        const stream = aStreamName();
        const batch = [withId(), withId()];
        const original = await small.client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await small.client.appendToStream(aStreamName(), [withId(), withId(), withId()]);
        expect(await small.client.appendToStream(stream, batch, { expectedRevision: 'no_stream' })).to.deep.equal(original);
        expect((await readStreamEvents(small.client, stream)).length).to.equal(2);
      });
    });
  }
});
