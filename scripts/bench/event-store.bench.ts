import { randomUUID } from 'node:crypto';
import type { EventData, EventStore } from '../../src/shared/event-store/event-store';
import { measure, type Measurement } from './measure';

const metadata = { actorId: 'system:bench', correlationId: 'bench', causationId: 'bench', occurredAt: new Date().toISOString() };
const event = (): EventData => ({ id: randomUUID(), type: 'BenchEventHappened', data: { n: 1, text: 'x'.repeat(100) }, metadata });

/** Appends (new streams, one busy stream) and stream reads through the PostgreSQL adapter. */
export async function benchAppends(store: EventStore, label: string): Promise<Measurement[]> {
  const run = randomUUID().slice(0, 8);
  const rows = [
    await measure('append 1 event, new stream, sequential', label, 1_000, 1, (i) =>
      store.append(`bench-${run}-a${i}`, [event()], { expectedRevision: 'no_stream' }),
    ),
    await measure('append 1 event, new stream, 16 concurrent', label, 2_000, 16, (i) =>
      store.append(`bench-${run}-b${i}`, [event()], { expectedRevision: 'no_stream' }),
    ),
    await measure("append 1 event, one stream, 16 concurrent 'any'", label, 1_000, 16, () =>
      store.append(`bench-${run}-hot`, [event()], { expectedRevision: 'any' }),
    ),
  ];
  const stream = `bench-${run}-read`;
  await store.append(stream, Array.from({ length: 10 }, event));
  rows.push(await measure('read a 10-event stream, 16 concurrent', label, 2_000, 16, () => store.readStream(stream)));
  let after: bigint | undefined;
  rows.push(
    await measure('read the global log, pages of 500', label, 20, 1, async () => {
      const page = await store.readAll({ after, maxCount: 500 });
      after = page.lastPosition ?? after;
    }),
  );
  return rows;
}
