import { LOG_IDENTITY_STREAM } from '../../projections/read-model-source';
import { ActorNames, redactStreamName, toAuditEvent, type AuditActor } from '../../src/features/users';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../src/shared/event-store/event-store';
import { chainOf, type EventChain } from '../../src/shared/event-store/integrity/event-chain';
import { logPages } from '../../src/shared/event-store/read-in-pages';
import type { Output } from './output';

/** Positions, both inclusive; either may be left open. */
export interface ExportRange {
  readonly from?: GlobalPosition;
  readonly to?: GlobalPosition;
}

/** One line of the export: an event where it sits in the log, who caused it and under which request, its data redacted. */
export interface ExportLineJson {
  readonly stream: string;
  readonly revision: string;
  readonly position: string;
  readonly recorded_at: string;
  readonly type: string;
  readonly metadata: { readonly actor: AuditActor; readonly correlation_id: string; readonly causation_id: string };
  readonly data: Record<string, unknown>;
  /**
   * The event's link in its stream's hash chain, as stored: null for an event written before the
   * chain, 'malformed' for a link that is not one. The data above is redacted, so a hash cannot be
   * recomputed from the export; the links can still be followed, and a stream's last hash
   * compared with an anchor's.
   */
  readonly chain: EventChain | null | 'malformed';
}

export interface ExportSummary {
  readonly events: number;
  readonly first: GlobalPosition | undefined;
  readonly last: GlobalPosition | undefined;
}

export interface ExportOptions {
  readonly pageSize?: number;
  /** Actor names kept in memory at most (least recently used first out). */
  readonly namesKept?: number;
  readonly signal?: AbortSignal;
  readonly onPage?: (events: number, position: GlobalPosition | undefined) => void;
}

/** The service's own bookkeeping, not an account's history: the stream that names the log, and EventStoreDB's system streams. */
const isSystemEvent = (event: RecordedEvent): boolean => event.streamName === LOG_IDENTITY_STREAM || event.streamName.startsWith('$');

async function exportLine(event: RecordedEvent, names: ActorNames): Promise<ExportLineJson> {
  const audit = await toAuditEvent(event, names);
  return {
    stream: redactStreamName(event.streamName),
    revision: audit.revision,
    position: audit.position,
    recorded_at: audit.recorded_at,
    type: audit.type,
    metadata: { actor: audit.actor, correlation_id: audit.correlation_id, causation_id: audit.causation_id },
    data: audit.data,
    chain: chainLink(event.metadata),
  };
}

function chainLink(metadata: unknown): EventChain | null | 'malformed' {
  const chain = chainOf(metadata);
  return chain === 'unchained' ? null : chain;
}

/**
 * The log as NDJSON, a page at a time: each page is redacted, written, and waited for (the
 * output's backpressure) before the next is read, so that memory stays constant whatever the
 * size of the log. The actors' names come from the UserCreated events passed on the way, and
 * from a bounded cache for the rest.
 */
export async function exportLog(store: EventStore, range: ExportRange, out: Output, options: ExportOptions = {}): Promise<ExportSummary> {
  const names = new ActorNames(store, options.namesKept ?? 10_000);
  const after = range.from === undefined || range.from === 0n ? undefined : range.from - 1n;
  let events = 0;
  let first: GlobalPosition | undefined;
  let last: GlobalPosition | undefined;
  for await (const page of logPages(store, { ...(after === undefined ? {} : { after }), pageSize: options.pageSize ?? 1000 })) {
    options.signal?.throwIfAborted();
    const inRange = range.to === undefined ? page.events : page.events.filter((event) => event.position <= (range.to as bigint));
    const kept = inRange.filter((event) => !isSystemEvent(event));
    for (const event of kept) {
      const data = event.data as { userId?: unknown; username?: unknown };
      if (event.type === 'UserCreated' && typeof data.userId === 'string' && typeof data.username === 'string') names.remember(data.userId, data.username);
    }
    const lines = await Promise.all(kept.map((event) => exportLine(event, names)));
    await out.write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    events += lines.length;
    first ??= kept[0]?.position;
    last = kept.at(-1)?.position ?? last;
    options.onPage?.(events, page.lastPosition);
    if (inRange.length < page.events.length) break;
  }
  return { events, first, last };
}
