import { expect } from 'chai';
import { binaryEvent, jsonEvent } from '@eventstore/db-client';
import type { EventStoreDBClient, Position } from '@eventstore/db-client';
import { aStreamName, collect, readStreamEvents, SubscriptionProbe, useEventStore } from './harness';

const linkTo = (revision: bigint, stream: string) => binaryEvent({ type: '$>', data: Buffer.from(`${revision}@${stream}`, 'utf8') });

async function aTargetAndLinks(client: EventStoreDBClient): Promise<{ source: string; links: string }> {
  const source = aStreamName('source');
  const links = aStreamName('links');
  await client.appendToStream(source, [jsonEvent({ type: 'Original0', data: { n: 0 } }), jsonEvent({ type: 'Original1', data: { n: 1 } })]);
  await client.appendToStream(links, [linkTo(1n, source), linkTo(0n, source)]);
  return { source, links };
}

describe('EventStoreDB double: link events', () => {
  const target = useEventStore();

  describe('rule 21: $> links are unresolved unless resolveLinkTos; resolved, the link\'s position is the one to checkpoint', () => {
    it('returns the link events themselves by default', async () => {
      const { source, links } = await aTargetAndLinks(target.client);
      const read = await readStreamEvents(target.client, links);
      expect(read.map((e) => [e.event?.type, e.event?.streamId, e.link])).to.deep.equal([
        ['$>', links, undefined],
        ['$>', links, undefined],
      ]);
      expect(Buffer.from(read[0]?.event?.data as Uint8Array).toString('utf8')).to.equal(`1@${source}`);
    });

    it('with resolveLinkTos returns the target as event and the link as link, positioned at the link', async () => {
      const { source, links } = await aTargetAndLinks(target.client);
      const read = await readStreamEvents(target.client, links, { resolveLinkTos: true });
      expect(read.map((e) => [e.event?.streamId, e.event?.type, e.event?.revision, e.link?.streamId, e.link?.revision])).to.deep.equal([
        [source, 'Original1', 1n, links, 0n],
        [source, 'Original0', 0n, links, 1n],
      ]);
      expect(read.map((e) => e.commitPosition)).to.deep.equal(read.map((e) => e.link?.position?.commit));
    });

    it('resolves links in $all reads and subscriptions too', async () => {
      const { source, links } = await aTargetAndLinks(target.client);
      const [firstLink] = await readStreamEvents(target.client, links);
      const fromAll = await collect(target.client.readAll({ fromPosition: firstLink?.event?.position as Position, maxCount: 2, resolveLinkTos: true }));
      expect(fromAll.map((e) => [e.event?.streamId, e.event?.type, e.link?.streamId])).to.deep.equal([
        [source, 'Original1', links],
        [source, 'Original0', links],
      ]);
      const probe = new SubscriptionProbe(target.client.subscribeToStream(links, { resolveLinkTos: true }));
      try {
        await probe.until((p) => p.events.length === 2, 'both links');
        expect(probe.events.map((e) => [e.event?.type, e.link?.type])).to.deep.equal([
          ['Original1', '$>'],
          ['Original0', '$>'],
        ]);
      } finally {
        await probe.stop();
      }
    });

    it('a link whose target is gone comes back as the link alone', async () => {
      const { source, links } = await aTargetAndLinks(target.client);
      await target.client.deleteStream(source);
      const read = await readStreamEvents(target.client, links, { resolveLinkTos: true });
      expect(read.map((e) => [e.event, e.link?.type])).to.deep.equal([
        [undefined, '$>'],
        [undefined, '$>'],
      ]);
    });
  });
});
