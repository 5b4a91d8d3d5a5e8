import type { EventFilter, RecordedEvent } from './event-store';

/**
 * How many records a filtered page of the global log scans at most (or its maxCount, when
 * larger), on every store: a rare filter then answers a short page, even an empty one, with
 * `isEnd` false, that still moves the reader on, so a page costs O(window), never O(log).
 */
export const DEFAULT_SCAN_WINDOW = 5_000;

export function matchesFilter(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (filter === undefined) return true;
  if ('streamNamePrefixes' in filter) {
    return filter.streamNamePrefixes.some((prefix) => event.streamName.startsWith(prefix));
  }
  return filter.eventTypePrefixes.some((prefix) => event.type.startsWith(prefix));
}
