import type { Logger } from 'pino';
import { rebuildProjection } from '../../projections/operations/rebuild';
import { usersProjection } from '../../projections/users/users.projection';
import { USERS } from '../../projections/users/users.table';
import { versionTable } from '../../projections/projection';
import { ProjectionWorker } from '../../projections/worker';
import type { Database } from '../../src/shared/database';
import type { EventFilter, EventStore, GlobalPosition } from '../../src/shared/event-store/event-store';

/** Events per seeded transaction id: positions are (xid << 20 | ordinal), 2^20 per xid. */
const PER_XID = 1_000_000;
/** Multiplier of the permutation that orders the users' second events (prime, coprime with any count here). */
const SPREAD = 7_919;

export interface RebuildFigures {
  readonly users: number;
  readonly events: number;
  readonly seedS: number;
  /** The log read alone: the users filter's pages of 10,000 from the start to the end, no fold. */
  readonly readS: number;
  readonly rebuildS: number;
  readonly rebuiltRows: number;
  readonly floorS: number;
  readonly steadyEvents: number;
  readonly steadyS: number;
  /** How long the writes alone took: a steady figure close to it is bound by the writer, not the fold. */
  readonly writeS: number;
  /** The live worker folding the same number of events written before it started. */
  readonly backlogS: number;
}

const METADATA = `'{"actorId":"system:bench","correlationId":"bench","causationId":"bench","occurredAt":"2026-01-01T00:00:00.000Z"}'::jsonb`;
const HASH = `'$2b$11$${'x'.repeat(53)}'`;

/**
 * The events of user number `u` (an SQL expression), as the write side stores them: `UserCreated`
 * at revision 0, then `AdminGranted` (even u) or `UserDeactivated` (odd u) at revision 1.
 */
function userEventColumns(u: string, second: string): string {
  const id = `md5('bench-user-' || ${u})::uuid::text`;
  return `'user-' || ${id} AS stream_name,
    CASE WHEN ${second} THEN 1 ELSE 0 END AS revision,
    CASE WHEN NOT ${second} THEN 'UserCreated' WHEN ${u} % 2 = 0 THEN 'AdminGranted' ELSE 'UserDeactivated' END AS type,
    CASE WHEN NOT ${second} THEN jsonb_build_object('userId', ${id}, 'username', 'user' || ${u}, 'role', 'user', 'passwordHash', ${HASH}, 'createdAt', '2026-01-01T00:00:00.000Z')
         WHEN ${u} % 2 = 0 THEN jsonb_build_object('userId', ${id})
         ELSE jsonb_build_object('userId', ${id}, 'deactivatedAt', '2026-01-02T00:00:00.000Z') END AS data`;
}

/**
 * `users` users straight into the events table by SQL, as if written by transactions with xids
 * 1, 2, … (long below any horizon): every UserCreated first, then each user's second event,
 * in an order spread over the users (so the fold loads rows it wrote batches earlier). The
 * unique constraints on streams are built after the insert; the tables end as migrated.
 */
export async function seedUsers(db: Database, users: number): Promise<void> {
  const events = 2 * users;
  await db.knex.raw(`
    ALTER TABLE events DROP CONSTRAINT events_stream_revision_key, DROP CONSTRAINT events_stream_event_id_key;
    INSERT INTO events (position, xid, stream_name, revision, event_id, type, data, metadata)
    SELECT ((1 + g / ${PER_XID})::bigint << 20) | (g % ${PER_XID}), (1 + g / ${PER_XID})::text::xid8,
           e.stream_name, e.revision, md5('bench-event-' || g)::uuid, e.type, e.data, ${METADATA}
      FROM generate_series(0, ${events - 1}) g,
           LATERAL (SELECT CASE WHEN g < ${users} THEN g ELSE (g - ${users})::bigint * ${SPREAD} % ${users} END AS u) k,
           LATERAL (SELECT ${userEventColumns('k.u', `g >= ${users}`)}) e;
    ALTER TABLE events ADD CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision),
                       ADD CONSTRAINT events_stream_event_id_key UNIQUE (stream_name, event_id);
    INSERT INTO event_streams (stream_name, revision) SELECT stream_name, max(revision) FROM events GROUP BY stream_name;`);
  await db.knex.raw('VACUUM ANALYZE events');
}

/**
 * Users `from`..`from + count - 1` written as the write side writes them, in transactions of
 * `perTransaction` events with positions from their own xid, each user's two events in one
 * transaction. Answers the last position written.
 */
async function writeUsers(db: Database, from: number, count: number, perTransaction: number): Promise<GlobalPosition> {
  let last = 0n;
  const usersPerTransaction = perTransaction / 2;
  for (let start = from; start < from + count; start += usersPerTransaction) {
    const end = Math.min(start + usersPerTransaction, from + count);
    const [row] = (await db.knex.transaction(async (trx) => {
      const { rows } = (await trx.raw(`
        WITH written AS (
          INSERT INTO events (position, xid, stream_name, revision, event_id, type, data, metadata)
          SELECT (pg_current_xact_id()::text::bigint << 20) | n, pg_current_xact_id(), e.stream_name, e.revision, gen_random_uuid(), e.type, e.data, ${METADATA}
            FROM generate_series(0, ${2 * (end - start) - 1}) n,
                 LATERAL (SELECT ${start} + n / 2 AS u) k,
                 LATERAL (SELECT ${userEventColumns('k.u', 'n % 2 = 1')}) e
          RETURNING position)
        SELECT max(position)::text AS last FROM written`)) as { rows: Array<{ last: string }> };
      return rows;
    })) as Array<{ last: string }>;
    if (row !== undefined) last = BigInt(row.last);
  }
  return last;
}

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

/** Reads the whole log as the rebuild does (same filter and page size, one page after another), folding nothing. */
async function readAlone(store: EventStore, filter: EventFilter | undefined): Promise<number> {
  const started = process.hrtime.bigint();
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: 10_000, ...(filter === undefined ? {} : { filter }) });
    if (page.lastPosition !== undefined) after = page.lastPosition;
    if (page.isEnd) return seconds(started);
  }
}

/**
 * (a) `rebuildProjection` of `users` from the start of a log of `users` × 2 events seeded by
 * SQL until it has switched; (b) the floor: the same final rows copied by INSERT … SELECT into
 * a plain table of the same shape, with the same indexes; (c) the steady fold: the live worker
 * folding `steadyUsers` × 2 events written before it started (its capacity), then following
 * as many written in transactions of 2,000 while it runs (bound by the writer when it is slower).
 */
export async function benchRebuild(db: Database, store: EventStore, logger: Logger, users: number, steadyUsers: number): Promise<RebuildFigures> {
  const seeding = process.hrtime.bigint();
  await seedUsers(db, users);
  const seedS = seconds(seeding);
  process.stdout.write(`seeded ${(2 * users).toLocaleString('en')} events in ${seedS.toFixed(1)} s\n`);

  const definition = usersProjection();
  const readS = await readAlone(store, definition.filter);
  const rebuilding = process.hrtime.bigint();
  const result = await rebuildProjection(db, store, definition, { keepOld: true });
  const rebuildS = seconds(rebuilding);
  if (result.outcome !== 'switched') throw new Error(`the rebuild did not switch: ${result.outcome}`);
  const live = versionTable(USERS, result.version);
  const [{ count }] = (await db.knex.raw(`SELECT count(*)::int AS count FROM ${live}`)).rows as [{ count: number }];
  if (count !== users) throw new Error(`the rebuilt table holds ${count} rows, not ${users}`);

  await db.knex.raw('DROP TABLE IF EXISTS bench_users_floor');
  const copying = process.hrtime.bigint();
  await db.knex.raw(`
    CREATE TABLE bench_users_floor (id uuid PRIMARY KEY, username text NOT NULL, role user_role NOT NULL, is_active boolean NOT NULL, last_revision bigint NOT NULL);
    INSERT INTO bench_users_floor SELECT id, username, role, is_active, last_revision FROM ${live};
    CREATE INDEX ON bench_users_floor (username, id);
    CREATE INDEX ON bench_users_floor (role, id);
    CREATE INDEX ON bench_users_floor (is_active, id);`);
  const floorS = seconds(copying);
  await db.knex.raw('DROP TABLE bench_users_floor');

  // A backlog first: written while no worker runs, then folded by the live worker from its checkpoint.
  const backlogLast = await writeUsers(db, users, steadyUsers, 2_000);
  const worker = new ProjectionWorker({ db, eventStore: store, logger, projections: [definition] });
  const backlogStart = process.hrtime.bigint();
  worker.start();
  try {
    if (!(await worker.waitUntilPassed(USERS, backlogLast, 300_000))) throw new Error('the worker did not fold the backlog');
    const backlogS = seconds(backlogStart);
    const following = process.hrtime.bigint();
    const last = await writeUsers(db, users + steadyUsers, steadyUsers, 2_000);
    const writeS = seconds(following);
    if (!(await worker.waitUntilPassed(USERS, last, 300_000))) throw new Error('the worker did not fold the steady writes');
    const steadyS = seconds(following);
    return { users, events: 2 * users, seedS, readS, rebuildS, rebuiltRows: count, floorS, steadyEvents: 2 * steadyUsers, steadyS, writeS, backlogS };
  } finally {
    await worker.stop();
  }
}

export function printRebuild(figures: RebuildFigures, label: string): void {
  const rate = (events: number, s: number): string => `${Math.round(events / s).toLocaleString('en')} events/s`;
  const rows: Array<[string, string, string, string]> = [
    [`rebuild users: ${figures.events.toLocaleString('en')} events → ${figures.rebuiltRows.toLocaleString('en')} rows, start to switch`, `${figures.rebuildS.toFixed(1)} s (${rate(figures.events, figures.rebuildS)})`, '< 20 s', figures.rebuildS < 20 ? 'met' : 'missed'],
    [`  the log read alone (pages of 10,000, no fold)`, `${figures.readS.toFixed(1)} s (${rate(figures.events, figures.readS)})`, '', ''],
    [`floor: INSERT … SELECT of the same rows into a plain table, and its indexes`, `${figures.floorS.toFixed(1)} s`, '', ''],
    [`steady fold: live worker folding a backlog of ${figures.steadyEvents.toLocaleString('en')} written events`, `${rate(figures.steadyEvents, figures.backlogS)} (${figures.backlogS.toFixed(1)} s)`, '≥ 30,000 events/s', figures.steadyEvents / figures.backlogS >= 30_000 ? 'met' : 'missed'],
    [`steady fold: live worker following ${figures.steadyEvents.toLocaleString('en')} events as they are written`, `${rate(figures.steadyEvents, figures.steadyS)} (${figures.steadyS.toFixed(1)} s)`, '≥ 30,000 events/s', figures.steadyEvents / figures.steadyS >= 30_000 ? 'met' : 'missed'],
    [`  the writes alone (transactions of 2,000 events)`, `${rate(figures.steadyEvents, figures.writeS)} (${figures.writeS.toFixed(1)} s)`, '', ''],
  ];
  const header: [string, string, string, string] = [`benchmark (${label})`, 'figure', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}
