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
  return {
    name: spec.name,
    ...(spec.filter === undefined ? {} : { filter: spec.filter }),
    table: spec.table,
    async apply(trx, table, events) {
      const keys = keysOf(spec, events);
      if (keys.length === 0) return;
      const loaded = await spec.table.load(trx, table, keys);
      const changes = foldBatch(loaded, events, spec.keyOf, spec.evolve);
      if (changes.length > 0) await spec.table.save(trx, table, changes);
    },
    build: (options) => buildFold(spec, options?.maxCachedRows),
  };
}

/** The keys a batch touches, each once, in order of first appearance. */
function keysOf<Row>(spec: RowProjectionSpec<Row>, events: readonly RecordedEvent[]): string[] {
  return [...new Set(events.map(spec.keyOf).filter((key): key is string => key !== undefined))];
}

/**
 * Rows a rebuild run keeps in memory at most; past it, rows are loaded. Measured on the rebuild
 * bench: 500,000 users rows held about 260 MB more than the key set alone (`--cache-rows` lowers it).
 */
export const BUILD_CACHED_ROWS = 1_000_000;

/**
 * The fold of a rebuild. It remembers every key the build table may hold (those there when the
 * run began, read once, and every key it has folded since), so a key it has never seen is
 * folded from no row without a load; and it keeps up to `maxCachedRows` rows as it wrote them,
 * so those are not loaded either: only keys it holds no row for are. The key set only ever
 * holds more keys than the table, never fewer. The cache is right only while every batch it
 * folded commits: a rebuild run ends at the first failed batch, and the next run starts a
 * fresh fold.
 */
export function buildFold<Row>(
  spec: RowProjectionSpec<Row>,
  maxCachedRows = BUILD_CACHED_ROWS,
): BuildFold {
  let held: Set<string> | undefined;
  const cached = new Map<string, Row>();
  const remember = (key: string, row: Row): void => {
    if (cached.has(key) || cached.size < maxCachedRows) cached.set(key, row);
  };
  return {
    async apply(trx, table, events) {
      const keys = keysOf(spec, events);
      if (keys.length === 0) return;
      held ??= new Set(await spec.table.keys(trx, table));
      const known = held;
      const rows = new Map<string, Row>();
      const missing: string[] = [];
      for (const key of keys) {
        const row = cached.get(key);
        if (row !== undefined) rows.set(key, row);
        else if (known.has(key)) missing.push(key);
      }
      if (missing.length > 0) {
        for (const [key, row] of await spec.table.load(trx, table, missing)) {
          rows.set(key, row);
          remember(key, row);
        }
      }
      const changes = foldBatch(rows, events, spec.keyOf, spec.evolve);
      for (const key of keys) known.add(key);
      if (changes.length > 0) await spec.table.save(trx, table, changes);
      for (const { key, after } of changes) {
        if (after === null) cached.delete(key);
        else remember(key, after);
      }
    },
  };
}
