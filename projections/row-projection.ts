import type { Knex } from 'knex';
import type { EventFilter, RecordedEvent } from '../src/shared/event-store/event-store';
import type { BuildFold, ProjectionDefinition, ReadTable } from './projection';

/** A row that changed in a batch: `before` as loaded, `after` as folded (null: no row). */
export interface RowChange<Row> {
  readonly key: string;
  readonly before: Row | null;
  readonly after: Row | null;
}

/** The thin SQL side of a keyed read model, for any version's table. */
export interface RowTable<Row> extends ReadTable {
  load(trx: Knex.Transaction, table: string, keys: readonly string[]): Promise<ReadonlyMap<string, Row>>;
  save(trx: Knex.Transaction, table: string, changes: readonly RowChange<Row>[]): Promise<void>;
  /** Every key the table holds, as `keyOf` spells it. */
  keys(trx: Knex.Transaction, table: string): Promise<string[]>;
}

export interface RowProjectionSpec<Row> {
  readonly name: string;
  readonly filter?: EventFilter;
  /** The row an event is about; undefined for events this read model ignores. */
  readonly keyOf: (event: RecordedEvent) => string | undefined;
  readonly evolve: (row: Row | null, event: RecordedEvent) => Row | null;
  readonly table: RowTable<Row>;
}

/** Folds a batch over the loaded rows and returns only the rows whose value changed. */
export function foldBatch<Row>(
  loaded: ReadonlyMap<string, Row>,
  events: readonly RecordedEvent[],
  keyOf: (event: RecordedEvent) => string | undefined,
  evolve: (row: Row | null, event: RecordedEvent) => Row | null,
): RowChange<Row>[] {
  const current = new Map<string, Row | null>();
  for (const event of events) {
    const key = keyOf(event);
    if (key === undefined) continue;
    const row = current.has(key) ? (current.get(key) as Row | null) : (loaded.get(key) ?? null);
    current.set(key, evolve(row, event));
  }
  const changes: RowChange<Row>[] = [];
  for (const [key, after] of current) {
    const before = loaded.get(key) ?? null;
    if (after !== before) changes.push({ key, before, after });
  }
  return changes;
}

/**
 * A projection of one row per key (a stream), folded a batch at a time: the batch's rows are
 * loaded in one statement, evolved in memory, and written back in one set-based statement.
 */
export function rowProjection<Row>(spec: RowProjectionSpec<Row>): ProjectionDefinition {
  const keysOf = (events: readonly RecordedEvent[]): string[] => [...new Set(events.map(spec.keyOf).filter((key): key is string => key !== undefined))];
  return {
    name: spec.name,
    ...(spec.filter === undefined ? {} : { filter: spec.filter }),
    table: spec.table,
    async apply(trx, table, events) {
      const keys = keysOf(events);
      if (keys.length === 0) return;
      const loaded = await spec.table.load(trx, table, keys);
      const changes = foldBatch(loaded, events, spec.keyOf, spec.evolve);
      if (changes.length > 0) await spec.table.save(trx, table, changes);
    },
    build: () => buildFold(spec, keysOf),
  };
}

/**
 * The fold of a rebuild: it remembers every key the build table may hold (those there when the
 * run began, and every key it has folded since), so a key it has never seen is folded from no
 * row without a load; only keys seen before are loaded. The set only ever holds more keys than
 * the table (a rolled back batch leaves its keys in it, and such a key is merely loaded), never
 * fewer, so no row is ever folded from null while it exists.
 */
function buildFold<Row>(spec: RowProjectionSpec<Row>, keysOf: (events: readonly RecordedEvent[]) => string[]): BuildFold {
  let written: Set<string> | undefined;
  return {
    async apply(trx, table, events) {
      const keys = keysOf(events);
      if (keys.length === 0) return;
      written ??= new Set(await spec.table.keys(trx, table));
      const known = written;
      const seen = keys.filter((key) => known.has(key));
      const loaded = seen.length === 0 ? new Map<string, Row>() : await spec.table.load(trx, table, seen);
      const changes = foldBatch(loaded, events, spec.keyOf, spec.evolve);
      for (const key of keys) known.add(key);
      if (changes.length > 0) await spec.table.save(trx, table, changes);
    },
  };
}
