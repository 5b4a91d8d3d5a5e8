import type { EventFilter, GlobalPosition, RecordedEvent } from '../event-store';

export interface EventRow {
  readonly position: string;
  readonly stream_name: string;
  readonly revision: string;
  readonly event_id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: RecordedEvent['metadata'];
  readonly recorded_at: Date;
}

export const EVENT_COLUMNS = 'e.position, e.stream_name, e.revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at';

/** pg returns bigint columns as strings; the port speaks bigint. */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    recordedAt: row.recorded_at,
  };
}

/**
 * A SQL condition on `e` for the filter, with its bindings; a prefix matches with `^@`
 * (starts_with) against any of the list, evaluated once per scanned row.
 */
export function filterCondition(filter: EventFilter | undefined): { sql: string; bindings: unknown[] } {
  if (filter === undefined) return { sql: 'true', bindings: [] };
  const [column, prefixes] = 'streamNamePrefixes' in filter
    ? ['e.stream_name', filter.streamNamePrefixes]
    : ['e.type', filter.eventTypePrefixes];
  return { sql: `${column} ^@ ANY (?::text[])`, bindings: [[...prefixes]] };
}

/** The rows a page may scan: maxCount unfiltered, at least the scan window filtered; null for no bound. */
export function scanWindowOf(maxCount: number | undefined, filter: EventFilter | undefined, scanWindow: number): number | null {
  if (maxCount === undefined) return null;
  return filter === undefined ? maxCount : Math.max(maxCount, scanWindow);
}

/**
 * One page of the global log, below the horizon: positions of transactions that are still
 * running (or began after the snapshot) lie at or above xmin << 20 and are never passed.
 *
 * The page costs O(window), never O(log): `page` walks the primary key from `after` for at
 * most `window` readable rows (filtered-out rows included) and stops at the `maxCount`-th
 * match. `reach` is where the page ends: its last event when it is full, else the last row
 * of the window (a walk of the index alone, run only then); one index probe past it tells
 * whether more is readable.
 */
export function readAllSql(filterSql: string): string {
  return `
    WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20 AS bound),
    page AS MATERIALIZED (
      SELECT * FROM (
        SELECT ${EVENT_COLUMNS}, ${filterSql} AS matches FROM events e
        WHERE e.position > ? AND e.position < (SELECT bound FROM horizon)
        ORDER BY e.position
        LIMIT ?::bigint
      ) s
      WHERE s.matches ORDER BY s.position LIMIT ?::bigint
    ),
    ends AS MATERIALIZED (
      SELECT CASE WHEN (SELECT count(*) FROM page) >= ?::bigint THEN (SELECT max(p.position) FROM page p)
                  ELSE (SELECT max(w.position) FROM (
                          SELECT e.position FROM events e
                          WHERE e.position > ? AND e.position < (SELECT bound FROM horizon)
                          ORDER BY e.position LIMIT ?::bigint) w)
             END AS scanned_to
    ),
    reach AS MATERIALIZED (
      SELECT r.scanned_to,
             EXISTS (SELECT 1 FROM events e WHERE e.position > r.scanned_to AND e.position < (SELECT bound FROM horizon)) AS more
      FROM ends r
    )
    SELECT page.*, reach.scanned_to, reach.more FROM reach LEFT JOIN page ON true
    ORDER BY page.position`;
}

/** The statement of one page, as the store runs it: its SQL text and bindings. */
export function readAllQuery(
  after: GlobalPosition | undefined,
  maxCount: number | undefined,
  filter: EventFilter | undefined,
  scanWindow: number,
): { sql: string; bindings: unknown[] } {
  const condition = filterCondition(filter);
  const from = (after ?? -1n).toString();
  const window = scanWindowOf(maxCount, filter, scanWindow);
  // No maxCount: no page is ever full (LIMIT NULL is no limit; count >= NULL is never true).
  const limit = maxCount ?? null;
  return {
    sql: readAllSql(condition.sql),
    bindings: [...condition.bindings, from, window, limit, limit, from, window],
  };
}
