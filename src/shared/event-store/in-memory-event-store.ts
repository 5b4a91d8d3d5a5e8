import type {
  AppendOptions,
  AppendResult,
  CurrentRevision,
  EventData,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscribeOptions,
  StreamRead,
} from './event-store';
import { EventStoreUnavailableError, WrongExpectedVersionError, readEachStream } from './event-store';
import { AppendNotifier } from './append-notifier';
import { DEFAULT_MAX_APPEND_SIZE_BYTES, validateAppend, validateMaxCount } from './append-validation';
import { OpenSubscriptions } from './open-subscriptions';
import { DEFAULT_SCAN_WINDOW, matchesFilter } from './event-filter';

export interface InMemoryEventStoreOptions {
  readonly now?: () => Date;
  readonly maxAppendSizeBytes?: number;
  readonly defaultBatchSize?: number;
  /** Events a filtered page scans at most (default DEFAULT_SCAN_WINDOW, or maxCount when larger). */
  readonly scanWindow?: number;
}

interface StreamRecord {
  readonly events: RecordedEvent[];
  readonly byId: Map<string, RecordedEvent>;
}

/** Positions encode (commit, ordinal) like the PostgreSQL adapter's, so they are never dense. */
const ORDINAL_BITS = 20n;

/** The PostgreSQL adapter's contract; the replay id cache is simply every id stored in the stream. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, StreamRecord>();
  private readonly notifier = new AppendNotifier();
  private readonly subscriptions: OpenSubscriptions;
  private commits = 0n;
  private closed = false;
  private readonly now: () => Date;
  private readonly maxAppendSizeBytes: number;
  private readonly scanWindow: number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.scanWindow = options.scanWindow ?? DEFAULT_SCAN_WINDOW;
    this.now = options.now ?? (() => new Date());
    this.maxAppendSizeBytes = options.maxAppendSizeBytes ?? DEFAULT_MAX_APPEND_SIZE_BYTES;
    const source = {
      readPage: async (after: GlobalPosition | undefined, maxCount: number, filter: ReadAllOptions['filter']) =>
        this.readPage(after, maxCount, filter),
      notifier: this.notifier,
      pollIntervalMs: undefined,
    };
    this.subscriptions = OpenSubscriptions.catchUp(source, options.defaultBatchSize ?? 500);
  }

  async append(streamName: string, events: readonly EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    validateAppend(streamName, events, this.maxAppendSizeBytes);
    const expected = options.expectedRevision ?? 'any';
    const stream = this.streams.get(streamName);
    const replay = this.checkExpectation(streamName, stream, events, expected);
    if (replay !== undefined) return replay;
    // Ids are unique per stream: a batch that repeats a stored id but is no replay is refused.
    if (events.some((e) => stream?.byId.has(e.id.toLowerCase()))) {
      throw new WrongExpectedVersionError(streamName, expected, revisionOfStream(stream));
    }

    const record = stream ?? { events: [], byId: new Map<string, RecordedEvent>() };
    this.streams.set(streamName, record);
    this.commits++;
    const recordedAt = this.now();
    events.forEach((event, ordinal) => {
      const recorded: RecordedEvent = {
        id: event.id.toLowerCase(),
        type: event.type,
        data: clone(event.data),
        metadata: clone(event.metadata),
        streamName,
        revision: BigInt(record.events.length),
        position: (this.commits << ORDINAL_BITS) | BigInt(ordinal),
        recordedAt,
      };
      record.events.push(recorded);
      record.byId.set(recorded.id, recorded);
      this.log.push(recorded);
    });
    this.notifier.notify();
    return resultOf(record.events[record.events.length - 1]);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    validateMaxCount(options.maxCount);
    const events = this.streams.get(streamName)?.events ?? [];
    const max = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (options.direction === 'backwards') {
      const from = options.fromRevision;
      const upTo = from === undefined ? events : events.filter((e) => e.revision <= from);
      return upTo.slice().reverse().slice(0, max);
    }
    const from = options.fromRevision ?? 0n;
    return events.filter((e) => e.revision >= from).slice(0, max);
  }

  /** Nothing to save in memory: each stream, as readStream reads it. */
  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    return readEachStream(this, reads);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    this.assertOpen();
    validateMaxCount(options.maxCount);
    return this.readPage(options.after, options.maxCount ?? Number.POSITIVE_INFINITY, options.filter);
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    this.assertOpen();
    return this.log[this.log.length - 1]?.position;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    validateMaxCount(options.batchSize);
    this.assertOpen();
    return this.subscriptions.subscribe(options);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.subscriptions.closeAll();
  }

  private readPage(after: GlobalPosition | undefined, maxCount: number, filter: ReadAllOptions['filter']): ReadAllResult {
    const start = after === undefined ? 0 : firstIndexAfter(this.log, after);
    const events: RecordedEvent[] = [];
    // Like the PostgreSQL page: a filtered page scans a bounded window, so it may end short.
    const window = filter === undefined ? maxCount : Math.max(maxCount, this.scanWindow);
    const stop = Math.min(this.log.length, start + window);
    let index = start;
    while (index < stop && events.length < maxCount) {
      const event = this.log[index++] as RecordedEvent;
      if (matchesFilter(event, filter)) events.push(event);
    }
    const lastPosition = index > start ? this.log[index - 1]?.position : undefined;
    return { events, lastPosition, isEnd: index >= this.log.length };
  }

  /** Returns the original result for an idempotent replay, undefined when the write proceeds. */
  private checkExpectation(
    streamName: string,
    stream: StreamRecord | undefined,
    events: readonly EventData[],
    expected: ExpectedRevision,
  ): AppendResult | undefined {
    const current = revisionOfStream(stream);
    const fail = (): never => {
      throw new WrongExpectedVersionError(streamName, expected, current);
    };
    if (expected === 'any' || expected === 'stream_exists') {
      const known = events.map((e) => stream?.byId.get(e.id.toLowerCase()));
      if (known[0] !== undefined) {
        if (known.some((e) => e === undefined)) fail();
        return resultOf(known[known.length - 1]);
      }
      if (expected === 'stream_exists' && current === 'no_stream') fail();
      return undefined;
    }
    const expectedNumeric = expected === 'no_stream' ? -1n : expected;
    const currentNumeric = current === 'no_stream' ? -1n : current;
    if (expectedNumeric === currentNumeric) return undefined;
    if (expectedNumeric > currentNumeric) fail();
    const stored = (stream as StreamRecord).events.slice(Number(expectedNumeric + 1n));
    const matches = events.length <= stored.length
      && events.every((e, i) => stored[i]?.id === e.id.toLowerCase());
    if (!matches) fail();
    return resultOf(stored[events.length - 1]);
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The in-memory event store is closed.');
  }
}

function revisionOfStream(stream: StreamRecord | undefined): CurrentRevision {
  return stream === undefined || stream.events.length === 0 ? 'no_stream' : BigInt(stream.events.length - 1);
}

function resultOf(last: RecordedEvent | undefined): AppendResult {
  if (last === undefined) throw new Error('An append result needs a recorded event.');
  return { nextRevision: last.revision, position: last.position };
}

function firstIndexAfter(log: readonly RecordedEvent[], after: GlobalPosition): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((log[middle] as RecordedEvent).position <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Stored events go through JSON, as they do in every real store, so no caller shares references. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value) ?? 'null') as T;
}
