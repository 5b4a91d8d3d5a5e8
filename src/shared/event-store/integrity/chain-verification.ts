import type { GlobalPosition, RecordedEvent, StreamRevision } from '../event-store';
import { chainOf, eventHash } from './event-chain';

export type FindingKind = 'edited' | 'removed' | 'reordered' | 'stream_deleted' | 'stream_truncated' | 'history_changed';

/** One piece of evidence of tampering, naming the event (or the revisions) it concerns. */
export interface Finding {
  readonly kind: FindingKind;
  readonly streamName: string;
  readonly revision: StreamRevision;
  /** The last revision of a range (removed events), inclusive. */
  readonly toRevision?: StreamRevision;
  /** Where the event stands in the log, when it is there to point at. */
  readonly position?: GlobalPosition;
  readonly detail: string;
}

/** A stream's head as the walk leaves it: what an anchor records. */
export interface StreamHead {
  readonly revision: StreamRevision;
  /** The head's chain hash; null when it carries none. */
  readonly hash: string | null;
}

export interface ChainTotals {
  readonly events: number;
  readonly streams: number;
  /** Events written before the chain existed: a stream may begin with them, and that is no failure. */
  readonly unchainedEvents: number;
  readonly streamsWithUnchainedEvents: number;
}

interface Placed {
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
}

/** An event of a run of broken links, with its own link, to put the run back in chain order. */
interface Linked extends Placed {
  readonly prev: string | null;
  readonly hash: string;
}

/**
 * What the walk keeps per stream, O(1) each, so the whole check is O(streams) in memory
 * whatever the length of the log. `hash` is the stored hash of the last event: null when it
 * carries no chain, undefined when it cannot be trusted as a link (its chain was tampered with).
 */
interface StreamState {
  revision: StreamRevision;
  position: GlobalPosition;
  hash: string | null | undefined;
  chained: boolean;
  unchained: boolean;
  /** Consecutive events whose link into them is broken, with the event before the first. */
  broken?: { before: Placed & { readonly unchained: boolean; readonly hash: string | null }; events: Linked[] };
  /** Revisions missing so far: only a tampered stream has any. */
  missing?: Array<[StreamRevision, StreamRevision]>;
}

type Link = 'good' | 'broken' | 'unknown';

/**
 * Checks every stream's hash chain over the log in log order, one event at a time, without I/O
 * (ADR 0008). `observe` answers the findings an event settles; `finish` the rest.
 */
export class ChainVerifier {
  private readonly streams = new Map<string, StreamState>();
  private events = 0;
  private unchainedEvents = 0;

  observe(event: RecordedEvent): Finding[] {
    this.events++;
    const known = this.streams.get(event.streamName);
    if (known !== undefined && event.revision <= known.revision) return [this.outOfOrder(event, known)];
    const state = known ?? { revision: -1n, position: event.position, hash: null, chained: false, unchained: false };
    this.streams.set(event.streamName, state);
    const expected = state.revision + 1n;
    if (event.revision > expected) (state.missing ??= []).push([expected, event.revision - 1n]);
    // After a gap the link cannot be judged: the removal explains it.
    const predecessor = event.revision > expected ? undefined : state.hash;

    const findings: Finding[] = [];
    const chain = chainOf(event.metadata);
    let link: Link = 'unknown';
    let hash: string | null | undefined;
    if (chain === 'unchained') {
      if (state.chained) findings.push(at(event, 'edited', 'it carries no chain link although the events before it in its stream do: its link was removed'));
      else {
        this.unchainedEvents++;
        state.unchained = true;
        link = 'good';
        hash = null;
      }
    } else if (chain === 'malformed') {
      findings.push(at(event, 'edited', 'its chain link is not a pair of SHA-256 hashes'));
    } else {
      const intact = eventHash(event, chain.prev) === chain.hash;
      if (!intact) findings.push(at(event, 'edited', 'its type, data or metadata no longer match its hash'));
      if (predecessor !== undefined) link = chain.prev === predecessor ? 'good' : intact ? 'broken' : 'unknown';
      hash = chain.hash;
      state.chained = true;
    }

    if (link === 'broken' && typeof chain === 'object') {
      state.broken ??= { before: { revision: state.revision, position: state.position, unchained: state.revision >= 0n && state.hash === null, hash: state.hash ?? null }, events: [] };
      state.broken.events.push({ revision: event.revision, position: event.position, prev: chain.prev, hash: chain.hash });
    } else {
      findings.push(...settleBroken(event.streamName, state, link === 'good'));
    }
    state.revision = event.revision;
    state.position = event.position;
    state.hash = hash;
    return findings;
  }

  /** The findings only the end of the log settles: removed revisions, and breaks at a stream's end. */
  finish(): Finding[] {
    const findings: Finding[] = [];
    for (const [streamName, state] of this.streams) {
      findings.push(...settleBroken(streamName, state, false));
      for (const [from, to] of state.missing ?? []) {
        const detail = from === to ? `revision ${from} is missing from the stream` : `revisions ${from} to ${to} are missing from the stream`;
        findings.push({ kind: 'removed', streamName, revision: from, ...(to === from ? {} : { toRevision: to }), detail });
      }
    }
    return findings;
  }

  totals(): ChainTotals {
    let withUnchained = 0;
    for (const state of this.streams.values()) if (state.unchained) withUnchained++;
    return { events: this.events, streams: this.streams.size, unchainedEvents: this.unchainedEvents, streamsWithUnchainedEvents: withUnchained };
  }

  /** Every stream's head as the log shows it now. */
  *heads(): IterableIterator<[string, StreamHead]> {
    for (const [streamName, state] of this.streams) yield [streamName, { revision: state.revision, hash: state.hash ?? null }];
  }

  private outOfOrder(event: RecordedEvent, state: StreamState): Finding {
    const filled = fillMissing(state, event.revision);
    // What follows links to the event of the highest revision, which is no longer the last one read.
    state.hash = undefined;
    return at(event, 'reordered', `revision ${event.revision} comes after revision ${state.revision} in the log${filled ? '' : ', a second time'}`);
  }
}

/**
 * A run of broken links ends. Put back in the order its links give, starting from the event
 * before it, each event of the run that is not at its own revision was moved. A single break
 * that a good link follows means the event before it was replaced by another with a hash of
 * its own; events the links cannot place at all are named with what is certain.
 */
function settleBroken(streamName: string, state: StreamState, closedByGoodLink: boolean): Finding[] {
  const run = state.broken;
  if (run === undefined) return [];
  delete state.broken;
  const { before, events } = run;
  const [first] = events;
  if (first !== undefined && events.length === 1 && closedByGoodLink) {
    return before.revision < 0n
      ? [{ kind: 'removed', streamName, revision: first.revision, position: first.position, detail: 'it is chained to an event its stream no longer holds: the events before it were removed and the rest renumbered' }]
      : [{ kind: 'edited', streamName, revision: before.revision, position: before.position, detail: before.unchained ? 'its chain link was removed: the event after it is chained to it' : 'it was replaced by an event with a hash of its own: the event after it is chained to another' }];
  }
  const order = chainOrder(before.hash, events);
  return events.flatMap((event, index): Finding[] => {
    const written = order.get(event);
    if (written === index) return [];
    const detail =
      written === undefined
        ? `it is not chained to revision ${event.revision - 1n} before it: it or that event was moved, or that event rewritten`
        : `it is not where it was written: its chain puts it at revision ${before.revision + 1n + BigInt(written)}`;
    return [{ kind: 'reordered', streamName, revision: event.revision, position: event.position, detail }];
  });
}

/** Where the run's links put each of its events (an index into the run), as far as they go from the hash before it. */
function chainOrder(from: string | null, events: readonly Linked[]): Map<Linked, number> {
  const byPrev = new Map<string | null, Linked>();
  for (const event of events) if (!byPrev.has(event.prev)) byPrev.set(event.prev, event);
  const order = new Map<Linked, number>();
  for (let next = byPrev.get(from); next !== undefined && !order.has(next); next = byPrev.get(next.hash)) order.set(next, order.size);
  return order;
}

function fillMissing(state: StreamState, revision: StreamRevision): boolean {
  const missing = state.missing ?? [];
  const index = missing.findIndex(([from, to]) => from <= revision && revision <= to);
  if (index === -1) return false;
  const [from, to] = missing[index] as [StreamRevision, StreamRevision];
  const rest: Array<[StreamRevision, StreamRevision]> = [];
  if (from < revision) rest.push([from, revision - 1n]);
  if (revision < to) rest.push([revision + 1n, to]);
  missing.splice(index, 1, ...rest);
  return true;
}

function at(event: RecordedEvent, kind: FindingKind, detail: string): Finding {
  return { kind, streamName: event.streamName, revision: event.revision, position: event.position, detail };
}
