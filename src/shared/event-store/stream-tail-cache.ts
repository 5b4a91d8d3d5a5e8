import { LRUCache } from 'lru-cache';
import type { AppendOptions, AppendResult, EventData, EventStore, ReadStreamOptions, RecordedEvent, StreamRead } from './event-store';
import { ForwardingEventStore } from './forwarding-event-store';

export interface StreamTailCacheOptions {
  /** Streams kept at most (least recently read go first). */
  readonly maxStreams: number;
  /** Events kept at most, over all streams; a longer stream is never kept. */
  readonly maxEvents: number;
}

export const DEFAULT_STREAM_TAIL_CACHE: StreamTailCacheOptions = { maxStreams: 20_000, maxEvents: 200_000 };

/**
 * Keeps the events of recently read streams in this process, so that reading a stream whole asks
 * the store only for its tail: the last event it holds and whatever follows. Nothing is trusted
 * for a time: every read still goes to the store, so a revocation written by any process bites on
 * the very next read. The held last event is read again to prove the stream is still the one
 * remembered (same id at the same revision); a stream deleted, truncated or rewritten under it is
 * read whole again. Only whole forward reads are served this way; any other read, and every write,
 * passes through. A read that allows a stale answer (its caller appends with the revision it
 * read, so staleness costs it a lost race, never a wrong write) is answered from memory alone.
 */
export class StreamTailCache extends ForwardingEventStore {
  private readonly streams: LRUCache<string, readonly RecordedEvent[]>;
  /** Held streams this process has appended to since: known to be behind. */
  private readonly behind = new WeakSet<readonly RecordedEvent[]>();

  constructor(inner: EventStore, options: StreamTailCacheOptions = DEFAULT_STREAM_TAIL_CACHE) {
    super(inner);
    this.streams = new LRUCache({ max: options.maxStreams, maxSize: options.maxEvents, sizeCalculation: (events) => events.length });
  }

  override async append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    const result = await this.inner.append(streamName, events, options);
    // What is held is now behind the stream for certain: a stale-allowed read must not be
    // answered from it, or the next command on this stream would lose a race to itself.
    const held = this.streams.get(streamName);
    if (held !== undefined) this.behind.add(held);
    return result;
  }

  override async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    if (!isWholeRead(options)) return this.inner.readStream(streamName, options);
    const held = options?.staleAllowed === true ? this.streams.get(streamName) : undefined;
    if (held !== undefined && !this.behind.has(held)) return held.slice();
    const [events] = await this.readStreams([{ streamName }]);
    return events ?? [];
  }

  override async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    const held = reads.map((read) => (isFromStart(read) ? this.streams.get(read.streamName) : undefined));
    const asked = reads.map((read, index) => {
      const last = held[index]?.at(-1);
      return last === undefined ? read : { streamName: read.streamName, fromRevision: last.revision };
    });
    const tails = await this.inner.readStreams(asked);
    const answers = await Promise.all(reads.map((read, index) => this.merge(read, held[index], tails[index] ?? [])));
    return answers;
  }

  override close(): Promise<void> {
    this.streams.clear();
    return this.inner.close();
  }

  /** The whole stream from what was held and its tail; remembered when it was read from the start. */
  private async merge(read: StreamRead, held: readonly RecordedEvent[] | undefined, tail: RecordedEvent[]): Promise<RecordedEvent[]> {
    if (!isFromStart(read)) return tail;
    let events: RecordedEvent[];
    if (held === undefined) events = tail;
    else if (continues(held, tail)) events = held.concat(tail.slice(1));
    else events = await this.inner.readStream(read.streamName);
    if (events.length === 0) this.streams.delete(read.streamName);
    else this.streams.set(read.streamName, events);
    // The caller gets its own array: what it does with it cannot change what is held.
    return events.slice();
  }
}

function isWholeRead(options: ReadStreamOptions | undefined): boolean {
  return (
    options === undefined ||
    (options.maxCount === undefined && (options.direction ?? 'forwards') === 'forwards' && (options.fromRevision ?? 0n) === 0n)
  );
}

function isFromStart(read: StreamRead): boolean {
  return (read.fromRevision ?? 0n) === 0n;
}

/** The tail starts with the last held event, unchanged: the stream is the one remembered. */
function continues(held: readonly RecordedEvent[], tail: readonly RecordedEvent[]): boolean {
  const last = held[held.length - 1];
  const first = tail[0];
  return last !== undefined && first !== undefined && first.revision === last.revision && first.id === last.id;
}
