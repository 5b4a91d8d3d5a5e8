import { expect } from 'chai';
import { END, eventTypeFilter, excludeSystemEvents, jsonEvent, START, streamNameFilter } from '@eventstore/db-client';
import type { AllStreamSubscription, Filter, Position } from '@eventstore/db-client';
import type { Target } from './harness';
import { againstTheDouble, aStreamName, aUniqueType, readStreamEvents, SubscriptionProbe, useEventStore } from './harness';

const event = (type: string) => jsonEvent({ type, data: {} });

/** A filtered $all subscription plus the checkpoint positions it reported. */
function filtered(target: Target, filter: Filter, fromPosition: Position | typeof START | typeof END = START): { probe: SubscriptionProbe; checkpoints: Position[] } {
  const checkpoints: Position[] = [];
  const withCallback = { ...filter, checkpointReached: (_subscription: AllStreamSubscription, position: Position) => void checkpoints.push(position) };
  return { probe: new SubscriptionProbe(target.client.subscribeToAll({ fromPosition, filter: withCallback })), checkpoints };
}

describe('EventStoreDB double: filtered $all subscriptions', () => {
  const target = useEventStore();
  const probes: SubscriptionProbe[] = [];
  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.stop()));
  });

  describe('rule 20: filters on stream name or event type, by prefix or regex, with checkpoints', () => {
    it('an event-type prefix filter delivers only matching types', async () => {
      const prefix = aUniqueType('Pre');
      const stream = aStreamName();
      const { probe } = filtered(target, eventTypeFilter({ prefixes: [prefix] }));
      probes.push(probe);
      await target.client.appendToStream(stream, [event(`${prefix}A`), event('Other'), event(`${prefix}B`)]);
      await probe.until((p) => p.events.length === 2, 'two matching events');
      expect(probe.events.map((e) => e.event?.type)).to.deep.equal([`${prefix}A`, `${prefix}B`]);
    });

    it('a stream-name regex filter delivers only matching streams', async () => {
      const stream = aStreamName('wanted');
      const { probe } = filtered(target, streamNameFilter({ regex: `^${stream}$` }));
      probes.push(probe);
      await target.client.appendToStream(aStreamName('unwanted'), event('Skip'));
      await target.client.appendToStream(stream, event('Keep'));
      await probe.until((p) => p.events.length === 1, 'the matching event');
      expect(probe.events.map((e) => [e.event?.streamId, e.event?.type])).to.deep.equal([[stream, 'Keep']]);
    });

    it('a stream-name prefix filter and the exclude-system-events regex keep $metadata out', async () => {
      const stream = aStreamName('meta');
      const byPrefix = filtered(target, streamNameFilter({ prefixes: [stream] }));
      const nonSystem = filtered(target, excludeSystemEvents());
      probes.push(byPrefix.probe, nonSystem.probe);
      await target.client.setStreamMetadata(stream, { maxCount: 5 });
      await target.client.appendToStream(stream, event('Plain'));
      await byPrefix.probe.until((p) => p.events.length === 1, 'the plain event');
      await nonSystem.probe.until((p) => p.events.some((e) => e.event?.streamId === stream), 'the plain event');
      expect(byPrefix.probe.events.map((e) => e.event?.type)).to.deep.equal(['Plain']);
      expect(nonSystem.probe.events.filter((e) => e.event?.type.startsWith('$'))).to.deep.equal([]);
    });

    it('ends a filtered catch-up with a checkpoint at or past the last event, before caught_up, also when nothing matches', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, [event('A'), event('B')]);
      const [first, last] = await readStreamEvents(target.client, stream);
      const checkpointsBeforeCaughtUp: Position[] = [];
      const { probe, checkpoints } = filtered(target, eventTypeFilter({ prefixes: [aUniqueType('Nothing')] }), first?.event?.position as Position);
      probes.push(probe);
      probe.subscription.once('caughtUp', () => checkpointsBeforeCaughtUp.push(...checkpoints));
      await probe.until((p) => p.has('caughtUp'), 'caught up');
      const lastCommit = last?.event?.position?.commit as bigint;
      expect(checkpointsBeforeCaughtUp.some((c) => c.commit >= lastCommit), 'a checkpoint at or past the last event before caught_up').to.equal(true);
      expect(probe.events).to.deep.equal([]);
    });

    it('sends checkpoints while nothing matches, so a consumer can advance past what it scanned', async () => {
      const stream = aStreamName();
      const { probe, checkpoints } = filtered(target, eventTypeFilter({ prefixes: [aUniqueType('Nothing')] }), END);
      probes.push(probe);
      await probe.until((p) => p.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, Array.from({ length: 70 }, (_, n) => event(`E${n}`)));
      const [first] = await readStreamEvents(target.client, stream, { maxCount: 1 });
      await probe.until(() => checkpoints.some((c) => c.commit >= (first?.event?.position?.commit as bigint)), 'a checkpoint past our first event');
      expect(probe.events).to.deep.equal([]);
    });
  });

  if (againstTheDouble) {
    describe('rule 20: checkpoint intervals (exact counts, only on a fresh double)', () => {
      const fresh = useEventStore({ checkpointIntervalEvents: 4 });

      it('checkpoints every checkpointIntervalEvents × multiplier scanned events, at the end of catch-up, and live counting afresh', async () => {
        const stream = aStreamName();
        await fresh.client.appendToStream(stream, Array.from({ length: 9 }, (_, n) => event(`H${n}`)));
        const everyFour = filtered(fresh, eventTypeFilter({ prefixes: ['Nope'] }));
        const everyEight = filtered(fresh, eventTypeFilter({ prefixes: ['Nope'], checkpointInterval: 2 }));
        probes.push(everyFour.probe, everyEight.probe);
        await everyFour.probe.until((p) => p.has('caughtUp'), 'caught up');
        await fresh.client.appendToStream(stream, Array.from({ length: 7 }, (_, n) => event(`L${n}`)));
        await everyFour.probe.until(() => everyFour.checkpoints.length === 4, 'four checkpoints');
        // An 8th live event: the next checkpoint of both, so every checkpoint before it has arrived.
        await fresh.client.appendToStream(stream, event('L7'));
        const positions = (await readStreamEvents(fresh.client, stream)).map((e) => e.event?.position);
        await everyFour.probe.until(() => everyFour.checkpoints.some((c) => c.commit === positions[16]?.commit), 'the checkpoint at the 8th live event');
        await everyEight.probe.until(() => everyEight.checkpoints.some((c) => c.commit === positions[16]?.commit), 'the checkpoint at the 8th live event');
        // History (the fresh node's `$epoch-information` record, then 9 events): every 4th scanned record, then the end
        // of catch-up; live: every 4th (8th) since going live.
        expect(everyFour.checkpoints).to.deep.equal([positions[2], positions[6], positions[8], positions[12], positions[16]]);
        expect(everyEight.checkpoints).to.deep.equal([positions[6], positions[8], positions[16]]);
      });

      it('a maxSearchWindow replaces the default window in the interval', async () => {
        const stream = aStreamName();
        const { probe, checkpoints } = filtered(fresh, eventTypeFilter({ prefixes: ['Nope'], maxSearchWindow: 2 }), END);
        probes.push(probe);
        await probe.until((p) => p.has('caughtUp'), 'caught up');
        await fresh.client.appendToStream(stream, Array.from({ length: 5 }, (_, n) => event(`E${n}`)));
        const positions = (await readStreamEvents(fresh.client, stream)).map((e) => e.event?.position);
        await probe.until(() => checkpoints.length === 2, 'two checkpoints');
        expect(checkpoints).to.deep.equal([positions[1], positions[3]]);
      });
    });
  }
});
