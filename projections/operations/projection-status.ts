import type { Database } from '../../src/shared/database/database';
import type { EventFilter, EventStore, GlobalPosition, RecordedEvent } from '../../src/shared/event-store/event-store';
import { CheckpointStore, type CheckpointRow, type StoppedEvent } from '../checkpoint-store';
import { REACTION_FILTERS, REACTIONS, projectionCatalog } from '../catalog';
import { versionTable } from '../projection';
import { ProjectionVersions } from '../projection-versions';

export type ProjectionState = 'running' | 'catching_up' | 'rebuilding' | 'stopped';

/** How far behind a checkpoint is: events of the log after it, and the age of the oldest of them. */
export interface Lag {
  /** Counted up to a bound (`LAG_COUNT_LIMIT`); `atLeast` says the true number is larger. */
  readonly events: number;
  readonly atLeast: boolean;
  readonly seconds: number;
}

export interface LeaseStatus {
  readonly owner: string | null;
  readonly expiresAt: string | null;
  readonly activeSince: string | null;
  /** Held by a live worker: unexpired, and its database session connected. */
  readonly held: boolean;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly kind: 'projection' | 'reaction';
  /** The live version and its table (projections only). */
  readonly version: number | null;
  readonly table: string | null;
  readonly checkpoint: string | null;
  readonly lag: Lag;
  readonly lease: LeaseStatus;
  readonly state: ProjectionState;
  /** Why it stopped, or why it is not running (no worker holds its lease). */
  readonly reason: string | null;
  readonly stoppedEvent: StoppedEvent | null;
  /** A rebuild in progress beside the live version. */
  readonly rebuild: { readonly version: number; readonly table: string; readonly checkpoint: string | null; readonly lag: Lag; readonly lease: LeaseStatus } | null;
}

/** Lag is counted by reading the events after a checkpoint, up to this many. */
export const LAG_COUNT_LIMIT = 10_000;
/** And by reading at most this many pages (each a bounded window of the log). */
const LAG_PAGE_LIMIT = 20;
/** Older unprojected events than this make a projection "catching up" rather than running. */
const CATCHING_UP_AFTER_S = 5;

/**
 * The status of every projection and reaction, from the checkpoint rows, the version records and
 * the log: what `projections status`, `/api/v1/health/projections` and `/metrics` show.
 */
export async function readProjectionStatus(db: Database, eventStore: EventStore, now: Date = new Date()): Promise<ProjectionStatus[]> {
  const rows = new Map((await new CheckpointStore(db).rows()).map((row) => [row.name, row]));
  const versions = new Map((await new ProjectionVersions(db).all()).map((record) => [record.name, record]));
  const statuses: ProjectionStatus[] = [];
  for (const definition of projectionCatalog()) {
    const record = versions.get(definition.name);
    const version = record?.liveVersion ?? 1;
    const table = versionTable(definition.name, version);
    const row = rows.get(table);
    const building = record?.buildingVersion;
    const buildRow = building === undefined ? undefined : rows.get(versionTable(definition.name, building));
    const rebuild =
      building === undefined
        ? null
        : {
            version: building,
            table: versionTable(definition.name, building),
            checkpoint: buildRow?.position?.toString() ?? null,
            lag: await lagOf(eventStore, buildRow?.position, now, definition.filter),
            lease: leaseOf(buildRow),
          };
    statuses.push(await statusOf(eventStore, now, { name: definition.name, kind: 'projection', version, table, row, rebuild }, definition.filter));
  }
  for (const name of REACTIONS) {
    statuses.push(await statusOf(eventStore, now, { name, kind: 'reaction', version: null, table: null, row: rows.get(name), rebuild: null }, REACTION_FILTERS[name]));
  }
  return statuses;
}

async function statusOf(
  eventStore: EventStore,
  now: Date,
  entry: Pick<ProjectionStatus, 'name' | 'kind' | 'version' | 'table' | 'rebuild'> & { row: CheckpointRow | undefined },
  filter: EventFilter | undefined,
): Promise<ProjectionStatus> {
  const { row, rebuild, ...identity } = entry;
  const lag = await lagOf(eventStore, row?.position, now, filter);
  const lease = leaseOf(row);
  const [state, reason] = stateOf(row, lease, lag, rebuild !== null);
  return {
    ...identity,
    checkpoint: row?.position?.toString() ?? null,
    lag,
    lease,
    state,
    reason,
    stoppedEvent: row?.stoppedEvent ?? null,
    rebuild,
  };
}

function stateOf(row: CheckpointRow | undefined, lease: LeaseStatus, lag: Lag, rebuilding: boolean): [ProjectionState, string | null] {
  if (row?.stoppedReason !== undefined) return ['stopped', row.stoppedReason];
  if (!lease.held) return ['stopped', row?.leaseOwner === undefined ? 'no worker holds its lease' : `no worker holds its lease (last held by ${row.leaseOwner})`];
  if (rebuilding) return ['rebuilding', null];
  if (lag.seconds > CATCHING_UP_AFTER_S) return ['catching_up', null];
  return ['running', null];
}

function leaseOf(row: CheckpointRow | undefined): LeaseStatus {
  return {
    owner: row?.leaseOwner ?? null,
    expiresAt: row?.leaseExpiresAt?.toISOString() ?? null,
    activeSince: row?.leaseLive === true ? (row.leaseTakenAt?.toISOString() ?? null) : null,
    held: row?.leaseLive === true,
  };
}

/**
 * Counts what lies after the checkpoint, up to the bound, of the events the projection reads
 * (others after it are no work left: a filtered EventStoreDB subscription moves the checkpoint
 * over them only now and then), page after page (a store may answer a page short of its
 * maxCount without being at the end): O(bound) on every store.
 */
export async function lagOf(eventStore: EventStore, position: GlobalPosition | undefined, now: Date, filter?: EventFilter): Promise<Lag> {
  let after = position;
  let events = 0;
  let oldest: RecordedEvent | undefined;
  let atLeast = false;
  for (let pages = 1; ; pages++) {
    const page = await eventStore.readAll({
      ...(after === undefined ? {} : { after }),
      maxCount: LAG_COUNT_LIMIT - events,
      ...(filter === undefined ? {} : { filter }),
    });
    oldest ??= page.events[0];
    events += page.events.length;
    if (page.isEnd || page.lastPosition === undefined) break;
    // A rare filter far behind would otherwise scan the rest of the log: a bounded number of pages.
    if (events >= LAG_COUNT_LIMIT || pages >= LAG_PAGE_LIMIT) {
      atLeast = true;
      break;
    }
    after = page.lastPosition;
  }
  return {
    events,
    atLeast,
    seconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - oldest.recordedAt.getTime()) / 1000),
  };
}
