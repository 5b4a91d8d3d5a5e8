import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventData, RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { ChainVerifier, type Finding } from '../../../../src/shared/event-store/integrity/chain-verification';
import { chained } from '../../../../src/shared/event-store/integrity/chaining-event-store';
import { eventHash } from '../../../../src/shared/event-store/integrity/event-chain';

let nextPosition = 1n;

const metadata = () => ({ actorId: 'system:test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-01-01T00:00:00.000Z' });
const written = (count: number, type = 'ThingHappened'): EventData[] =>
  Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, data: { n: i, text: `event ${i}` }, metadata: metadata() }));

/** The events of one stream as a store records them: revisions 0.., positions in log order. */
function recorded(streamName: string, events: readonly EventData[], fromRevision = 0n): RecordedEvent[] {
  return events.map((event, i) => ({ ...event, streamName, revision: fromRevision + BigInt(i), position: nextPosition++, recordedAt: new Date() }));
}

const chainedStream = (streamName: string, count: number): RecordedEvent[] => recorded(streamName, chained(written(count), null));

function verify(log: readonly RecordedEvent[]): { findings: Finding[]; verifier: ChainVerifier } {
  const verifier = new ChainVerifier();
  const findings = log.flatMap((event) => verifier.observe(event));
  findings.push(...verifier.finish());
  return { findings, verifier };
}

const named = (findings: readonly Finding[]) => findings.map((f) => ({ kind: f.kind, stream: f.streamName, revision: f.revision, ...(f.toRevision === undefined ? {} : { to: f.toRevision }) }));

/** Moves the stored content (type, data, metadata) of two events between their places in the stream. */
function swapContents(events: RecordedEvent[], a: number, b: number): void {
  const [x, y] = [events[a]!, events[b]!];
  events[a] = { ...x, id: y.id, type: y.type, data: y.data, metadata: y.metadata };
  events[b] = { ...y, id: x.id, type: x.type, data: x.data, metadata: x.metadata };
}

describe('ChainVerifier', () => {
  it('finds nothing in intact streams, interleaved in the log, and counts them', () => {
    const a = chainedStream('user-a', 4);
    const b = chainedStream('user-b', 3);
    const log = [a[0]!, b[0]!, a[1]!, a[2]!, b[1]!, b[2]!, a[3]!];
    const { findings, verifier } = verify(log);
    expect(findings).to.deep.equal([]);
    expect(verifier.totals()).to.deep.equal({ events: 7, streams: 2, unchainedEvents: 0, streamsWithUnchainedEvents: 0 });
    expect(new Map(verifier.heads()).get('user-a')).to.deep.equal({ revision: 3n, hash: (a[3]!.metadata.chain as { hash: string }).hash });
  });

  it('reports events written before the chain as unchained, not as failures, and checks the chain that starts from null after them', () => {
    const old = recorded('user-old', written(3));
    const fresh = recorded('user-old', chained(written(2), null), 3n);
    const { findings, verifier } = verify([...old, ...fresh]);
    expect(findings).to.deep.equal([]);
    expect(verifier.totals()).to.include({ unchainedEvents: 3, streamsWithUnchainedEvents: 1 });
    expect(new Map(verifier.heads()).get('user-old')?.revision).to.equal(4n);
  });

  it('names an event whose data was edited, and only it', () => {
    const stream = chainedStream('user-e', 5);
    stream[2] = { ...stream[2]!, data: { n: 2, text: 'changed' } };
    expect(named(verify(stream).findings)).to.deep.equal([{ kind: 'edited', stream: 'user-e', revision: 2n }]);
  });

  it('names both events of a swap of their data as edited', () => {
    const stream = chainedStream('user-d', 5);
    const [one, two] = [stream[1]!.data, stream[2]!.data];
    stream[1] = { ...stream[1]!, data: two };
    stream[2] = { ...stream[2]!, data: one };
    expect(named(verify(stream).findings)).to.deep.equal([
      { kind: 'edited', stream: 'user-d', revision: 1n },
      { kind: 'edited', stream: 'user-d', revision: 2n },
    ]);
  });

  it('names a removed event by its revision, and removed first events too', () => {
    const middle = chainedStream('user-m', 5).filter((e) => e.revision !== 2n);
    const start = chainedStream('user-s', 4).filter((e) => e.revision > 1n);
    expect(named(verify([...middle, ...start]).findings)).to.deep.equal([
      { kind: 'removed', stream: 'user-m', revision: 2n },
      { kind: 'removed', stream: 'user-s', revision: 0n, to: 1n },
    ]);
  });

  it('names two events whose whole contents changed places as reordered, and not their intact neighbours', () => {
    const stream = chainedStream('user-r', 6);
    swapContents(stream, 2, 3);
    expect(named(verify(stream).findings)).to.deep.equal([
      { kind: 'reordered', stream: 'user-r', revision: 2n },
      { kind: 'reordered', stream: 'user-r', revision: 3n },
    ]);
  });

  it('names only the two events of a swap when one more event ends the stream', () => {
    const stream = chainedStream('user-u', 5);
    swapContents(stream, 2, 3);
    expect(named(verify(stream).findings)).to.deep.equal([
      { kind: 'reordered', stream: 'user-u', revision: 2n },
      { kind: 'reordered', stream: 'user-u', revision: 3n },
    ]);
  });

  it('names the ends of a reversed run of three and not the middle one, which kept its revision', () => {
    const stream = chainedStream('user-v', 6);
    swapContents(stream, 1, 3);
    const { findings } = verify(stream);
    expect(named(findings)).to.deep.equal([
      { kind: 'reordered', stream: 'user-v', revision: 1n },
      { kind: 'reordered', stream: 'user-v', revision: 3n },
    ]);
    expect(findings[0]?.detail).to.include('puts it at revision 3');
  });

  it('names the last two events of a stream when they changed places', () => {
    const stream = chainedStream('user-t', 4);
    swapContents(stream, 2, 3);
    expect(named(verify(stream).findings)).to.deep.equal([
      { kind: 'reordered', stream: 'user-t', revision: 2n },
      { kind: 'reordered', stream: 'user-t', revision: 3n },
    ]);
  });

  it('names an event out of revision order in the log as reordered, without calling its revision removed', () => {
    const stream = chainedStream('user-o', 5);
    const log = [stream[0]!, stream[1]!, { ...stream[3]!, position: stream[2]!.position }, { ...stream[2]!, position: stream[3]!.position }, stream[4]!];
    const { findings } = verify(log);
    expect(named(findings)).to.deep.equal([{ kind: 'reordered', stream: 'user-o', revision: 2n }]);
    expect(findings[0]?.detail).to.include('after revision 3');
  });

  it('names an event rewritten with a hash of its own, caught by the next event that still chains to the original', () => {
    const stream = chainedStream('user-f', 5);
    const victim = stream[2]!;
    const prev = (victim.metadata.chain as { prev: string }).prev;
    const data = { n: 2, text: 'forged' };
    const { chain: _dropped, ...rest } = victim.metadata;
    const hash = eventHash({ type: victim.type, data, metadata: rest }, prev);
    stream[2] = { ...victim, data, metadata: { ...rest, chain: { prev, hash } } };
    expect(named(verify(stream).findings)).to.deep.equal([{ kind: 'edited', stream: 'user-f', revision: 2n }]);
  });

  it('names an event whose chain link was stripped, or is not a pair of hashes, as edited', () => {
    const stream = chainedStream('user-x', 5);
    const { chain: _stripped, ...bare } = stream[1]!.metadata;
    stream[1] = { ...stream[1]!, metadata: { ...bare, actorId: bare.actorId } };
    stream[3] = { ...stream[3]!, metadata: { ...stream[3]!.metadata, chain: { prev: 'nope', hash: 42 } } };
    expect(named(verify(stream).findings)).to.deep.equal([
      { kind: 'edited', stream: 'user-x', revision: 1n },
      { kind: 'edited', stream: 'user-x', revision: 3n },
    ]);
  });

  it('catches chains stripped from the start of a stream through the first event still chained', () => {
    const stream = chainedStream('user-p', 4).map((event, i) => {
      if (i > 1) return event;
      const { chain: _stripped, ...bare } = event.metadata;
      return { ...event, metadata: { ...bare, actorId: bare.actorId } };
    });
    const { findings } = verify(stream);
    expect(named(findings)).to.deep.equal([{ kind: 'edited', stream: 'user-p', revision: 1n }]);
    expect(findings[0]?.detail).to.include('chain link was removed');
  });
});
