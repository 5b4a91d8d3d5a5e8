import { CommittedIdCache } from './committed-id-cache';
import type { ProposedEvent, StoredEvent } from './stored-event';
import { DELETED_STREAM_REVISION, TOMBSTONE_EVENT_TYPE, ticksNow } from './stored-event';

/** A stream's physical events (index = revision, truncation is a read concern) and whether it is tombstoned. */
export interface StreamRecord {
  readonly events: StoredEvent[];
  tombstone: StoredEvent | undefined;
}

export type LogListener = (committed: readonly StoredEvent[]) => void;

// Real positions are byte offsets of records in the transaction file; a fixed header plus payload sizes keeps the
// double's positions increasing but sparse, so nobody can get away with assuming +1.
const RECORD_HEADER_BYTES = 97n;
const FIRST_POSITION = 1_024n;

/** The double's state: the whole log in $all order, per-stream indexes and the id cache. Survives server restarts. */
export class EventLog {
  private readonly records: StoredEvent[] = [];
  private readonly streams = new Map<string, StreamRecord>();
  private readonly listeners = new Set<LogListener>();
  private nextPosition = FIRST_POSITION;
  readonly idCache: CommittedIdCache;

  constructor(idCacheMaxEntries: number) {
    this.idCache = new CommittedIdCache(idCacheMaxEntries);
  }

  get size(): number {
    return this.records.length;
  }

  /** Every record in $all order; callers must not mutate it. */
  get all(): readonly StoredEvent[] {
    return this.records;
  }

  stream(streamName: string): StreamRecord | undefined {
    return this.streams.get(streamName);
  }

  /** Revision of the stream's last physical event, or undefined when it never had one. */
  lastRevision(streamName: string): bigint | undefined {
    const events = this.streams.get(streamName)?.events;
    return events && events.length > 0 ? BigInt(events.length - 1) : undefined;
  }

  eventAt(streamName: string, revision: bigint): StoredEvent | undefined {
    if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return this.streams.get(streamName)?.events[Number(revision)];
  }

  /** Appends events to one stream atomically; validation already happened. Returns the stored records. */
  append(streamName: string, proposed: readonly ProposedEvent[]): StoredEvent[] {
    const stream = this.streamRecordFor(streamName);
    const created = ticksNow();
    const stored = proposed.map((event) => {
      const record: StoredEvent = { ...event, streamName, revision: BigInt(stream.events.length), position: this.allocatePosition(event), created };
      stream.events.push(record);
      this.records.push(record);
      this.idCache.remember(record.id, { streamName, revision: record.revision, position: record.position });
      return record;
    });
    this.notify(stored);
    return stored;
  }

  /** Writes the `$streamDeleted` record that makes the name unusable forever (hard delete). */
  tombstone(streamName: string, id: string): StoredEvent {
    const stream = this.streamRecordFor(streamName);
    const proposed: ProposedEvent = { id, type: TOMBSTONE_EVENT_TYPE, contentType: 'application/octet-stream', data: new Uint8Array(), customMetadata: new Uint8Array() };
    const record: StoredEvent = { ...proposed, streamName, revision: DELETED_STREAM_REVISION, position: this.allocatePosition(proposed), created: ticksNow() };
    stream.tombstone = record;
    this.records.push(record);
    this.notify([record]);
    return record;
  }

  /** Listeners run synchronously after each commit, so a subscriber that registered after reading history misses nothing. */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private streamRecordFor(streamName: string): StreamRecord {
    let stream = this.streams.get(streamName);
    if (!stream) {
      stream = { events: [], tombstone: undefined };
      this.streams.set(streamName, stream);
    }
    return stream;
  }

  private allocatePosition(event: ProposedEvent): bigint {
    const position = this.nextPosition;
    this.nextPosition += RECORD_HEADER_BYTES + BigInt(event.type.length + event.data.length + event.customMetadata.length);
    return position;
  }

  private notify(committed: readonly StoredEvent[]): void {
    for (const listener of [...this.listeners]) listener(committed);
  }
}
