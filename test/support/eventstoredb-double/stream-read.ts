import type { EventLog } from './event-log';
import type { StoredEvent } from './stored-event';
import { isSoftDeleted, visibleEvents } from './stream-metadata';

export type StreamReadResult =
  | { readonly outcome: 'events'; readonly events: readonly StoredEvent[] }
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'deleted' };

export type RevisionStart = { readonly kind: 'start' } | { readonly kind: 'end' } | { readonly kind: 'revision'; readonly revision: bigint };

/**
 * A stream read (rules 14, 15): forwards from `from` inclusive, backwards newest first; truncation metadata applies;
 * a stream that never existed or is soft-deleted is not found, a tombstoned one is deleted.
 */
export function readStream(log: EventLog, streamName: string, from: RevisionStart, backwards: boolean, maxCount: bigint): StreamReadResult {
  const stream = log.stream(streamName);
  if (stream?.tombstone) return { outcome: 'deleted' };
  if (!stream || stream.events.length === 0 || isSoftDeleted(log, streamName)) return { outcome: 'not_found' };
  const visible = visibleEvents(log, streamName);
  const limit = maxCount > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(maxCount);
  if (backwards) {
    const upTo = from.kind === 'revision' ? visible.filter((event) => event.revision <= from.revision) : from.kind === 'end' ? visible : visible.slice(0, 1);
    return { outcome: 'events', events: upTo.slice().reverse().slice(0, limit) };
  }
  const onwards = from.kind === 'revision' ? visible.filter((event) => event.revision >= from.revision) : from.kind === 'start' ? visible : [];
  return { outcome: 'events', events: onwards.slice(0, limit) };
}
