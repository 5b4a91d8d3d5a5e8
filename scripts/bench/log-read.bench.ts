import type { Database } from '../../src/shared/database';
import type { EventFilter, EventStore, GlobalPosition } from '../../src/shared/event-store/event-store';
import { measure, type Measurement } from './measure';

/** Events per seeded transaction id: positions are (xid << 20 | ordinal), 2^20 per xid. */
const PER_XID = 1_000_000;
/** One event in RARE_EVERY lies in a `rare-` stream. */
const RARE_EVERY = 100_000;
const PAGE = 500;

export const positionOfOrdinal = (ordinal: number): GlobalPosition => (BigInt(1 + Math.floor(ordinal / PER_XID)) << 20n) | BigInt(ordinal % PER_XID);

/**
 * `events` events straight into the events table by SQL, as if written by transactions with
 * xids 1, 2, … (long below any horizon): `user-<n>` streams of a UserCreated and a UserRenamed,
 * and one event in RARE_EVERY in a `rare-` stream. The unique constraints on streams are built
 * after the insert, which is much faster than row by row; the table ends as migrated.
 */
export async function seedLog(db: Database, events: number): Promise<void> {
  await db.knex.raw(`
    ALTER TABLE events DROP CONSTRAINT events_stream_revision_key, DROP CONSTRAINT events_stream_event_id_key;
    INSERT INTO events (position, xid, stream_name, revision, event_id, type, data, metadata)
    SELECT ((1 + g / ${PER_XID})::bigint << 20) | (g % ${PER_XID}), (1 + g / ${PER_XID})::text::xid8,
           CASE WHEN g % ${RARE_EVERY} = ${RARE_EVERY - 1} THEN 'rare-' || g ELSE 'user-' || (g / 2) END,
           CASE WHEN g % ${RARE_EVERY} = ${RARE_EVERY - 1} THEN 0 ELSE g % 2 END,
           md5(g::text)::uuid,
           CASE WHEN g % 2 = 0 THEN 'UserCreated' ELSE 'UserRenamed' END,
           jsonb_build_object('n', g, 'text', repeat('x', 100)),
           '{"actorId":"system:bench","correlationId":"bench","causationId":"bench","occurredAt":"2026-01-01T00:00:00.000Z"}'
      FROM generate_series(0, ${events - 1}) g;
    ALTER TABLE events ADD CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision),
                       ADD CONSTRAINT events_stream_event_id_key UNIQUE (stream_name, event_id);`);
  await db.knex.raw('VACUUM ANALYZE events');
}

/**
 * One page of the global log at the start, the middle and the tail of a log of `events`
 * events, unfiltered and with a rare stream filter (pages of 500). p50 is the median per page.
 */
export async function benchLogRead(db: Database, store: EventStore, label: string, events: number, repeats = 20): Promise<Measurement[]> {
  const started = Date.now();
  await seedLog(db, events);
  process.stdout.write(`seeded ${events.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const at = {
    first: undefined,
    middle: positionOfOrdinal(Math.floor(events / 2)),
    tail: positionOfOrdinal(events - 1 - PAGE),
  } as const;
  const filters: ReadonlyArray<[string, EventFilter | undefined]> = [
    ['unfiltered', undefined],
    [`rare filter (1 in ${RARE_EVERY.toLocaleString('en')})`, { streamNamePrefixes: ['rare-'] }],
  ];
  const rows: Measurement[] = [];
  const size = `${(events / 1e6).toFixed(0)}M-event log`;
  for (const [filterName, filter] of filters) {
    for (const [where, after] of Object.entries(at)) {
      rows.push(
        await measure(`${size}: ${where} page of ${PAGE}, ${filterName}`, label, repeats, 1, () =>
          store.readAll({ ...(after === undefined ? {} : { after }), maxCount: PAGE, ...(filter === undefined ? {} : { filter }) }),
        ),
      );
    }
  }
  return rows;
}
