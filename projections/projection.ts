import type { Knex } from 'knex';
import type { EventFilter, RecordedEvent } from '../src/shared/event-store/event-store';

/**
 * A read model the worker keeps up to date: each batch of events is applied inside the same
 * transaction that moves the projection's checkpoint, so rows and checkpoint never disagree.
 */
export interface Projection {
  /** Checkpoint and lease name; by convention the versioned table name, e.g. `users_v1`. */
  readonly name: string;
  /** Server-side filter; the checkpoint still advances over events it skips. */
  readonly filter?: EventFilter;
  /** Must be idempotent: after a crash between commit and acknowledgement a batch comes again. */
  apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void>;
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
