import { expect } from 'chai';
import type { Knex } from 'knex';
import { buildFold, foldBatch, rowProjection, type RowTable } from '../../../projections/row-projection';
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

describe('rowProjection build fold (a rebuild run)', () => {
  /** A table in memory that records which keys each load asked for. */
  const memoryTable = (initial: ReadonlyArray<[string, Counter]>): { table: RowTable<Counter>; rows: Map<string, Counter>; loads: string[][] } => {
    const rows = new Map(initial);
    const loads: string[][] = [];
    const table: RowTable<Counter> = {
      counted: false,
      comparison: { key: 'k', columns: ['n'] },
      create: () => Promise.resolve(),
      createIndexes: () => Promise.resolve(),
      drop: () => Promise.resolve(),
      truncate: () => Promise.resolve(),
      views: () => [],
      keys: () => Promise.resolve([...rows.keys()]),
      load: (_trx, _table, keys) => {
        loads.push([...keys]);
        return Promise.resolve(new Map(keys.flatMap((key): Array<[string, Counter]> => (rows.has(key) ? [[key, rows.get(key) as Counter]] : []))));
      },
      save: (_trx, _table, changes) => {
        for (const { key, after } of changes) {
          if (after === null) rows.delete(key);
          else rows.set(key, after);
        }
        return Promise.resolve();
      },
    };
    return { table, rows, loads };
  };
  const trx = {} as Knex.Transaction;

  const batches = [
    [event('a', 'inc', 1n), event('b', 'inc', 0n)],
    [event('b', 'inc', 1n), event('c', 'inc', 0n), event('c', 'drop', 1n)],
    [event('c', 'inc', 2n), event('d', 'inc', 0n), event('a', 'inc', 2n)],
  ];
  const plainRows = async (): Promise<Array<[string, Counter]>> => {
    const plain = memoryTable([['a', { n: 5 }]]);
    const projection = rowProjection({ name: 't', keyOf, evolve, table: plain.table });
    for (const batch of batches) await projection.apply(trx, 't_v2', batch);
    return [...plain.rows];
  };

  it('loads only rows it holds no copy of, of keys the table held when the run began or the run has folded', async () => {
    const built = memoryTable([['a', { n: 5 }]]);
    const fold = rowProjection({ name: 't', keyOf, evolve, table: built.table }).build?.();
    for (const batch of batches) await fold?.apply(trx, 't_v2', batch);
    expect([...built.rows]).to.deep.equal(await plainRows());
    expect(built.loads).to.deep.equal([['a'], ['c']]);
  });

  it('without room for rows, loads every key it may hold, and folds to the same rows', async () => {
    const built = memoryTable([['a', { n: 5 }]]);
    const fold = buildFold({ name: 't', keyOf, evolve, table: built.table }, 0);
    for (const batch of batches) await fold.apply(trx, 't_v2', batch);
    expect([...built.rows]).to.deep.equal(await plainRows());
    expect(built.loads).to.deep.equal([['a'], ['b'], ['c', 'a']]);
  });
});
