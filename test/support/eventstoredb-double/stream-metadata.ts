import type { EventLog } from './event-log';
import type { StoredEvent } from './stored-event';
import { DELETED_STREAM_REVISION, METADATA_EVENT_TYPE, metastreamOf, ticksNow, ticksToMilliseconds } from './stored-event';

/** The reserved keys of stream metadata the double honours on stream reads (rule 15); others pass through. */
export interface StreamMetadata {
  readonly raw: Record<string, unknown>;
  readonly maxCount: number | undefined;
  readonly maxAgeSeconds: number | undefined;
  readonly truncateBefore: number | undefined;
}

const integerOrUndefined = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The stream's current metadata: the last `$metadata` event in its metastream, when that is JSON. */
export function streamMetadataOf(log: EventLog, streamName: string): StreamMetadata | undefined {
  const metastream = log.stream(metastreamOf(streamName))?.events;
  const last = metastream?.[metastream.length - 1];
  if (!last || last.type !== METADATA_EVENT_TYPE) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(last.data).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const record = raw as Record<string, unknown>;
  return { raw: record, maxCount: integerOrUndefined(record.$maxCount), maxAgeSeconds: integerOrUndefined(record.$maxAge), truncateBefore: integerOrUndefined(record.$tb) };
}

// JSON numbers are doubles, so long.MaxValue comes back rounded; anything this large is the soft-delete marker.
const SOFT_DELETE_THRESHOLD = Number(DELETED_STREAM_REVISION) - 1e6;

/** A soft delete is a `$tb` of long.MaxValue in the metastream, exactly how the server marks it. */
export function isSoftDeleted(log: EventLog, streamName: string): boolean {
  const truncateBefore = streamMetadataOf(log, streamName)?.truncateBefore;
  return truncateBefore !== undefined && truncateBefore >= SOFT_DELETE_THRESHOLD;
}

/** The stream's events that stream reads may return: `$tb`, `$maxCount` and `$maxAge` hide older ones immediately. */
export function visibleEvents(log: EventLog, streamName: string): readonly StoredEvent[] {
  const events = log.stream(streamName)?.events ?? [];
  const metadata = streamMetadataOf(log, streamName);
  if (!metadata) return events;
  let first = 0;
  if (metadata.truncateBefore !== undefined) first = Math.max(first, Math.min(metadata.truncateBefore, events.length));
  if (metadata.maxCount !== undefined) first = Math.max(first, events.length - metadata.maxCount);
  let visible = events.slice(first);
  if (metadata.maxAgeSeconds !== undefined) {
    const oldestAllowed = ticksToMilliseconds(ticksNow()) - metadata.maxAgeSeconds * 1000;
    visible = visible.filter((event) => ticksToMilliseconds(event.created) >= oldestAllowed);
  }
  return visible;
}

/** The metadata document a soft delete (or the undelete on recreation) writes, keeping the user's other keys. */
export function metadataWithTruncateBefore(log: EventLog, streamName: string, truncateBefore: bigint): Uint8Array {
  const { $tb: _previous, ...rest } = streamMetadataOf(log, streamName)?.raw ?? {};
  // Serialised by hand so long.MaxValue keeps all its digits, as the server writes it.
  const others = JSON.stringify(rest).slice(1, -1);
  return Buffer.from(`{${others}${others ? ',' : ''}"$tb":${truncateBefore.toString()}}`, 'utf8');
}
