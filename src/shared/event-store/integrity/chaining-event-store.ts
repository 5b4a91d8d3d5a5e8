import type { AppendOptions, AppendResult, EventData, EventStore, ReadStreamOptions, RecordedEvent, StreamRead, StreamRevision } from '../event-store';
import { LRUCache } from 'lru-cache';
import { WrongExpectedVersionError } from '../event-store';
import { ForwardingEventStore } from '../forwarding-event-store';
import { CHAIN_KEY, asStored, chainHeadOf, eventHash } from './event-chain';

/**
 * Chains every append to the head of its stream (ADR 0008), over any adapter. It reads the
 * event the batch follows and appends with that exact revision, so that no other append can
 * slip between the link and the write:
 * - an exact expected revision: the event at that revision (a WrongExpectedVersionError with the
 *   stream's revision when there is none); a replay of a written batch is the adapter's to answer;
 * - 'any' and 'stream_exists': the head, as an exact revision, read again after a lost race;
 * - 'no_stream': nothing to read, the batch starts the chain.
 * A batch that repeats ids among the stream's last events is a replay: it goes to the adapter
 * with the caller's own expectation, whose rules (idempotent result or refusal) then answer.
 */
export class ChainingEventStore extends ForwardingEventStore {
  /**
   * The hash of the newest event this process has read of each recent stream. An append at an
   * exact revision whose event was read is linked without reading it again; the append itself
   * proves the revision is still the head. Only reads teach it: they give hashes as stored.
   */
  private readonly knownHeads = new LRUCache<string, { revision: StreamRevision; hash: string | null }>({ max: 20_000 });

  constructor(inner: EventStore) {
    super(inner);
  }

  override async append(streamName: string, events: readonly EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0 || (typeof expected === 'bigint' && expected < 0n)) return this.inner.append(streamName, events, options);
    if (expected === 'no_stream') return this.inner.append(streamName, chained(events, null), options);
    if (typeof expected === 'bigint') return this.appendAt(streamName, events, expected, options);
    return this.appendToHead(streamName, events, options);
  }

  private async appendAt(streamName: string, events: readonly EventData[], expected: StreamRevision, options: AppendOptions): Promise<AppendResult> {
    const known = this.knownHeads.get(streamName);
    if (known?.revision === expected) return this.inner.append(streamName, chained(events, known.hash), options);
    const [at] = await this.inner.readStream(streamName, { direction: 'backwards', fromRevision: expected, maxCount: 1 });
    if (at?.revision !== expected) throw new WrongExpectedVersionError(streamName, expected, at?.revision ?? 'no_stream');
    return this.inner.append(streamName, chained(events, chainHeadOf(at.metadata)), options);
  }

  private async appendToHead(streamName: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const ids = new Set(events.map((event) => event.id.toLowerCase()));
    let lastRead: StreamRevision | 'no_stream' | undefined;
    for (;;) {
      const tail = await this.inner.readStream(streamName, { direction: 'backwards', maxCount: events.length });
      const head = tail[0];
      const revision = head?.revision ?? 'no_stream';
      if (revision === 'no_stream' && expected === 'stream_exists') throw new WrongExpectedVersionError(streamName, expected, 'no_stream');
      const batch = chained(events, head === undefined ? null : chainHeadOf(head.metadata));
      if (tail.some((event) => ids.has(event.id.toLowerCase()))) return this.inner.append(streamName, batch, options);
      try {
        return await this.inner.append(streamName, batch, { expectedRevision: revision });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // The head did not move, so this was no race: the stream holds some of these ids.
        if (error.actual === revision) return this.inner.append(streamName, batch, options);
        // The head the store counts is not the one it lets us read (an event removed by hand):
        // retrying could never succeed.
        if (lastRead === revision) throw new WrongExpectedVersionError(streamName, expected, error.actual);
        lastRead = revision;
      }
    }
  }

  override async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.learn(await this.inner.readStream(streamName, options));
  }

  override async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    return (await this.inner.readStreams(reads)).map((events) => this.learn(events));
  }

  /** Remembers the newest event of a stream read (either direction), as stored. */
  private learn(events: RecordedEvent[]): RecordedEvent[] {
    const newest = events.reduce<RecordedEvent | undefined>((found, event) => (found === undefined || event.revision > found.revision ? event : found), undefined);
    if (newest !== undefined) {
      const known = this.knownHeads.get(newest.streamName);
      if (known === undefined || newest.revision >= known.revision) {
        this.knownHeads.set(newest.streamName, { revision: newest.revision, hash: chainHeadOf(newest.metadata) });
      }
    }
    return events;
  }
}

/** The batch linked event to event, the first to `prev`; any `chain` a caller passed is replaced. */
export function chained(events: readonly EventData[], prev: string | null): EventData[] {
  let link = prev;
  return events.map((event) => {
    const { [CHAIN_KEY]: _replaced, ...metadata } = event.metadata;
    const hash = eventHash({ type: event.type, data: asStored(event.data), metadata: asStored(metadata) }, link);
    const linked = { ...event, metadata: { ...metadata, [CHAIN_KEY]: { prev: link, hash } } };
    link = hash;
    return linked;
  });
}
