import type { Knex } from 'knex';
import type { EventFilter, RecordedEvent } from '../src/shared/event-store/event-store';

/**
 * A read model, in versions: version N lives in the table `<name>_vN`, with a checkpoint row of
 * the same name, and the API reads whichever version `projection_versions` says is live,
 * through the views the read table names. A rebuild fills the next version beside the live one.
 */
export interface ProjectionDefinition {
  /** The projection's name everywhere (CLI, status, metrics): `users`. */
  readonly name: string;
  /**
   * Server-side filter: the store sends only these events; the checkpoint still advances over
   * the rest. An event type the projection does not know (a newer writer's) is skipped by its
   * fold, so a read model never stalls on one.
   */
  readonly filter?: EventFilter;
  readonly table: ReadTable;
  /**
   * Folds a batch into `table` inside the batch's transaction (rows and count; the worker moves
   * the checkpoint). Must be idempotent: after a crash between commit and acknowledgement a
   * batch comes again. Throws for an event it cannot apply: the worker retries, then stops there.
   */
  apply(trx: Knex.Transaction, table: string, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * A fold for one rebuild run, into a table nobody else writes until the switch: it may keep
   * state between batches (which keys the table holds) to spare statements. It must fold to the
   * same rows as `apply`. Without it, a rebuild uses `apply`.
   */
  build?(options?: { readonly maxCachedRows?: number }): BuildFold;
}

/** The fold of one rebuild run; its state lives as long as the run. */
export interface BuildFold {
  apply(trx: Knex.Transaction, table: string, events: readonly RecordedEvent[]): Promise<void>;
}

/** The DDL and the bookkeeping of one version's table. */
export interface ReadTable {
  /** Creates the table (and its count row) without the secondary indexes: a rebuild loads faster without them. */
  create(trx: Knex.Transaction, table: string): Promise<void>;
  /** The indexes the readers need, made once the bulk load is done. Idempotent. */
  createIndexes(trx: Knex.Transaction, table: string): Promise<void>;
  drop(trx: Knex.Transaction, table: string): Promise<void>;
  /** Empties the table and its count, for a reset. */
  truncate(trx: Knex.Transaction, table: string): Promise<void>;
  /**
   * The views, named after the projection, that expose its live version to readers, as
   * `CREATE OR REPLACE VIEW` statements (`users` and `users_count` for the users list). A switch
   * replaces them in this order, each replacement locking its view until the switch commits:
   * it must be the order in which a reader's statement meets them, or a reader holding the
   * second while it waits for the first deadlocks with the switch (one of the two then fails).
   */
  views(name: string, table: string): readonly string[];
  /** What `verify` compares: the key column and the other columns (compared as text). */
  readonly comparison: { readonly key: string; readonly columns: readonly string[] };
  /** The maintained row count the readers use instead of COUNT(*), when the table keeps one. */
  readonly counted: boolean;
}

/** The table and checkpoint name of a version. */
export function versionTable(name: string, version: number): string {
  return `${name}_v${version}`;
}

/**
 * A side-effecting reaction with only a checkpoint: `handle` runs for every event before the
 * checkpoint passes it, so it runs at least once per event and must be idempotent.
 */
export interface Processor {
  readonly name: string;
  readonly filter?: EventFilter;
  /** Projections that must have passed an event's position before it is handled. */
  readonly waitFor?: readonly string[];
  handle(event: RecordedEvent): Promise<void>;
}

/** The part of a recorded event a row fold needs. */
export interface ProjectedEvent {
  readonly type: string;
  readonly data: unknown;
  readonly revision: bigint;
}
