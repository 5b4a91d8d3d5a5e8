import { expect } from 'chai';
import { END, jsonEvent, START } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, Position, ResolvedEvent } from '@eventstore/db-client';
import { aStreamName, readStreamEvents, SubscriptionProbe, useEventStore } from './harness';

const ofStream = (stream: string) => (e: AllStreamResolvedEvent | ResolvedEvent): boolean => e.event?.streamId === stream;
const event = (type: string) => jsonEvent({ type, data: {} });

describe('EventStoreDB double: subscriptions', () => {
  const target = useEventStore();
  const probes: SubscriptionProbe[] = [];
  const probe = (p: SubscriptionProbe): SubscriptionProbe => {
    probes.push(p);
    return p;
  };
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.stop()));
  });

  describe('rule 18: start positions are exclusive', () => {
    it('a stream subscription from revision r delivers r+1 onwards', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [event('E0'), event('E1'), event('E2')]);
      const p = probe(new SubscriptionProbe(target.client.subscribeToStream(stream, { fromRevision: 1n })));
      await p.until((s) => s.has('caughtUp'), 'caught up');
      expect(p.events.map((e) => e.event?.revision)).to.deep.equal([2n]);
    });

    it('a stream subscription from START delivers everything, from END only new events', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [event('E0'), event('E1')]);
      const fromStart = probe(new SubscriptionProbe(target.client.subscribeToStream(stream, { fromRevision: START })));
      const fromEnd = probe(new SubscriptionProbe(target.client.subscribeToStream(stream, { fromRevision: END })));
      await fromStart.until((s) => s.has('caughtUp'), 'caught up');
      await fromEnd.until((s) => s.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, event('E2'));
      await fromStart.until((s) => s.events.length === 3, 'three events');
      await fromEnd.until((s) => s.events.length === 1, 'the new event');
      expect(fromStart.events.map((e) => e.event?.type)).to.deep.equal(['E0', 'E1', 'E2']);
      expect(fromEnd.events.map((e) => e.event?.type)).to.deep.equal(['E2']);
    });

    it('a $all subscription from position p delivers the events after p', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [event('E0'), event('E1'), event('E2')]);
      const [first] = await readStreamEvents(target.client, stream);
      const p = probe(new SubscriptionProbe(target.client.subscribeToAll({ fromPosition: first?.event?.position as Position }), ofStream(stream)));
      await p.until((s) => s.has('caughtUp'), 'caught up');
      expect(p.events.map((e) => e.event?.type)).to.deep.equal(['E1', 'E2']);
    });

    it('a $all subscription from START includes the oldest events, from END only new ones', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, event('Old'));
      const fromEnd = probe(new SubscriptionProbe(target.client.subscribeToAll({ fromPosition: END }), ofStream(stream)));
      await fromEnd.until((s) => s.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, event('New'));
      await fromEnd.until((s) => s.events.length === 1, 'the new event');
      expect(fromEnd.events.map((e) => e.event?.type)).to.deep.equal(['New']);
      const fromStart = probe(new SubscriptionProbe(target.client.subscribeToAll({ fromPosition: START }), ofStream(stream)));
      await fromStart.until((s) => s.events.length === 2, 'both events');
      expect(fromStart.events.map((e) => e.event?.type)).to.deep.equal(['Old', 'New']);
    });
  });

  describe('rule 19: confirmation, then history, then caught_up, then live events', () => {
    it('orders a stream subscription\'s messages on the wire', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [event('H0'), event('H1')]);
      const p = probe(new SubscriptionProbe(target.client.subscribeToStream(stream)));
      await p.until((s) => s.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, event('L0'));
      await p.until((s) => s.events.length === 3, 'the live event');
      expect(p.labels).to.deep.equal(['confirmation', 'H0', 'H1', 'caughtUp', 'L0']);
      expect(p.subscription.id).to.be.a('string').and.not.equal('');
    });

    it('orders a $all subscription\'s messages the same way', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [event('H0')]);
      const p = probe(new SubscriptionProbe(target.client.subscribeToAll(), ofStream(stream)));
      await p.until((s) => s.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, [event('L0'), event('L1')]);
      await p.until((s) => s.events.length === 3, 'the live events');
      expect(p.labels).to.deep.equal(['confirmation', 'H0', 'caughtUp', 'L0', 'L1']);
    });

    it('sends caught_up for a stream that does not exist yet, then its events live', async () => {
      const stream = aStreamName();
      const p = probe(new SubscriptionProbe(target.client.subscribeToStream(stream)));
      await p.until((s) => s.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, event('First'));
      await p.until((s) => s.events.length === 1, 'the first event');
      expect(p.labels).to.deep.equal(['confirmation', 'caughtUp', 'First']);
      expect(p.events[0]?.event?.revision).to.equal(0n);
    });
  });
});
