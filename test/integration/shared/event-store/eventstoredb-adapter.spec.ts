import { EventStoreDBClient } from '@eventstore/db-client';
import { expect } from 'chai';
import {
  AppendTooLargeError,
  EventStoreUnavailableError,
  StreamDeletedError,
} from '../../../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../support/eventstoredb-double';
import { rejection } from '../event-store.contract';
import { aStream, anEvent, events } from './event-fixtures';
import { SubscriptionProbe } from './subscription-probe';

/**
 * What only the EventStoreDB adapter does: mapping the server's own refusals (a smaller server
 * limit, a tombstone, a lost connection) to the port's errors, and keeping the server's system
 * events out of the application's log. A double of its own, configured and stopped at will.
 */
describe('EventStoreDbEventStore: the server\'s errors and system events', () => {
  let double: EventStoreDbDouble;
  let store: EventStoreDbEventStore;
  let client: EventStoreDBClient;

  before(async () => {
    double = await startEventStoreDbDouble({ maxAppendSizeBytes: 10_000 });
    store = EventStoreDbEventStore.fromConnectionString(double.connectionString);
    client = EventStoreDBClient.connectionString(double.connectionString);
  });

  after(async () => {
    await store.close();
    await client.dispose();
    await double.close();
  });

  it('maps the server\'s maximum append size to AppendTooLargeError with the server\'s limit, writing nothing', async () => {
    const stream = aStream();
    const error = await rejection(store.append(stream, [anEvent({ data: { blob: 'x'.repeat(20_000) } })]));
    expect(error).to.be.instanceOf(AppendTooLargeError);
    expect((error as AppendTooLargeError).limitBytes).to.equal(10_000);
    expect(await store.readStream(stream)).to.deep.equal([]);
  });

  it('maps a tombstoned stream to StreamDeletedError on append and on read', async () => {
    const stream = aStream();
    await store.append(stream, events(2));
    await client.tombstoneStream(stream);
    for (const attempt of [() => store.append(stream, [anEvent()]), () => store.readStream(stream)]) {
      const error = await rejection(attempt());
      expect(error).to.be.instanceOf(StreamDeletedError);
      expect((error as StreamDeletedError).streamName).to.equal(stream);
    }
  });

  it('reads a soft-deleted stream as empty, and continues its revisions when it is written again', async () => {
    const stream = aStream();
    await store.append(stream, events(2));
    await client.deleteStream(stream);
    expect(await store.readStream(stream)).to.deep.equal([]);
    const again = await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
    expect(again.nextRevision).to.equal(2n);
  });

  it('keeps system events out of reads and subscriptions, while the scan position moves past them', async () => {
    const prefix = `sys${Date.now().toString(36)}`;
    const stream = aStream(prefix);
    const start = await store.append(stream, [anEvent()]);
    await client.setStreamMetadata(stream, { maxCount: 10 });
    const metadataEvent = (await collect(client.readStream(`$$${stream}`)))[0];
    const page = await store.readAll({ after: start.position });
    expect(page.events.map((e) => e.streamName).filter((name) => name.startsWith('$'))).to.deep.equal([]);
    expect(page.lastPosition! >= metadataEvent!.position).to.equal(true);

    const probe = new SubscriptionProbe(store, { after: start.position });
    try {
      await probe.waitForCaughtUp();
      expect(probe.events.filter((e) => e.type.startsWith('$') || e.streamName.startsWith('$'))).to.deep.equal([]);
    } finally {
      await probe.close();
    }
  });

  it('maps a lost connection to EventStoreUnavailableError on every operation, and recovers when it is back', async () => {
    const stream = aStream();
    await store.append(stream, [anEvent()]);
    await double.stop();
    try {
      for (const attempt of [() => store.append(stream, [anEvent()]), () => store.readStream(stream), () => store.readAll({ maxCount: 1 })]) {
        expect(await rejection(attempt())).to.be.instanceOf(EventStoreUnavailableError);
      }
    } finally {
      await double.start();
    }
    expect((await store.append(stream, [anEvent()])).nextRevision).to.equal(1n);
    expect(await store.readStream(stream)).to.have.length(2);
  });
});

async function collect(read: AsyncIterable<{ event?: { position?: { commit: bigint } } }>): Promise<Array<{ position: bigint }>> {
  const found: Array<{ position: bigint }> = [];
  for await (const resolved of read) if (resolved.event?.position) found.push({ position: resolved.event.position.commit });
  return found;
}

