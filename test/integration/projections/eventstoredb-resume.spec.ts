import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ProjectionWorker } from '../../../projections/worker';
import type { Database } from '../../../src/shared/database/database';
import type { EventData, RecordedEvent } from '../../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../support/eventstoredb-double';
import { openTestDatabase } from '../../support/test-database';
import { gate } from '../features/interceptable-store';
import { capturingLogger, createUser, event, eventually, GatedEventStore, testUsersProjection, usersCount, usersRows } from './fixtures';

/**
 * A subscription whose connection is lost mid-catch-up (the server killed and restarted, or
 * the server ending the call) resumes after the last event it delivered: none skipped, none
 * delivered twice. Each test has a double of its own, since it stops it.
 */
describe('EventStoreDB subscriptions across a lost connection', function () {
  this.timeout(60_000);
  let double: EventStoreDbDouble;
  let store: EventStoreDbEventStore;
  const dropped: unknown[] = [];

  beforeEach(async () => {
    double = await startEventStoreDbDouble();
    dropped.length = 0;
    store = EventStoreDbEventStore.fromConnectionString(double.connectionString, {
      resubscribeInitialMs: 20,
      resubscribeMaxMs: 200,
      subscriptionHighWaterMark: 100,
      onSubscriptionDropped: (error) => dropped.push(error),
    });
  });

  afterEach(async () => {
    await store.close();
    await double.close();
  });

  async function appendHistory(prefix: string, streams: number, perStream: number): Promise<EventData[]> {
    const written: EventData[] = [];
    for (let s = 0; s < streams; s++) {
      const batch = Array.from({ length: perStream }, (_, i) => event('Numbered', { s, i }));
      await store.append(`${prefix}-${s}`, batch);
      written.push(...batch);
    }
    return written;
  }

  /** Consumes the subscription; after `pauseAfter` events it waits for the test to go on. */
  function consume(prefix: string, pauseAfter: number) {
    const received: RecordedEvent[] = [];
    const paused = gate();
    const resume = gate();
    const subscription = store.subscribe({ filter: { streamNamePrefixes: [`${prefix}-`] } });
    const done = (async () => {
      for await (const message of subscription) {
        if (message.type !== 'event') continue;
        received.push(message.event);
        if (received.length === pauseAfter) {
          paused.open();
          await resume.opened;
        }
      }
    })();
    return { received, paused, resume, subscription, done };
  }

  for (const [how, loseConnection] of [
    ['the server is killed and restarted', async () => {
      // stop() resolves once the calls have ended and the port is released: the server is gone.
      await double.stop();
      await double.start();
    }],
    ['the server ends the subscription call', async () => {
      double.dropSubscriptions();
    }],
  ] as const) {
    it(`resumes mid-catch-up when ${how}: every event once, in order, then live ones`, async () => {
      const prefix = `resume${randomUUID().slice(0, 8)}`;
      const history = await appendHistory(prefix, 40, 25);
      const consumer = consume(prefix, 300);
      try {
        await consumer.paused.opened;
        await loseConnection();
        consumer.resume.open();
        await eventually('the whole history', async () => consumer.received.length >= history.length, 20_000);
        const live = await appendHistory(`${prefix}`, 1, 5);
        // A last event, waited for: every event before it, and any duplicate, has arrived by then.
        const [last] = await appendHistory(`${prefix}-last`, 1, 1);
        await eventually('the last event', async () => consumer.received.some((e) => e.id === last?.id), 20_000);
        expect(consumer.received.map((e) => e.id)).to.deep.equal([...history, ...live, last].map((e) => e?.id));
        expect(dropped.length).to.be.at.least(1);
      } finally {
        await consumer.subscription.close();
        await consumer.done;
      }
    });
  }

  it('the projector, interrupted mid-catch-up, folds every user exactly once and its checkpoint reaches the end', async () => {
    const db: Database = await openTestDatabase();
    const projection = testUsersProjection();
    const users = [];
    for (let i = 0; i < 120; i++) users.push(await createUser(store, { role: i % 2 === 0 ? 'user' : 'admin' }));
    const gated = new GatedEventStore(store);
    gated.hold();
    const worker = new ProjectionWorker({
      db,
      eventStore: gated,
      logger: capturingLogger().logger,
      projections: [projection],
      batchSize: 25,
      leaseTtlMs: 5_000,
      leaseRetryMs: 50,
      retryInitialMs: 10,
      retryMaxMs: 100,
    });
    worker.start();
    try {
      await gated.waiting;
      await double.stop();
      gated.letGo();
      await eventually('the subscription to lose its connection', async () => dropped.length >= 1);
      await double.start();
      const last = users[users.length - 1]!.position;
      expect(await worker.waitUntilPassed(projection.name, last, 20_000)).to.equal(true);
      const rows = await usersRows(db, users.map((u) => u.id), `${projection.name}_v1`);
      expect(rows.map((r) => r.id)).to.deep.equal(users.map((u) => u.id).sort());
      expect(rows.every((r) => r.last_revision === '0')).to.equal(true);
      expect(await usersCount(db, `${projection.name}_v1`)).to.equal(users.length);
    } finally {
      await worker.stop();
    }
  });
});
