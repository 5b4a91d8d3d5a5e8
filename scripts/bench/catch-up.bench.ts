import { randomUUID } from 'node:crypto';
import type { EventData, EventStore } from '../../src/shared/event-store/event-store';
import type { Measurement } from './measure';

const metadata = { actorId: 'system:bench', correlationId: 'bench', causationId: 'bench', occurredAt: new Date().toISOString() };

/**
 * How fast a projector's subscription replays history: `events` events in streams of a prefix
 * of their own, read through a filtered catch-up subscription until it reports caught_up. One
 * op is one event delivered, so ops/s is the replay rate.
 */
export async function benchCatchUp(store: EventStore, label: string, events = 20_000): Promise<Measurement> {
  const prefix = `catchup${randomUUID().slice(0, 8)}`;
  const perAppend = 100;
  for (let i = 0; i < events / perAppend; i++) {
    const batch: EventData[] = Array.from({ length: perAppend }, (_, n) => ({
      id: randomUUID(),
      type: 'BenchEventHappened',
      data: { n, text: 'x'.repeat(100) },
      metadata,
    }));
    await store.append(`${prefix}-${i}`, batch);
  }
  const subscription = store.subscribe({ filter: { streamNamePrefixes: [`${prefix}-`] } });
  let delivered = 0;
  const started = process.hrtime.bigint();
  for await (const message of subscription) {
    if (message.type === 'event') delivered++;
    if (message.type === 'caught_up') break;
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  await subscription.close();
  if (delivered !== events) throw new Error(`catch-up delivered ${delivered} of ${events} events`);
  const perEvent = totalMs / events;
  return { name: `subscription catch-up, ${events.toLocaleString('en')} events`, target: label, ops: events, totalMs, p50Ms: perEvent, p99Ms: perEvent };
}
