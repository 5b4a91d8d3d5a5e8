import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventStore, ExpectedRevision, RecordedEvent } from '../../../src/shared/event-store/event-store';
import { AppendTooLargeError, WrongExpectedVersionError } from '../../../src/shared/event-store/event-store';
import { DEFAULT_SCAN_WINDOW } from '../../../src/shared/event-store/event-filter';
import { aStream, anEvent, events } from './event-store/event-fixtures';
import { SubscriptionProbe } from './event-store/subscription-probe';
import { eventually } from '../../support/eventually';
import { rejection } from '../../support/rejection';

export { rejection };


async function expectWrongVersion(promise: Promise<unknown>, stream: string, expected: ExpectedRevision, actual: bigint | 'no_stream'): Promise<void> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(WrongExpectedVersionError);
  const wev = error as WrongExpectedVersionError;
  expect({ streamName: wev.streamName, expected: wev.expected, actual: wev.actual }).to.deep.equal({ streamName: stream, expected, actual });
}

const revisions = (recorded: readonly RecordedEvent[]): bigint[] => recorded.map((e) => e.revision);
const ids = (recorded: readonly { id: string }[]): string[] => recorded.map((e) => e.id);

function expectStrictlyIncreasing(positions: readonly bigint[]): void {
  positions.slice(1).forEach((position, i) => expect(position > (positions[i] as bigint), `position ${i + 1}`).to.equal(true));
}

/** A small scan window for the stores the contract runs against, so that short pages cost few events. */
export const CONTRACT_SCAN_WINDOW = 8;

/**
 * The one contract every EventStore adapter honours (EventStoreDB's semantics, see
 * eventstoredb-semantics.md). `open` gives a store on a log that other tests may share, so
 * every test works on streams, prefixes and types of its own.
 */
export interface StoreTraits {
  /**
   * PostgreSQL and in-memory keep event ids unique per stream, so a new batch that repeats a
   * stored id is refused. EventStoreDB writes it (rule 11: only a batch whose first id is known
   * is checked as a replay; rule 9: an exact current revision always writes).
   */
  readonly idsUniquePerStream: boolean;
  /** The scan window the store was opened with (DEFAULT_SCAN_WINDOW when not given). */
  readonly scanWindow?: number;
  /** What a decorator adds to every event's metadata on append (a schema version's stamp). */
  readonly stampsMetadata?: Readonly<Record<string, unknown>>;
}

export function eventStoreContract(open: () => Promise<EventStore>, traits: StoreTraits = { idsUniquePerStream: true }): void {
  let store: EventStore;
  before(async () => {
    store = await open();
  });
  after(async () => {
    await store.close();
  });

  describe('append with an expected revision', () => {
    it('no_stream creates the stream at revision 0 and fails once it exists', async () => {
      const stream = aStream();
      const first = await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
      expect(first.nextRevision).to.equal(0n);
      await expectWrongVersion(store.append(stream, [anEvent()], { expectedRevision: 'no_stream' }), stream, 'no_stream', 0n);
      expect(await store.readStream(stream)).to.have.length(1);
    });

    it('stream_exists fails on a missing stream without creating it, and appends to an existing one', async () => {
      const stream = aStream();
      await expectWrongVersion(store.append(stream, [anEvent()], { expectedRevision: 'stream_exists' }), stream, 'stream_exists', 'no_stream');
      expect(await store.readStream(stream)).to.deep.equal([]);
      await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
      const result = await store.append(stream, [anEvent()], { expectedRevision: 'stream_exists' });
      expect(result.nextRevision).to.equal(1n);
    });

    it('an exact revision appends when it is the current one', async () => {
      const stream = aStream();
      await store.append(stream, events(2));
      const result = await store.append(stream, [anEvent()], { expectedRevision: 1n });
      expect(result.nextRevision).to.equal(2n);
    });

    it('an exact revision above or below the current one fails with the actual revision', async () => {
      const stream = aStream();
      await store.append(stream, events(2));
      await expectWrongVersion(store.append(stream, [anEvent()], { expectedRevision: 5n }), stream, 5n, 1n);
      await expectWrongVersion(store.append(stream, [anEvent()], { expectedRevision: 0n }), stream, 0n, 1n);
      expect(await store.readStream(stream)).to.have.length(2);
    });

    it('an exact revision on a missing stream fails with no_stream', async () => {
      const stream = aStream();
      await expectWrongVersion(store.append(stream, [anEvent()], { expectedRevision: 0n }), stream, 0n, 'no_stream');
    });

    it('any (the default) creates a stream and appends to it', async () => {
      const stream = aStream();
      expect((await store.append(stream, [anEvent()])).nextRevision).to.equal(0n);
      expect((await store.append(stream, events(2), { expectedRevision: 'any' })).nextRevision).to.equal(2n);
      expect(revisions(await store.readStream(stream))).to.deep.equal([0n, 1n, 2n]);
    });
  });

  describe('idempotent replays by event id', () => {
    const cases: Array<[string, ExpectedRevision, ExpectedRevision]> = [
      ['any', 'any', 'any'],
      ['no_stream', 'no_stream', 'no_stream'],
      ['stream_exists', 'stream_exists', 'stream_exists'],
      ['an exact revision', 0n, 0n],
    ];
    for (const [label, first, replay] of cases) {
      it(`a replay with ${label} returns the original result and stores nothing twice`, async () => {
        const stream = aStream();
        if (first !== 'no_stream') await store.append(stream, [anEvent()]);
        const batch = events(3);
        const original = await store.append(stream, batch, { expectedRevision: first });
        const before = await store.readStream(stream);
        const again = await store.append(stream, batch, { expectedRevision: replay });
        expect(again).to.deep.equal(original);
        expect(await store.readStream(stream)).to.deep.equal(before);
      });
    }

    it('with any, a batch whose first id is stored but a later one is not fails', async () => {
      const stream = aStream();
      const stored = events(2);
      await store.append(stream, stored);
      await expectWrongVersion(store.append(stream, [stored[0]!, anEvent()]), stream, 'any', 1n);
      expect(ids(await store.readStream(stream))).to.deep.equal(ids(stored));
    });

    it('with an older exact revision, ids that differ from the stored ones fail', async () => {
      const stream = aStream();
      const stored = events(3);
      await store.append(stream, stored);
      await expectWrongVersion(store.append(stream, [stored[1]!, anEvent()], { expectedRevision: 0n }), stream, 0n, 2n);
      await expectWrongVersion(store.append(stream, [stored[2]!], { expectedRevision: 0n }), stream, 0n, 2n);
      await expectWrongVersion(store.append(stream, [stored[1]!, stored[2]!, anEvent()], { expectedRevision: 0n }), stream, 0n, 2n);
      const partial = await store.append(stream, [stored[1]!], { expectedRevision: 0n });
      expect(partial.nextRevision).to.equal(1n);
      expect(await store.readStream(stream)).to.have.length(3);
    });

    it('ids stored in another stream do not count', async () => {
      const batch = events(2);
      await store.append(aStream(), batch);
      const other = aStream();
      expect((await store.append(other, batch)).nextRevision).to.equal(1n);
      expect(ids(await store.readStream(other))).to.deep.equal(ids(batch));
    });

    if (traits.idsUniquePerStream) {
      it('a new batch that repeats an id already in the stream fails instead of storing it twice', async () => {
        const stream = aStream();
        const stored = anEvent();
        await store.append(stream, [stored]);
        await expectWrongVersion(store.append(stream, [anEvent(), stored]), stream, 'any', 0n);
        await expectWrongVersion(store.append(stream, [stored], { expectedRevision: 0n }), stream, 0n, 0n);
        expect(await store.readStream(stream)).to.have.length(1);
      });
    } else {
      it('a new batch that repeats a stored id later in the batch is written as new events, as EventStoreDB does', async () => {
        const stream = aStream();
        const stored = anEvent();
        await store.append(stream, [stored]);
        const result = await store.append(stream, [anEvent(), stored]);
        expect(result.nextRevision).to.equal(2n);
        expect(ids(await store.readStream(stream)).filter((id) => id === stored.id)).to.have.length(2);
      });
    }
  });

  describe('batches', () => {
    it('stores a batch atomically at consecutive 0-based revisions and reports its last event', async () => {
      const stream = aStream();
      const batch = events(3);
      const result = await store.append(stream, batch, { expectedRevision: 'no_stream' });
      const stored = await store.readStream(stream);
      expect(revisions(stored)).to.deep.equal([0n, 1n, 2n]);
      expect(ids(stored)).to.deep.equal(ids(batch));
      expect(result).to.deep.equal({ nextRevision: 2n, position: stored[2]!.position });
      expectStrictlyIncreasing(stored.map((e) => e.position));
    });

    it('records every field as it was given', async () => {
      const stream = aStream();
      const event = anEvent({ type: 'Typed.Event', data: { text: 'zoë "quoted"', n: 1.5, none: null, list: ['a'] } });
      await store.append(stream, [event]);
      const [stored] = await store.readStream(stream);
      const metadata = { ...event.metadata, ...traits.stampsMetadata };
      expect(stored).to.deep.include({ id: event.id, type: event.type, data: event.data, streamName: stream, revision: 0n });
      // A decorator may add to the metadata (a schema version's stamp, the hash chain), never change what was given.
      expect(stored!.metadata).to.deep.include(metadata);
      expect(stored!.recordedAt).to.be.instanceOf(Date);
      expect(typeof stored!.position).to.equal('bigint');
    });

    it('stores missing data as null', async () => {
      const stream = aStream();
      await store.append(stream, [anEvent({ data: undefined })]);
      expect((await store.readStream(stream))[0]?.data).to.equal(null);
    });

    it('rejects an empty batch, a non-UUID id or an id repeated in the batch, writing nothing', async () => {
      const stream = aStream();
      const repeated = anEvent();
      for (const batch of [[], [anEvent(), anEvent({ id: 'not-a-uuid' })], [repeated, repeated]]) {
        expect(await rejection(store.append(stream, batch))).to.be.instanceOf(TypeError);
      }
      expect(await store.readStream(stream)).to.deep.equal([]);
    });

    it('rejects a batch above the maximum append size, writing nothing', async () => {
      const stream = aStream();
      const big = anEvent({ data: { blob: 'x'.repeat(600_000) } });
      const error = await rejection(store.append(stream, [big, { ...big, id: randomUUID() }]));
      expect(error).to.be.instanceOf(AppendTooLargeError);
      expect(await store.readStream(stream)).to.deep.equal([]);
    });
  });

  describe('concurrent appends', () => {
    it('50 concurrent appends with any to one stream all succeed, using revisions 0..49 once each', async () => {
      const stream = aStream();
      const results = await Promise.all(Array.from({ length: 50 }, () => store.append(stream, [anEvent()])));
      const used = results.map((r) => r.nextRevision).sort((a, b) => (a < b ? -1 : 1));
      expect(used).to.deep.equal(Array.from({ length: 50 }, (_, i) => BigInt(i)));
      expect(revisions(await store.readStream(stream))).to.deep.equal(used);
    });

    it('of 20 concurrent no_stream appends to one stream exactly one succeeds', async () => {
      const stream = aStream();
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(stream, [anEvent()], { expectedRevision: 'no_stream' })));
      const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
      expect(failures).to.have.length(19);
      failures.forEach((f) => expect(f).to.be.instanceOf(WrongExpectedVersionError));
      expect(await store.readStream(stream)).to.have.length(1);
    });
  });

  describe('reading a stream', () => {
    let stream: string;
    before(async () => {
      stream = aStream();
      await store.append(stream, events(5));
    });

    it('reads forwards from revision 0 by default', async () => {
      expect(revisions(await store.readStream(stream))).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
    });

    it('reads forwards from an inclusive revision, capped by maxCount', async () => {
      expect(revisions(await store.readStream(stream, { fromRevision: 2n }))).to.deep.equal([2n, 3n, 4n]);
      expect(revisions(await store.readStream(stream, { fromRevision: 1n, maxCount: 2 }))).to.deep.equal([1n, 2n]);
      expect(await store.readStream(stream, { fromRevision: 9n })).to.deep.equal([]);
    });

    it('reads backwards from the end, or from an inclusive revision', async () => {
      expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).to.deep.equal([4n, 3n, 2n, 1n, 0n]);
      expect(revisions(await store.readStream(stream, { direction: 'backwards', maxCount: 2 }))).to.deep.equal([4n, 3n]);
      expect(revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 2n }))).to.deep.equal([2n, 1n, 0n]);
    });

    it('answers an empty list for a stream that has no events', async () => {
      expect(await store.readStream(aStream())).to.deep.equal([]);
      expect(await store.readStream(aStream(), { direction: 'backwards' })).to.deep.equal([]);
    });
  });

  describe('reading several streams at once', () => {
    let first: string;
    let second: string;
    before(async () => {
      first = aStream();
      second = aStream();
      await store.append(first, events(3));
      await store.append(second, events(4));
    });

    it('answers each read in the order asked, from its inclusive revision, as readStream would', async () => {
      const answers = await store.readStreams([
        { streamName: second, fromRevision: 2n },
        { streamName: aStream() },
        { streamName: first },
        { streamName: first, fromRevision: 7n },
      ]);
      expect(answers.map(revisions)).to.deep.equal([[2n, 3n], [], [0n, 1n, 2n], []]);
      expect(answers[2]).to.deep.equal(await store.readStream(first));
    });

    it('answers nothing for no reads, and the same stream twice when asked twice', async () => {
      expect(await store.readStreams([])).to.deep.equal([]);
      const [a, b] = await store.readStreams([{ streamName: first }, { streamName: first, fromRevision: 1n }]);
      expect([revisions(a ?? []), revisions(b ?? [])]).to.deep.equal([[0n, 1n, 2n], [1n, 2n]]);
    });
  });

  describe('reading the global log', () => {
    it('knows its head: the position of the last event a reader can see', async () => {
      const { position } = await store.append(aStream(), events(2));
      const head = await store.headPosition();
      expect(head !== undefined && head >= position, `head ${String(head)} at or after ${position}`).to.equal(true);
      const page = await store.readAll({ after: head });
      expect(page.events.filter((e) => e.position <= position)).to.deep.equal([]);
    });

    it('reads after an exclusive position in log order with strictly increasing positions', async () => {
      const prefix = `g${randomUUID().slice(0, 8)}`;
      const [a, b] = [aStream(prefix), aStream(prefix)];
      const first = await store.append(a, [anEvent()]);
      await store.append(b, events(2));
      await store.append(a, [anEvent()]);
      const page = await store.readAll({ after: first.position, filter: { streamNamePrefixes: [`${prefix}-`] } });
      expect(page.events.map((e) => `${e.streamName}@${e.revision}`)).to.deep.equal([`${b}@0`, `${b}@1`, `${a}@1`]);
      expectStrictlyIncreasing([first.position, ...page.events.map((e) => e.position)]);
      expect(page.isEnd).to.equal(true);
    });

    it('caps a page with maxCount and continues from its last position', async () => {
      const prefix = `m${randomUUID().slice(0, 8)}`;
      const stream = aStream(prefix);
      const start = await store.append(aStream(), [anEvent()]);
      await store.append(stream, events(5));
      const filter = { streamNamePrefixes: [prefix] };
      const page = await store.readAll({ after: start.position, maxCount: 2, filter });
      expect(revisions(page.events)).to.deep.equal([0n, 1n]);
      expect(page).to.include({ lastPosition: page.events[1]!.position, isEnd: false });
      const rest = await store.readAll({ after: page.lastPosition, filter });
      expect(revisions(rest.events)).to.deep.equal([2n, 3n, 4n]);
      expect(rest.isEnd).to.equal(true);
    });

    it('filters by stream-name prefixes', async () => {
      const [p1, p2, p3] = [`a${randomUUID().slice(0, 8)}`, `b${randomUUID().slice(0, 8)}`, `c${randomUUID().slice(0, 8)}`];
      const start = await store.append(aStream(), [anEvent()]);
      const [s1, s2, s3] = [aStream(p1), aStream(p2), aStream(p3)];
      for (const s of [s1, s2, s3, s1]) await store.append(s, [anEvent()]);
      const page = await store.readAll({ after: start.position, filter: { streamNamePrefixes: [p1, p3] } });
      expect(page.events.map((e) => e.streamName)).to.deep.equal([s1, s3, s1]);
    });

    it('filters by event-type prefixes', async () => {
      const kind = `Kind${randomUUID().slice(0, 8)}`;
      const start = await store.append(aStream(), [anEvent()]);
      const stream = aStream();
      await store.append(stream, [anEvent({ type: `${kind}.Created` }), anEvent({ type: 'Other' }), anEvent({ type: `${kind}.Renamed` })]);
      const page = await store.readAll({ after: start.position, filter: { eventTypePrefixes: [`${kind}.`] } });
      expect(page.events.map((e) => e.type)).to.deep.equal([`${kind}.Created`, `${kind}.Renamed`]);
    });

    it('reports how far it scanned when nothing matches the filter', async () => {
      const start = await store.append(aStream(), [anEvent()]);
      const end = await store.append(aStream(), events(2));
      const page = await store.readAll({ after: start.position, filter: { streamNamePrefixes: [`none-${randomUUID()}`] } });
      expect(page.events).to.deep.equal([]);
      expect(page.lastPosition! >= end.position).to.equal(true);
      expect(page.isEnd).to.equal(true);
    });

    it('a filtered page scans a bounded window: it may end short of maxCount, even empty, with isEnd false, and reading on finds every match once', async () => {
      const prefix = `w${randomUUID().slice(0, 8)}`;
      const filter = { streamNamePrefixes: [`${prefix}-`] };
      const [early, late] = [aStream(prefix), aStream(prefix)];
      const window = traits.scanWindow ?? DEFAULT_SCAN_WINDOW;
      const start = await store.append(aStream(), [anEvent()]);
      const first = await store.append(early, [anEvent()]);
      for (let written = 0; written < 2 * window; written += 500) await store.append(aStream(), events(Math.min(500, 2 * window - written)));
      await store.append(late, [anEvent()]);

      const pages = [await store.readAll({ after: start.position, maxCount: 2, filter })];
      expect(pages[0]!.events.map((e) => e.streamName)).to.deep.equal([early]);
      expect(pages[0]!.isEnd).to.equal(false);
      expect(pages[0]!.lastPosition! > first.position).to.equal(true);
      while (!pages[pages.length - 1]!.isEnd) {
        const after = pages[pages.length - 1]!.lastPosition!;
        const page = await store.readAll({ after, maxCount: 2, filter });
        expect(page.lastPosition === undefined || page.lastPosition > after, 'each page moves on').to.equal(true);
        pages.push(page);
      }
      expect(pages[1]).to.include({ isEnd: false });
      expect(pages[1]!.events).to.deep.equal([]);
      expect(pages.flatMap((page) => page.events.map((e) => e.streamName))).to.deep.equal([early, late]);
    });

    it('rejects a maxCount that is not a positive integer', async () => {
      for (const maxCount of [0, -1, 1.5]) {
        expect(await rejection(store.readAll({ maxCount })), String(maxCount)).to.be.instanceOf(RangeError);
        expect(await rejection(store.readStream(aStream(), { maxCount })), String(maxCount)).to.be.instanceOf(RangeError);
      }
    });

    it('answers an empty, ended page after the last event', async () => {
      await store.append(aStream(), [anEvent()]);
      const tail = await store.readAll({ after: (await store.readAll()).lastPosition });
      expect(tail).to.deep.equal({ events: [], lastPosition: undefined, isEnd: true });
    });
  });

  describe('catch-up subscriptions', () => {
    it('delivers history, then caught_up, then live events, in order', async () => {
      const prefix = `s${randomUUID().slice(0, 8)}`;
      const stream = aStream(prefix);
      await store.append(stream, events(3));
      const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: [prefix] } });
      try {
        await probe.waitForCaughtUp();
        await store.append(stream, events(2));
        await probe.waitForEvents(5);
        expect(revisions(probe.events)).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
        const caughtUpAt = probe.messages.findIndex((m) => m.type === 'caught_up');
        expect(probe.messages.slice(0, caughtUpAt).filter((m) => m.type === 'event')).to.have.length(3);
        expect(probe.messages.filter((m) => m.type === 'caught_up')).to.have.length(1);
      } finally {
        await probe.close();
      }
    });

    it('starts after an exclusive position', async () => {
      const prefix = `x${randomUUID().slice(0, 8)}`;
      const stream = aStream(prefix);
      const first = await store.append(stream, events(2));
      await store.append(stream, events(2));
      const probe = new SubscriptionProbe(store, { after: first.position, filter: { streamNamePrefixes: [prefix] } });
      try {
        await probe.waitForCaughtUp();
        expect(revisions(probe.events)).to.deep.equal([2n, 3n]);
      } finally {
        await probe.close();
      }
    });

    it('checkpoints at least every batchSize events and before caught_up, also when the filter matches nothing', async () => {
      const prefix = `c${randomUUID().slice(0, 8)}`;
      const start = await store.append(aStream(), [anEvent()]);
      await store.append(aStream(prefix), events(5));
      const last = await store.append(aStream(), [anEvent()]);
      const matching = new SubscriptionProbe(store, { after: start.position, batchSize: 2, filter: { streamNamePrefixes: [prefix] } });
      const none = new SubscriptionProbe(store, { after: start.position, filter: { streamNamePrefixes: [`none-${randomUUID()}`] } });
      try {
        await matching.waitForCaughtUp();
        await none.waitForCaughtUp();
        const history = matching.messages.slice(0, matching.messages.findIndex((m) => m.type === 'caught_up'));
        expect(revisions(history.flatMap((m) => (m.type === 'event' ? [m.event] : [])))).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
        const runs = history.map((m) => (m.type === 'event' ? 'e' : '|')).join('').split('|');
        expect(Math.max(...runs.map((run) => run.length)), history.map((m) => m.type).join(',')).to.be.at.most(2);
        expect(history[history.length - 1]?.type).to.equal('checkpoint');
        expect(none.events).to.deep.equal([]);
        const beforeCaughtUp = none.messages.slice(0, none.messages.findIndex((m) => m.type === 'caught_up'));
        const reached = beforeCaughtUp.flatMap((m) => (m.type === 'checkpoint' ? [m.position] : []));
        expect(reached.some((position) => position >= last.position), 'a checkpoint past the last event').to.equal(true);
      } finally {
        await matching.close();
        await none.close();
      }
    });

    it('checkpoints a live event once nothing else is pending, so a consumer can commit it', async () => {
      const prefix = `k${randomUUID().slice(0, 8)}`;
      const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: [prefix] } });
      try {
        await probe.waitForCaughtUp();
        const appended = await store.append(aStream(prefix), [anEvent()]);
        await probe.waitFor('a checkpoint at the live event', (p) =>
          p.messages.some((m) => m.type === 'checkpoint' && m.position >= appended.position));
      } finally {
        await probe.close();
      }
    });

    it('checkpoints past live events its filter does not match, so a consumer can reach the head of the log', async () => {
      const prefix = `p${randomUUID().slice(0, 8)}`;
      const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: [prefix] } });
      try {
        await probe.waitForCaughtUp();
        await store.append(aStream(prefix), [anEvent()]);
        await probe.waitForEvents(1);
        // A read-your-writes wait on this consumer for a write to another stream ends only so.
        const elsewhere = await store.append(aStream(), [anEvent()]);
        await probe.waitFor('a checkpoint at the unmatched live event', (p) =>
          p.messages.some((m) => m.type === 'checkpoint' && m.position >= elsewhere.position));
        expect(probe.events).to.have.length(1);
      } finally {
        await probe.close();
      }
    });

    it('a live subscriber gets every event of many concurrent appends exactly once, in position order', async () => {
      const prefix = `l${randomUUID().slice(0, 8)}`;
      const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: [prefix] } });
      try {
        await probe.waitForCaughtUp();
        const streams = Array.from({ length: 10 }, () => aStream(prefix));
        const batches = Array.from({ length: 60 }, (_, i) => ({ stream: streams[i % 10]!, batch: events(5) }));
        await Promise.all(batches.map(({ stream, batch }) => store.append(stream, batch)));
        await probe.waitForEvents(300);
        await store.append(streams[0]!, [anEvent()]);
        await probe.waitForEvents(301);
        const delivered = probe.events;
        expect(new Set(ids(delivered)).size).to.equal(301);
        expect(ids(delivered.slice(0, 300)).sort()).to.deep.equal(batches.flatMap((b) => ids(b.batch)).sort());
        expectStrictlyIncreasing(delivered.map((e) => e.position));
      } finally {
        await probe.close();
      }
    });

    it('close() ends a pending iteration without error, and is idempotent', async () => {
      const subscription = store.subscribe({ filter: { streamNamePrefixes: [`none-${randomUUID()}`] } });
      const seen: string[] = [];
      const iterating = (async () => {
        for await (const message of subscription) seen.push(message.type);
      })();
      await eventually('caught_up', () => seen.includes('caught_up'));
      await subscription.close();
      await subscription.close();
      await iterating;
      expect(seen).to.include('caught_up');
    });

    it('a subscription closed before iterating yields nothing', async () => {
      const subscription = store.subscribe();
      await subscription.close();
      const seen: unknown[] = [];
      for await (const message of subscription) seen.push(message);
      expect(seen).to.deep.equal([]);
    });
  });
}
