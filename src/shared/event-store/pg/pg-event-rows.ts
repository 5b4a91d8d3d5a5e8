import type { EventFilter, RecordedEvent } from '../event-store';

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

/** A SQL condition on `e` for the filter, with its bindings; prefixes match with starts_with. */
export function filterCondition(filter: EventFilter | undefined): { sql: string; bindings: unknown[] } {
  if (filter === undefined) return { sql: 'true', bindings: [] };
  const [column, prefixes] = 'streamNamePrefixes' in filter
    ? ['e.stream_name', filter.streamNamePrefixes]
    : ['e.type', filter.eventTypePrefixes];
  return {
    sql: `EXISTS (SELECT 1 FROM unnest(?::text[]) AS f(prefix) WHERE starts_with(${column}, f.prefix))`,
    bindings: [[...prefixes]],
  };
}

/**
 * One page of the global log, below the horizon: positions of transactions that are still
 * running (or began after the snapshot) lie at or above xmin << 20 and are never passed.
 * Also answers the last readable position after `after`, so a filtered page can report how
 * far it scanned.
 */
export function readAllSql(filterSql: string): string {
  return `
    WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20 AS bound),
    page AS (
      SELECT ${EVENT_COLUMNS} FROM events e, horizon h
      WHERE e.position > ? AND e.position < h.bound AND ${filterSql}
      ORDER BY e.position
      LIMIT ?
    ),
    tail AS (
      SELECT max(e.position) AS last_readable FROM events e, horizon h
      WHERE e.position > ? AND e.position < h.bound
    )
    SELECT page.*, tail.last_readable FROM tail LEFT JOIN page ON true
    ORDER BY page.position`;
}
