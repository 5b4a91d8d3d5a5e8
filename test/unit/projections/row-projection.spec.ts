import { expect } from 'chai';
import { foldBatch } from '../../../projections/row-projection';
import { countDelta } from '../../../projections/users/users.table';
import type { RecordedEvent } from '../../../src/shared/event-store/event-store';

interface Counter {
  readonly n: number;
}

const event = (streamName: string, type: string, revision: bigint): RecordedEvent => ({
  id: `${streamName}-${revision}`,
  type,
  data: {},
  metadata: { actorId: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T00:00:00.000Z' },
  streamName,
  revision,
  position: revision,
  recordedAt: new Date(0),
});

const keyOf = (e: RecordedEvent): string | undefined => (e.type === 'ignored' ? undefined : e.streamName);
const evolve = (row: Counter | null, e: RecordedEvent): Counter | null => {
  if (e.type === 'drop') return null;
  if (e.type === 'same') return row;
  return { n: (row?.n ?? 0) + 1 };
};

describe('foldBatch (one batch of events over the loaded rows)', () => {
  it('reports each touched key once, with the row as loaded and as folded', () => {
    const loaded = new Map([['a', { n: 5 }]]);
    const changes = foldBatch(loaded, [event('a', 'inc', 1n), event('b', 'inc', 0n), event('a', 'inc', 2n)], keyOf, evolve);
    expect(changes).to.deep.equal([
      { key: 'a', before: { n: 5 }, after: { n: 7 } },
      { key: 'b', before: null, after: { n: 1 } },
    ]);
  });

  it('leaves out rows the fold returned unchanged and events it ignores', () => {
    const loaded = new Map([['a', { n: 5 }]]);
    expect(foldBatch(loaded, [event('a', 'same', 1n), event('c', 'ignored', 0n)], keyOf, evolve)).to.deep.equal([]);
  });

  it('counts rows that appeared minus rows that went', () => {
    const loaded = new Map([['a', { n: 5 }]]);
    const changes = foldBatch(loaded, [event('a', 'drop', 1n), event('b', 'inc', 0n), event('c', 'inc', 0n)], keyOf, evolve);
    expect(countDelta(changes)).to.equal(1);
    expect(countDelta(foldBatch(new Map(), [event('d', 'drop', 0n)], keyOf, evolve))).to.equal(0);
  });
});
