import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { binaryEvent, jsonEvent, WrongExpectedVersionError } from '@eventstore/db-client';
import { aStreamName, collect, readStreamEvents, rejection, useEventStore } from './harness';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('EventStoreDB double: identity and positions', () => {
  const target = useEventStore();

  describe('rule 1: revisions are 0-based and a stream without events has none', () => {
    it('numbers the events of a new stream 0, 1, 2', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} }), jsonEvent({ type: 'C', data: {} })]);
      const read = await readStreamEvents(target.client, stream);
      expect(read.map((e) => e.event?.revision)).to.deep.equal([0n, 1n, 2n]);
    });

    it('reports a stream that never had events as "no stream" (or -1 where a number is needed)', async () => {
      const stream = aStreamName();
      const error = await rejection(target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }), { expectedRevision: 0n }));
      expect(error).to.be.instanceOf(WrongExpectedVersionError);
      expect((error as WrongExpectedVersionError).actualVersion).to.equal('no_stream');
      const lenient = await target.lenientClient.appendToStream(stream, jsonEvent({ type: 'A', data: {} }), { expectedRevision: 0n });
      expect(lenient).to.deep.equal({ success: false, nextExpectedRevision: -1n, position: undefined });
    });
  });

  describe('rule 2: an append returns the revision after the write and the last event\'s position', () => {
    it('answers revision 0 after the first event and the last appended event\'s position', async () => {
      const stream = aStreamName();
      const first = await target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }));
      expect(first.success).to.equal(true);
      expect(first.nextExpectedRevision).to.equal(0n);
      const second = await target.client.appendToStream(stream, [jsonEvent({ type: 'B', data: {} }), jsonEvent({ type: 'C', data: {} })]);
      expect(second.nextExpectedRevision).to.equal(2n);
      const read = await readStreamEvents(target.client, stream);
      expect(first.position).to.deep.equal(read[0]?.event?.position);
      expect(second.position).to.deep.equal(read[2]?.event?.position);
    });
  });

  describe('rule 3: positions are commit = prepare, strictly increasing and not dense', () => {
    it('gives every event its own position, increasing in $all order with gaps', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [jsonEvent({ type: 'A', data: { n: 1 } }), jsonEvent({ type: 'B', data: { n: 2 } })]);
      await target.client.appendToStream(stream, jsonEvent({ type: 'C', data: { n: 3 } }));
      const read = await readStreamEvents(target.client, stream);
      const positions = read.map((e) => e.event?.position);
      for (const position of positions) expect(position?.commit).to.equal(position?.prepare);
      const commits = positions.map((p) => p?.commit as bigint);
      commits.slice(1).forEach((commit, i) => expect(commit - (commits[i] as bigint) > 1n, `gap after event ${i}`).to.equal(true));
      const fromAll = await collect(target.client.readAll({ fromPosition: positions[0] as { commit: bigint; prepare: bigint }, maxCount: 1 }));
      expect(fromAll.map((e) => e.event?.position)).to.deep.equal([positions[0]]);
    });
  });

  describe('rule 4: client-supplied ids, created as ticks, content type and separate user metadata', () => {
    it('keeps the id the client chose and generates a v4 id when none is given', async () => {
      const stream = aStreamName();
      const chosen = randomUUID();
      await target.client.appendToStream(stream, [jsonEvent({ id: chosen, type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })]);
      const [withId, generated] = await readStreamEvents(target.client, stream);
      expect(withId?.event?.id).to.equal(chosen);
      expect(generated?.event?.id).to.match(UUID_V4);
    });

    it('reports created as the append time (sent as .NET ticks since the Unix epoch)', async () => {
      const stream = aStreamName();
      const before = Date.now();
      await target.client.appendToStream(stream, jsonEvent({ type: 'A', data: {} }));
      const after = Date.now();
      const [read] = await readStreamEvents(target.client, stream);
      const created = read?.event?.created.getTime() as number;
      expect(created).to.be.within(before - 2_000, after + 2_000);
    });

    it('keeps JSON and binary content types, data and user metadata apart', async () => {
      const stream = aStreamName();
      const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
      await target.client.appendToStream(stream, [
        jsonEvent({ type: 'Json', data: { answer: 42 }, metadata: { correlation: 'c-1' } }),
        binaryEvent({ type: 'Binary', data: bytes }),
      ]);
      const [json, binary] = await readStreamEvents(target.client, stream);
      expect(json?.event).to.include({ type: 'Json', isJson: true });
      expect(json?.event?.data).to.deep.equal({ answer: 42 });
      expect(json?.event?.metadata).to.deep.equal({ correlation: 'c-1' });
      expect(binary?.event).to.include({ type: 'Binary', isJson: false });
      expect(Buffer.from(binary?.event?.data as Uint8Array)).to.deep.equal(Buffer.from(bytes));
      expect(binary?.event?.metadata).to.equal(undefined);
    });
  });
});
