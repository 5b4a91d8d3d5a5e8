import { expect } from 'chai';
import { jsonEvent, StreamDeletedError, UnavailableError } from '@eventstore/db-client';
import { againstTheDouble, aStreamName, readStreamEvents, rejection, SubscriptionProbe, useEventStore } from './harness';

const event = (type: string) => jsonEvent({ type, data: {} });

describe('EventStoreDB double: how subscriptions end', () => {
  const target = useEventStore();

  describe('rule 22: unsubscribe cancels the call; a server-side drop ends it with a mapped error', () => {
    it('after unsubscribe no more events arrive and no error is raised', async () => {
      const stream = aStreamName();
      const probe = new SubscriptionProbe(target.client.subscribeToStream(stream));
      await probe.until((p) => p.has('caughtUp'), 'caught up');
      await target.client.appendToStream(stream, event('Before'));
      await probe.until((p) => p.events.length === 1, 'the first event');
      // A second subscriber, live on the same stream: once it has the later event, so would the first.
      const witness = new SubscriptionProbe(target.client.subscribeToStream(stream));
      try {
        await witness.until((p) => p.has('caughtUp') && p.events.length === 1, 'the witness caught up');
        await probe.stop();
        await target.client.appendToStream(stream, event('After'));
        await witness.until((p) => p.events.length === 2, 'the witness to receive the later event');
      } finally {
        await witness.stop();
      }
      expect(probe.events.map((e) => e.event?.type)).to.deep.equal(['Before']);
      expect(probe.error).to.equal(undefined);
    });

    it('tombstoning the subscribed stream ends the subscription with StreamDeletedError', async () => {
      const stream = aStreamName();
      await target.client.appendToStream(stream, event('Only'));
      const probe = new SubscriptionProbe(target.client.subscribeToStream(stream));
      await probe.until((p) => p.has('caughtUp'), 'caught up');
      await target.client.tombstoneStream(stream);
      await probe.until((p) => p.error !== undefined, 'the drop');
      expect(probe.error).to.be.instanceOf(StreamDeletedError);
      expect((probe.error as StreamDeletedError).streamName).to.equal(stream);
    });

    it('subscribing to a tombstoned stream fails with StreamDeletedError', async () => {
      const stream = aStreamName();
      await target.client.tombstoneStream(stream);
      const probe = new SubscriptionProbe(target.client.subscribeToStream(stream));
      await probe.until((p) => p.error !== undefined, 'the failure');
      expect(probe.error).to.be.instanceOf(StreamDeletedError);
    });
  });

  if (againstTheDouble) {
    describe('rule 22: server-side drops and crashes (only the double can cause them)', () => {
      const local = useEventStore();

      it('dropSubscriptions ends every open subscription with UnavailableError and keeps serving', async () => {
        const stream = aStreamName();
        const onStream = new SubscriptionProbe(local.client.subscribeToStream(stream));
        const onAll = new SubscriptionProbe(local.client.subscribeToAll());
        await onStream.until((p) => p.has('caughtUp'), 'caught up');
        await onAll.until((p) => p.has('caughtUp'), 'caught up');
        local.double?.dropSubscriptions();
        await onStream.until((p) => p.error !== undefined, 'the stream subscription drop');
        await onAll.until((p) => p.error !== undefined, 'the $all subscription drop');
        expect(onStream.error).to.be.instanceOf(UnavailableError);
        expect(onAll.error).to.be.instanceOf(UnavailableError);
        expect((await local.client.appendToStream(stream, event('StillServing'))).nextExpectedRevision).to.equal(0n);
      });

      it('stop() fails open subscriptions UNAVAILABLE and refuses calls; start() serves the same log on the same port', async () => {
        const double = local.double as NonNullable<typeof local.double>;
        const stream = aStreamName();
        await local.client.appendToStream(stream, [event('E0'), event('E1')]);
        const count = double.eventCount;
        const port = double.port;
        const probe = new SubscriptionProbe(local.client.subscribeToAll());
        await probe.until((p) => p.has('caughtUp'), 'caught up');
        await double.stop();
        await probe.until((p) => p.error !== undefined, 'the crash');
        expect(probe.error).to.be.instanceOf(UnavailableError);
        expect(await rejection(local.client.appendToStream(stream, event('WhileDown')))).to.have.property('code', 14);
        await double.start();
        expect(double.port).to.equal(port);
        expect(double.eventCount).to.equal(count);
        expect((await readStreamEvents(local.client, stream)).map((e) => e.event?.type)).to.deep.equal(['E0', 'E1']);
        expect((await local.client.appendToStream(stream, event('E2'))).nextExpectedRevision).to.equal(2n);
      });
    });
  }
});
