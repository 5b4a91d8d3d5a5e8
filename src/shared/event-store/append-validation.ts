import type { EventData } from './event-store';
import { AppendTooLargeError } from './event-store';
import { isUuid } from '../uuid';

/** EventStoreDB's default MaxAppendSize (rule 12), counting type, data and metadata. */
export const DEFAULT_MAX_APPEND_SIZE_BYTES = 1_048_576;

/** Rejects batches that no adapter can store faithfully. */
export function validateAppend(streamName: string, events: readonly EventData[], maxBytes: number): void {
  if (streamName.length === 0) throw new TypeError('A stream name must not be empty.');
  if (events.length === 0) throw new TypeError(`An append to '${streamName}' needs at least one event.`);
  const ids = new Set<string>();
  let size = 0;
  for (const event of events) {
    if (!isUuid(event.id)) throw new TypeError(`Event id '${event.id}' is not a UUID.`);
    const id = event.id.toLowerCase();
    if (ids.has(id)) throw new TypeError(`Event id '${event.id}' appears twice in one append.`);
    ids.add(id);
    size += Buffer.byteLength(event.type) + jsonBytes(event.data) + jsonBytes(event.metadata);
  }
  if (size > maxBytes) throw new AppendTooLargeError(streamName, maxBytes);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null');
}

export function validateMaxCount(maxCount: number | undefined): void {
  if (maxCount !== undefined && (!Number.isInteger(maxCount) || maxCount < 1)) {
    throw new RangeError(`maxCount must be a positive integer; got ${maxCount}.`);
  }
}
