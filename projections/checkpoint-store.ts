import type { Knex } from 'knex';
import type { Database } from '../src/shared/database/database';
import type { GlobalPosition } from '../src/shared/event-store/event-store';

/** A held lease on one projection: the fencing token and the checkpoint read when it was taken. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly token: bigint;
  readonly position: GlobalPosition | undefined;
}

/** The checkpoint moved under us, or our lease was taken: the batch must not commit. */
export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
  constructor(readonly projection: string) {
    super(`The checkpoint of '${projection}' moved or its lease was taken by another worker.`);
  }
}

const TABLE = 'projection_checkpoints';

/**
 * Checkpoints and leases in PostgreSQL, one row per projection. A lease is a row, not a session
 * advisory lock, so that its fencing token can be compared inside each batch's transaction.
 * Lease times use the database clock, which every worker shares.
 */
export class CheckpointStore {
  constructor(private readonly db: Database) {}

  /** Takes the lease when it is free, expired or already ours; undefined while another owner holds it. */
  async acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    return this.db.transaction(async (trx) => {
      await trx(TABLE).insert({ name }).onConflict('name').ignore();
      const rows: { lease_token: string; position: string | null }[] = await trx(TABLE)
        .where({ name })
        .andWhere((q) => q.whereNull('lease_owner').orWhere({ lease_owner: owner }).orWhere('lease_expires_at', '<=', trx.fn.now()))
        .update({ lease_owner: owner, lease_token: trx.raw('lease_token + 1'), lease_expires_at: expiresIn(trx, ttlMs) })
        .returning(['lease_token', 'position']);
      const row = rows[0];
      if (row === undefined) return undefined;
      return { name, owner, token: BigInt(row.lease_token), position: row.position === null ? undefined : BigInt(row.position) };
    });
  }

  /** Extends the lease; false when it was taken meanwhile. */
  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const updated = await held(trx, lease).update({ lease_expires_at: expiresIn(trx, ttlMs) });
      return updated === 1;
    });
  }

  async release(lease: Lease): Promise<void> {
    await this.db.transaction((trx) => held(trx, lease).update({ lease_owner: null, lease_expires_at: null }));
  }

  /**
   * Moves the checkpoint inside the batch's transaction, compared with the previous value and
   * the fencing token; also extends the lease. Throws CheckpointConflictError when either moved,
   * so the whole batch rolls back.
   */
  async advance(trx: Knex.Transaction, lease: Lease, from: GlobalPosition | undefined, to: GlobalPosition, ttlMs: number): Promise<void> {
    const updated = await held(trx, lease)
      .whereRaw('position IS NOT DISTINCT FROM ?::bigint', [from === undefined ? null : from.toString()])
      .update({ position: to.toString(), lease_expires_at: expiresIn(trx, ttlMs), updated_at: trx.fn.now() });
    if (updated !== 1) throw new CheckpointConflictError(lease.name);
  }

  /** The committed checkpoint of a projection, whichever process runs it. */
  async positionOf(name: string): Promise<GlobalPosition | undefined> {
    const row = (await this.db.knex(TABLE).where({ name }).first('position')) as
      | { position: string | null }
      | undefined;
    return row?.position == null ? undefined : BigInt(row.position);
  }
}

function held(trx: Knex.Transaction, lease: Lease): Knex.QueryBuilder {
  return trx(TABLE).where({ name: lease.name, lease_owner: lease.owner, lease_token: lease.token.toString() });
}

function expiresIn(trx: Knex.Transaction, ttlMs: number): Knex.Raw {
  return trx.raw('now() + make_interval(secs => ?::float8)', [ttlMs / 1000]);
}
