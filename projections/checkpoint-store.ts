import type { Knex } from 'knex';
import type { Database } from '../src/shared/database/database';
import type { GlobalPosition } from '../src/shared/event-store/event-store';

/**
 * How long a lease outlives its last renewal or commit unless a caller says otherwise: the
 * failover time when a holder hangs. The worker and the rebuild both default to it.
 */
export const DEFAULT_LEASE_TTL_MS = 10_000;

/** A held lease on one checkpoint: the fencing token and the checkpoint read when it was taken. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly token: bigint;
  readonly position: GlobalPosition | undefined;
  /** An event an operator chose to skip (`projections resume --skip`), passed over once with a warning. */
  readonly skipPosition: GlobalPosition | undefined;
}

/** The database session that stands for a worker process: while it is connected, the process lives. */
export interface Presence {
  readonly pid: number;
  readonly start: string;
}

/** Why a lease could not be taken. */
export type LeaseRefusal =
  | { readonly kind: 'held'; readonly owner: string; readonly expiresAt: Date }
  | { readonly kind: 'stopped'; readonly reason: string };

/** The checkpoint moved under us, or our lease was taken (or the projection paused): the batch must not commit. */
export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
  constructor(readonly projection: string) {
    super(`The checkpoint of '${projection}' moved, its lease was taken by another worker, or it was stopped.`);
  }
}

/** An event a projection could not apply, as status and health show it. */
export interface StoppedEvent {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  readonly revision: string;
}

/** One checkpoint row as the operator tools see it. */
export interface CheckpointRow {
  readonly name: string;
  readonly position: GlobalPosition | undefined;
  readonly leaseOwner: string | undefined;
  readonly leaseExpiresAt: Date | undefined;
  readonly leaseTakenAt: Date | undefined;
  /** True while the lease holder's database session is connected (false for an expired or orphaned lease). */
  readonly leaseLive: boolean;
  readonly paused: boolean;
  readonly stoppedReason: string | undefined;
  readonly stoppedAt: Date | undefined;
  readonly stoppedEvent: StoppedEvent | undefined;
  readonly retired: boolean;
  readonly updatedAt: Date;
}

const TABLE = 'projection_checkpoints';
/** The reason status shows for a pause: an operator's choice, not a failure. */
export const PAUSED = 'paused by an operator';

/** A lease whose holder's session is gone counts as free: a killed worker hands over at once. */
const FREE_LEASE = `(lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= now()
  OR (lease_backend_pid IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM pg_stat_activity a WHERE a.pid = lease_backend_pid AND a.backend_start = lease_backend_start)))`;

const RUNNABLE = 'NOT retired AND NOT paused AND stopped_reason IS NULL';

/**
 * Checkpoints and leases in PostgreSQL, one row per projection version or reaction. A lease is
 * a row, not a session advisory lock, so that its fencing token can be compared inside each
 * batch's transaction; the holder's session (its presence) lets a standby see at once that the
 * holder is gone. Lease times use the database clock, which every worker shares.
 */
export class CheckpointStore {
  constructor(private readonly db: Database) {}

  /** Takes the lease when it is free, expired, orphaned or already ours; else says who holds it or why the checkpoint is stopped. */
  async acquire(name: string, owner: string, ttlMs: number, presence?: Presence): Promise<Lease | LeaseRefusal> {
    return this.db.transaction(async (trx) => {
      await trx.raw(`INSERT INTO ${TABLE} (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, [name]);
      const { rows } = (await trx.raw(
        `UPDATE ${TABLE} SET lease_owner = ?, lease_token = lease_token + 1, lease_expires_at = now() + make_interval(secs => ?::float8),
           lease_taken_at = CASE WHEN lease_owner IS NOT DISTINCT FROM ? AND lease_expires_at > now() THEN lease_taken_at ELSE now() END,
           lease_backend_pid = ?, lease_backend_start = ?
         WHERE name = ? AND ${RUNNABLE} AND ${FREE_LEASE}
         RETURNING lease_token, position, skip_position`,
        [owner, ttlMs / 1000, owner, presence?.pid ?? null, presence?.start ?? null, name, owner],
      )) as { rows: { lease_token: string; position: string | null; skip_position: string | null }[] };
      const row = rows[0];
      if (row !== undefined) {
        return { name, owner, token: BigInt(row.lease_token), position: optionalBigInt(row.position), skipPosition: optionalBigInt(row.skip_position) };
      }
      const current = (await trx(TABLE).where({ name }).first('lease_owner', 'lease_expires_at', 'paused', 'stopped_reason', 'retired')) as
        | { lease_owner: string | null; lease_expires_at: Date | null; paused: boolean; stopped_reason: string | null; retired: boolean }
        | undefined;
      if (current?.retired === true) return { kind: 'stopped', reason: 'replaced by a newer version' };
      if (current?.paused === true) return { kind: 'stopped', reason: PAUSED };
      if (current?.stopped_reason != null) return { kind: 'stopped', reason: current.stopped_reason };
      return { kind: 'held', owner: current?.lease_owner ?? 'unknown', expiresAt: current?.lease_expires_at ?? new Date() };
    });
  }

  /** Extends the lease; false when it was taken or stopped meanwhile. */
  async renew(lease: Lease, ttlMs: number, presence?: Presence): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const updated = await held(trx, lease).update({
        lease_expires_at: expiresIn(trx, ttlMs),
        ...(presence === undefined ? {} : { lease_backend_pid: presence.pid, lease_backend_start: presence.start }),
      });
      return updated === 1;
    });
  }

  async release(lease: Lease): Promise<void> {
    await this.db.transaction((trx) =>
      trx(TABLE)
        .where({ name: lease.name, lease_owner: lease.owner, lease_token: lease.token.toString() })
        .update({ lease_owner: null, lease_expires_at: null, lease_taken_at: null, lease_backend_pid: null, lease_backend_start: null }),
    );
  }

  /**
   * Moves the checkpoint inside the batch's transaction, compared with the previous value and
   * the fencing token; also extends the lease. Throws CheckpointConflictError when either moved
   * (or the checkpoint was paused, stopped or retired meanwhile), so the whole batch rolls back.
   */
  async advance(trx: Knex.Transaction, lease: Lease, from: GlobalPosition | undefined, to: GlobalPosition, ttlMs: number): Promise<void> {
    const updated = await held(trx, lease)
      .whereRaw('position IS NOT DISTINCT FROM ?::bigint', [from === undefined ? null : from.toString()])
      .update({
        position: to.toString(),
        lease_expires_at: expiresIn(trx, ttlMs),
        updated_at: trx.fn.now(),
        skip_position: trx.raw('CASE WHEN skip_position <= ?::bigint THEN NULL ELSE skip_position END', [to.toString()]),
      });
    if (updated !== 1) throw new CheckpointConflictError(lease.name);
  }

  /** Stops a checkpoint at an event it could not apply (or for another reason), for an operator to look at. */
  async stop(name: string, reason: string, event?: StoppedEvent): Promise<void> {
    await this.db.transaction((trx) =>
      trx(TABLE)
        .where({ name })
        .update({ stopped_reason: reason, stopped_at: trx.fn.now(), stopped_event: event === undefined ? null : JSON.stringify(event) }),
    );
  }

  /** Pauses a checkpoint: its worker stops at once (its batch in flight rolls back). */
  async pause(name: string): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const updated = await trx(TABLE).where({ name, retired: false }).update({ paused: true });
      await announceChange(trx, name);
      return updated === 1;
    });
  }

  /**
   * Lets a paused or stopped checkpoint run again. `skip` names the position of the event it
   * stopped at, to pass over it once (recorded, and logged when it happens).
   */
  async resume(name: string, skip?: GlobalPosition): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const updated = await trx(TABLE).where({ name, retired: false }).update({
        paused: false,
        stopped_reason: null,
        stopped_at: null,
        stopped_event: null,
        ...(skip === undefined ? {} : { skip_position: skip.toString() }),
      });
      await announceChange(trx, name);
      return updated === 1;
    });
  }

  /** The committed checkpoint of a reaction or a projection (its live version), whichever process runs it. */
  async positionOf(name: string): Promise<GlobalPosition | undefined> {
    const { rows } = (await this.db.knex.raw(
      `SELECT c.position FROM ${TABLE} c
       LEFT JOIN projection_versions v ON v.name = ?
       WHERE c.name = coalesce(v.name || '_v' || v.live_version, ?)`,
      [name, name],
    )) as { rows: { position: string | null }[] };
    return optionalBigInt(rows[0]?.position ?? null);
  }

  /** Every checkpoint row, for the operator tools. */
  async rows(): Promise<CheckpointRow[]> {
    const { rows } = (await this.db.knex.raw(
      `SELECT c.*, (c.lease_owner IS NOT NULL AND c.lease_expires_at > now() AND (c.lease_backend_pid IS NULL OR EXISTS (
         SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.lease_backend_pid AND a.backend_start = c.lease_backend_start))) AS lease_live
       FROM ${TABLE} c ORDER BY c.name`,
    )) as { rows: Record<string, unknown>[] };
    return rows.map((row) => ({
      name: row.name as string,
      position: optionalBigInt(row.position as string | null),
      leaseOwner: (row.lease_owner as string | null) ?? undefined,
      leaseExpiresAt: (row.lease_expires_at as Date | null) ?? undefined,
      leaseTakenAt: (row.lease_taken_at as Date | null) ?? undefined,
      leaseLive: row.lease_live === true,
      paused: row.paused as boolean,
      stoppedReason: (row.stopped_reason as string | null) ?? (row.paused === true ? PAUSED : undefined),
      stoppedAt: (row.stopped_at as Date | null) ?? undefined,
      stoppedEvent: (row.stopped_event as StoppedEvent | null) ?? undefined,
      retired: row.retired as boolean,
      updatedAt: row.updated_at as Date,
    }));
  }
}

/** Tells every worker (at commit) that the checkpoint or projection `name` changed under it. */
export async function announceChange(trx: Knex.Transaction, name: string): Promise<void> {
  await trx.raw("SELECT pg_notify('userledger_projections', ?)", [name]);
}

export function isLease(value: Lease | LeaseRefusal): value is Lease {
  return 'token' in value;
}

function held(trx: Knex.Transaction, lease: Lease): Knex.QueryBuilder {
  return trx(TABLE)
    .where({ name: lease.name, lease_owner: lease.owner, lease_token: lease.token.toString(), retired: false, paused: false })
    .whereNull('stopped_reason');
}

function expiresIn(trx: Knex.Transaction, ttlMs: number): Knex.Raw {
  return trx.raw('now() + make_interval(secs => ?::float8)', [ttlMs / 1000]);
}

function optionalBigInt(value: string | null): bigint | undefined {
  return value === null ? undefined : BigInt(value);
}
