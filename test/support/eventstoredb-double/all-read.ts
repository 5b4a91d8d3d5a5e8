import type { EventLog } from './event-log';
import type { StoredEvent } from './stored-event';

export type PositionStart = { readonly kind: 'start' } | { readonly kind: 'end' } | { readonly kind: 'position'; readonly position: bigint };

/** Index of the first record at or after `position` (records are in position order). */
export function firstIndexAtOrAfter(records: readonly StoredEvent[], position: bigint): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((records[middle] as StoredEvent).position < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A $all read (rule 16): forwards inclusive of the start position, backwards only records before it; system events
 * included, no per-stream truncation (the log is read as it is).
 */
export function readAll(log: EventLog, from: PositionStart, backwards: boolean, maxCount: bigint, matches: (event: StoredEvent) => boolean): StoredEvent[] {
  const records = log.all;
  const limit = maxCount > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(maxCount);
  const result: StoredEvent[] = [];
  if (backwards) {
    const before = from.kind === 'end' ? records.length : from.kind === 'start' ? 0 : firstIndexAtOrAfter(records, from.position);
    for (let i = before - 1; i >= 0 && result.length < limit; i--) {
      const record = records[i] as StoredEvent;
      if (matches(record)) result.push(record);
    }
    return result;
  }
  const start = from.kind === 'start' ? 0 : from.kind === 'end' ? records.length : firstIndexAtOrAfter(records, from.position);
  for (let i = start; i < records.length && result.length < limit; i++) {
    const record = records[i] as StoredEvent;
    if (matches(record)) result.push(record);
  }
  return result;
}
