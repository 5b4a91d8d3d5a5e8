import { expect } from 'chai';
import { BACKWARDS, END, jsonEvent } from '@eventstore/db-client';
import type { Position } from '@eventstore/db-client';
import { aStreamName, collect, readStreamEvents, useEventStore } from './harness';

describe('EventStoreDB double: $all reads', () => {
  const target = useEventStore();

  describe('rule 16: $all forwards is inclusive, backwards exclusive, with system events and no per-stream truncation', () => {
    async function threeEvents(): Promise<{ stream: string; positions: Position[] }> {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [jsonEvent({ type: 'One', data: {} }), jsonEvent({ type: 'Two', data: {} }), jsonEvent({ type: 'Three', data: {} })]);
      const read = await readStreamEvents(target.client, stream);
      return { stream, positions: read.map((e) => e.event?.position as Position) };
    }

    it('reads forwards starting with the event at the given position', async () => {
      const { stream, positions } = await threeEvents();
      const read = await collect(target.client.readAll({ fromPosition: positions[1] as Position, maxCount: 2 }));
      expect(read.map((e) => [e.event?.streamId, e.event?.type])).to.deep.equal([
        [stream, 'Two'],
        [stream, 'Three'],
      ]);
      expect(read[0]?.commitPosition).to.equal(positions[1]?.commit);
    });

    it('reads backwards from an event\'s position returning only what came before it', async () => {
      const { stream, positions } = await threeEvents();
      const read = await collect(target.client.readAll({ fromPosition: positions[2] as Position, direction: BACKWARDS, maxCount: 2 }));
      expect(read.map((e) => [e.event?.streamId, e.event?.type])).to.deep.equal([
        [stream, 'Two'],
        [stream, 'One'],
      ]);
    });

    it('reads backwards from END newest first', async () => {
      const { stream } = await threeEvents();
      const read = await collect(target.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 200 }));
      const mine = read.filter((e) => e.event?.streamId === stream).map((e) => e.event?.type);
      expect(mine).to.deep.equal(['Three', 'Two', 'One']);
    });

    it('includes the $metadata system event setStreamMetadata writes to $$<stream>', async () => {
      const stream = aStreamName();
      const written = await target.client.setStreamMetadata(stream, { maxCount: 1 });
      const [metadataEvent] = await collect(target.client.readAll({ fromPosition: written.position as Position, maxCount: 1 }));
      expect(metadataEvent?.event).to.include({ streamId: `$$${stream}`, type: '$metadata', isJson: true });
      expect(metadataEvent?.event?.data).to.deep.equal({ $maxCount: 1 });
    });

    it('still shows events that stream metadata hides from the stream read', async () => {
      const { stream, positions } = await threeEvents();
      await target.client.setStreamMetadata(stream, { maxCount: 1 });
      expect((await readStreamEvents(target.client, stream)).map((e) => e.event?.type)).to.deep.equal(['Three']);
      const read = await collect(target.client.readAll({ fromPosition: positions[0] as Position, maxCount: 3 }));
      expect(read.map((e) => e.event?.type)).to.deep.equal(['One', 'Two', 'Three']);
    });

    it('reads nothing forwards from END', async () => {
      await threeEvents();
      expect(await collect(target.client.readAll({ fromPosition: END, maxCount: 10 }))).to.deep.equal([]);
    });
  });
});
