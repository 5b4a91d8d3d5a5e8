import type {
  AppendOptions,
  AppendResult,
  EventData,
  EventStore,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  Subscription,
  SubscribeOptions,
} from '../event-store';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '../event-store';
import type { Database } from '../../database/database';
import { isConnectionError } from '../../database/connection-errors';
import { AppendNotifier } from '../append-notifier';
import { DEFAULT_MAX_APPEND_SIZE_BYTES, validateAppend, validateMaxCount } from '../append-validation';
import { OpenSubscriptions } from '../open-subscriptions';
import type { EventRow } from './pg-event-rows';
import { DEFAULT_SCAN_WINDOW } from '../event-filter';
import { EVENT_COLUMNS, readAllQuery, toRecordedEvent } from './pg-event-rows';

export interface PgEventStoreOptions {
  /** How often subscribers look for other processes' appends (default 50 ms); local appends wake them at once. */
  readonly pollIntervalMs?: number;
  readonly defaultBatchSize?: number;
  readonly maxAppendSizeBytes?: number;
  /** Rows a filtered page scans at most (default DEFAULT_SCAN_WINDOW, or maxCount when larger). */
  readonly scanWindow?: number;
}

interface AppendRow {
  readonly o_status: 'ok' | 'idempotent' | 'wrong_expected_version';
  readonly o_actual: string;
  readonly o_next_revision: string | null;
  readonly o_position: string | null;
}

/** SQLSTATEs that say "try again later" rather than "this statement is wrong" (55P03: lock timeout). */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58|55P03)/;

/** The last readable position: a backward scan of the primary key below the horizon, one row. */
const HEAD_SQL = 'SELECT position FROM events WHERE position < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20) ORDER BY position DESC LIMIT 1';

/** Streams from revisions, tagged with the 1-based index of the read that asked, in stream order. */
const READ_STREAMS_SQL = `SELECT w.wanted::int AS wanted, ${EVENT_COLUMNS}
  FROM unnest(?::text[], ?::bigint[]) WITH ORDINALITY AS w(stream_name, from_revision, wanted)
  JOIN events e ON e.stream_name = w.stream_name AND e.revision >= w.from_revision
  ORDER BY w.wanted, e.revision`;

/** The SQL every append runs; tests that hold a transaction open use it too. */
export const APPEND_SQL = 'SELECT o_status, o_actual, o_next_revision, o_position FROM append_events(?, ?, ?::jsonb)';

export function appendBindings(streamName: string, events: readonly EventData[], expected: AppendOptions['expectedRevision']): unknown[] {
  const payload = events.map((e) => ({ id: e.id, type: e.type, data: e.data ?? null, metadata: e.metadata }));
  return [streamName, String(expected ?? 'any'), JSON.stringify(payload)];
}

/**
 * The event store on PostgreSQL (a server or the embedded one), through the Database.
 * Infrastructure failures surface as EventStoreUnavailableError.
 */
export class PgEventStore implements EventStore {
  private readonly notifier = new AppendNotifier();
  private readonly subscriptions: OpenSubscriptions;
  private readonly maxAppendSizeBytes: number;
  private readonly scanWindow: number;

  constructor(private readonly db: Database, options: PgEventStoreOptions = {}) {
    this.scanWindow = options.scanWindow ?? DEFAULT_SCAN_WINDOW;
    this.maxAppendSizeBytes = options.maxAppendSizeBytes ?? DEFAULT_MAX_APPEND_SIZE_BYTES;
    const source = {
      readPage: (after: GlobalPosition | undefined, maxCount: number, filter: ReadAllOptions['filter']) =>
        this.readPage(after, maxCount, filter),
      notifier: this.notifier,
      pollIntervalMs: options.pollIntervalMs ?? 50,
    };
    this.subscriptions = OpenSubscriptions.catchUp(source, options.defaultBatchSize ?? 500);
  }

  async append(streamName: string, events: readonly EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    validateAppend(streamName, events, this.maxAppendSizeBytes);
    const expected = options.expectedRevision ?? 'any';
    const rows = await this.query<AppendRow>(APPEND_SQL, appendBindings(streamName, events, expected));
    const row = rows[0];
    if (row === undefined) throw new EventStoreUnavailableError('The append returned no status.');
    if (row.o_status === 'wrong_expected_version') {
      const actual = BigInt(row.o_actual);
      throw new WrongExpectedVersionError(streamName, expected, actual < 0n ? 'no_stream' : actual);
    }
    if (row.o_status === 'ok') this.notifier.notify();
    return { nextRevision: BigInt(row.o_next_revision as string), position: BigInt(row.o_position as string) };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateMaxCount(options.maxCount);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    const condition = from === undefined ? 'true' : backwards ? 'e.revision <= ?' : 'e.revision >= ?';
    const rows = await this.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.stream_name = ? AND ${condition}
       ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'} LIMIT ?`,
      [streamName, ...(from === undefined ? [] : [from.toString()]), options.maxCount ?? null],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * One statement for any number of streams: each (stream, from) pair is a range scan of the
   * (stream_name, revision) key, so the cost follows the events returned, not the streams' length.
   */
  async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    if (reads.length === 0) return [];
    const rows = await this.query<EventRow & { wanted: number }>(READ_STREAMS_SQL, [
      reads.map((read) => read.streamName),
      reads.map((read) => (read.fromRevision ?? 0n).toString()),
    ]);
    const answers: RecordedEvent[][] = reads.map(() => []);
    for (const row of rows) answers[row.wanted - 1]?.push(toRecordedEvent(row));
    return answers;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    validateMaxCount(options.maxCount);
    return this.readPage(options.after, options.maxCount, options.filter);
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    const [row] = await this.query<{ position: string }>(HEAD_SQL, []);
    return row === undefined ? undefined : BigInt(row.position);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    validateMaxCount(options.batchSize);
    return this.subscriptions.subscribe(options);
  }

  /** Ends the subscriptions; the Database belongs to the caller and stays open. */
  async close(): Promise<void> {
    await this.subscriptions.closeAll();
  }

  private async readPage(after: GlobalPosition | undefined, maxCount: number | undefined, filter: ReadAllOptions['filter']): Promise<ReadAllResult> {
    const page = readAllQuery(after, maxCount, filter, this.scanWindow);
    const rows = await this.query<Partial<EventRow> & { scanned_to: string | null; more: boolean }>(page.sql, page.bindings);
    const scannedTo = rows[0]?.scanned_to ?? null;
    if (scannedTo === null) return { events: [], lastPosition: undefined, isEnd: true };
    const events = rows.filter((row) => row.position !== null && row.position !== undefined).map((row) => toRecordedEvent(row as EventRow));
    // A full page ends at its last event, a short one at the last row of its window.
    return { events, lastPosition: BigInt(scannedTo), isEnd: rows[0]?.more !== true };
  }

  private async query<Row>(sql: string, bindings: readonly unknown[]): Promise<Row[]> {
    try {
      return await this.db.query<Row>(sql, bindings);
    } catch (error) {
      if (isUnavailable(error)) throw new EventStoreUnavailableError('The event store is unavailable.', { cause: error });
      throw error;
    }
  }
}

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isConnectionError(error) || (typeof code === 'string' && TRANSIENT_SQLSTATE.test(code));
}
