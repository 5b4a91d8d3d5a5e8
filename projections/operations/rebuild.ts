import os from 'node:os';
import type { Knex } from 'knex';
import type { Database } from '../../src/shared/database/database';
import type { EventStore, GlobalPosition, ReadAllResult } from '../../src/shared/event-store/event-store';
import { CheckpointStore, DEFAULT_LEASE_TTL_MS, isLease, type Lease } from '../checkpoint-store';
import { versionTable, type BuildFold, type ProjectionDefinition } from '../projection';
import { ProjectionVersions } from '../projection-versions';
import { WorkerPresence } from '../worker-presence';

export interface RebuildProgress {
  readonly version: number;
  /** Events folded by this run. */
  readonly events: number;
  readonly position: GlobalPosition | undefined;
  /** Share of the log scanned, 0..1, estimated from positions (undefined on an empty log). */
  readonly fraction: number | undefined;
  readonly phase: 'folding' | 'indexing' | 'switching' | 'dropping';
}

export interface RebuildOptions {
  /** Keep the replaced version's table (and its checkpoint row, retired). */
  readonly keepOld?: boolean;
  /** Events per transaction (10,000 by default). */
  readonly batchSize?: number;
  /** Rows the run keeps in memory to spare load queries (BUILD_CACHED_ROWS by default; 0 keeps none). */
  readonly maxCachedRows?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Aborting stops at the next batch boundary; what was committed stays, and a later run resumes from it. */
  readonly signal?: AbortSignal;
  /** How long the build's lease outlives its last renewal (DEFAULT_LEASE_TTL_MS when omitted). */
  readonly leaseTtlMs?: number;
}

export type RebuildResult =
  | { readonly outcome: 'switched'; readonly version: number; readonly previous: number; readonly events: number; readonly resumed: boolean; readonly dropped: boolean }
  | { readonly outcome: 'interrupted'; readonly version: number; readonly events: number; readonly position: GlobalPosition | undefined };

/** Another process holds the building version's lease: one rebuild at a time. */
export class RebuildRunningError extends Error {
  override readonly name = 'RebuildRunningError';
}

/** An event of the log the projection could not fold; the build stops before it, resumable once fixed. */
export class RebuildFailedError extends Error {
  override readonly name = 'RebuildFailedError';
}

const DEFAULT_BATCH = 10_000;

/**
 * Builds the next version of a projection beside the live one, from the start of the log (or
 * from where an interrupted run stopped), then switches the readers to it in one transaction
 * with the version record, and drops the old table unless asked to keep it. The live version is
 * served the whole time; the switch waits only for the live worker's batch in flight.
 */
export async function rebuildProjection(db: Database, eventStore: EventStore, definition: ProjectionDefinition, options: RebuildOptions = {}): Promise<RebuildResult> {
  const versions = new ProjectionVersions(db);
  const checkpoints = new CheckpointStore(db);
  const presence = new WorkerPresence(db);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const ttlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const { version, resumed } = await versions.beginBuilding(definition);
  const table = versionTable(definition.name, version);
  const owner = `rebuild:${os.hostname()}:${process.pid}`;
  const taken = await checkpoints.acquire(table, owner, ttlMs, await presence.presence());
  if (!isLease(taken)) {
    await presence.close();
    throw new RebuildRunningError(
      taken.kind === 'held'
        ? `A rebuild of '${definition.name}' (version ${version}) is already running: ${taken.owner} holds it until ${taken.expiresAt.toISOString()}.`
        : `The rebuild of '${definition.name}' (version ${version}) is stopped: ${taken.reason}.`,
    );
  }
  const lease = taken;
  const renewal = setInterval(() => void checkpoints.renew(lease, ttlMs, undefined).catch(() => undefined), Math.floor(ttlMs / 3));
  renewal.unref();
  const start = lease.position;
  let position = lease.position;
  let events = 0;
  const report = async (phase: RebuildProgress['phase']): Promise<void> => {
    if (options.onProgress === undefined) return;
    const head = await eventStore.headPosition();
    const fraction = head === undefined ? undefined : fractionOf(start, position, head);
    options.onProgress({ version, events, position, fraction, phase });
  };

  // One fold for the whole run (the catch-ups and the switch): it remembers what the build table holds.
  const fold = definition.build?.(options.maxCachedRows === undefined ? {} : { maxCachedRows: options.maxCachedRows }) ?? definition;
  const read = (after: GlobalPosition | undefined): Promise<ReadAllResult> =>
    eventStore.readAll({ ...(after === undefined ? {} : { after }), maxCount: batchSize, ...(definition.filter === undefined ? {} : { filter: definition.filter }) });

  /**
   * Folds pages until the end of the log as it is now; false when interrupted. The next page is
   * read while the current one is written, so the log read and the fold overlap.
   */
  const catchUp = async (): Promise<boolean> => {
    let next: Promise<ReadAllResult> | undefined = read(position);
    try {
      for (;;) {
        if (options.signal?.aborted === true) return false;
        const page: ReadAllResult = await (next ?? read(position));
        const to = page.lastPosition;
        next = page.isEnd || to === undefined ? undefined : read(to);
        if (to !== undefined && (position === undefined || to > position)) {
          const from = position;
          try {
            await db.transaction(async (trx) => {
              if (page.events.length > 0) await fold.apply(trx, table, page.events);
              await checkpoints.advance(trx, lease, from, to, ttlMs);
            });
          } catch (error) {
            throw failure(definition, error, from);
          }
          position = to;
          events += page.events.length;
          await report('folding');
        }
        if (page.isEnd) return true;
      }
    } finally {
      // A read still in flight when the fold stops is not waited for; its failure is not news.
      next?.catch(() => undefined);
    }
  };

  try {
    await report('folding');
    if (!(await catchUp())) return interrupted();
    await report('indexing');
    await db.transaction((trx) => definition.table.createIndexes(trx, table));
    if (!(await catchUp())) return interrupted();
    await report('switching');
    const previous = await switchOver(db, eventStore, definition, fold, versions, checkpoints, lease, ttlMs, table, version, () => position, (to, count) => {
      position = to;
      events += count;
    });
    let dropped = false;
    if (options.keepOld !== true) {
      await report('dropping');
      dropped = await dropVersion(db, definition, previous);
    }
    return { outcome: 'switched', version, previous, events, resumed, dropped };
  } finally {
    clearInterval(renewal);
    await presence.close();
  }

  async function interrupted(): Promise<RebuildResult> {
    await checkpoints.release(lease);
    return { outcome: 'interrupted', version, events, position };
  }
}

/**
 * The switch, in one transaction: hold the live version's checkpoint row (its worker's next
 * commit waits on it), fold whatever the live version has seen and the new one not yet, repoint
 * the views and record the new version, and hand the new version's lease back free, so that
 * the worker, whose next commit on the old version now fails, takes it from there.
 */
async function switchOver(
  db: Database,
  eventStore: EventStore,
  definition: ProjectionDefinition,
  fold: BuildFold,
  versions: ProjectionVersions,
  checkpoints: CheckpointStore,
  lease: Lease,
  ttlMs: number,
  table: string,
  version: number,
  positionOf: () => GlobalPosition | undefined,
  moved: (to: GlobalPosition, events: number) => void,
): Promise<number> {
  return db.transaction(async (trx) => {
    const record = await versions.record(definition.name, trx);
    const previous = record?.liveVersion ?? 1;
    const live = (await trx('projection_checkpoints').where({ name: versionTable(definition.name, previous) }).forUpdate().first('position')) as
      | { position: string | null }
      | undefined;
    const target = live?.position == null ? undefined : BigInt(live.position);
    let position = positionOf();
    while (target !== undefined && (position === undefined || position < target)) {
      const page = await eventStore.readAll({ ...(position === undefined ? {} : { after: position }), maxCount: 2_000, ...(definition.filter === undefined ? {} : { filter: definition.filter }) });
      if (page.lastPosition === undefined) break;
      if (page.events.length > 0) await fold.apply(trx, table, page.events);
      await checkpoints.advance(trx, lease, position, page.lastPosition, ttlMs);
      moved(page.lastPosition, page.events.length);
      position = page.lastPosition;
      if (page.isEnd) break;
    }
    await releaseIn(trx, lease);
    await versions.switchTo(trx, definition, version);
    return previous;
  });
}

async function releaseIn(trx: Knex.Transaction, lease: Lease): Promise<void> {
  await trx('projection_checkpoints')
    .where({ name: lease.name, lease_owner: lease.owner, lease_token: lease.token.toString() })
    .update({ lease_owner: null, lease_expires_at: null, lease_taken_at: null, lease_backend_pid: null, lease_backend_start: null });
}

/** Drops a replaced version's table and checkpoint; false when its table stayed locked (it is then kept, retired). */
async function dropVersion(db: Database, definition: ProjectionDefinition, version: number): Promise<boolean> {
  const table = versionTable(definition.name, version);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await db.transaction(async (trx) => {
        await trx.raw("SET LOCAL lock_timeout = '2s'");
        await definition.table.drop(trx, table);
        await trx('projection_checkpoints').where({ name: table }).delete();
      });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== '55P03') throw error;
    }
  }
  return false;
}

function fractionOf(start: GlobalPosition | undefined, position: GlobalPosition | undefined, head: GlobalPosition): number {
  const from = start ?? 0n;
  if (head <= from) return 1;
  const done = (position ?? from) - from;
  return Math.min(1, Number(done) / Number(head - from));
}

function failure(definition: ProjectionDefinition, error: unknown, from: GlobalPosition | undefined): Error {
  if (error instanceof Error && (error.name === 'CheckpointConflictError' || error.name === 'EventStoreUnavailableError')) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RebuildFailedError(`The rebuild of '${definition.name}' stopped after position ${from ?? 'the start'}: ${message}`);
}
