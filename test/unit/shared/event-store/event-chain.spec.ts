import { createHash } from 'node:crypto';
import { expect } from 'chai';
import canonicalize from 'canonicalize';
import { chainOf, eventHash } from '../../../../src/shared/event-store/integrity/event-chain';
import { ANCHOR_FORMAT, AnchorFileError, anchorOf, parseAnchor } from '../../../../src/shared/event-store/integrity/log-anchor';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the event hash', () => {
  it('is the SHA-256 of the RFC 8785 canonical JSON of type, data, metadata without its chain, and prev, which anyone can recompute', () => {
    const event = { type: 'UserCreated', data: { username: 'zoë', b: [true, null, 1.5], a: 1 }, metadata: { occurredAt: 'now', actorId: 'x', chain: { prev: null, hash: 'ignored' } } };
    const canonical = '{"data":{"a":1,"b":[true,null,1.5],"username":"zoë"},"metadata":{"actorId":"x","occurredAt":"now"},"prev":null,"type":"UserCreated"}';
    expect(eventHash(event, null)).to.equal(sha256(canonical));
  });

  it('changes with the previous hash, the type, the data and the metadata, and not with key order', () => {
    const base = { type: 'T', data: { a: 1, b: 2 }, metadata: { actorId: 'x', correlationId: 'c' } };
    const hash = eventHash(base, null);
    expect(eventHash({ ...base, data: { b: 2, a: 1 }, metadata: { correlationId: 'c', actorId: 'x' } }, null)).to.equal(hash);
    for (const other of [
      eventHash(base, 'a'.repeat(64)),
      eventHash({ ...base, type: 'U' }, null),
      eventHash({ ...base, data: { a: 1, b: 3 } }, null),
      eventHash({ ...base, metadata: { actorId: 'y', correlationId: 'c' } }, null),
    ]) expect(other).to.not.equal(hash);
  });

  it('reads a link, no link, or a malformed one from metadata', () => {
    const hash = 'a'.repeat(64);
    expect(chainOf({ chain: { prev: null, hash } })).to.deep.equal({ prev: null, hash });
    expect(chainOf({ actorId: 'x' })).to.equal('unchained');
    expect(chainOf(undefined)).to.equal('unchained');
    for (const chain of [null, 'x', { prev: null }, { prev: 'short', hash }, { prev: null, hash: hash.toUpperCase() }]) expect(chainOf({ chain })).to.equal('malformed');
  });
});

describe('the anchor', () => {
  const heads: Array<[string, { revision: bigint; hash: string | null }]> = [
    ['user-b', { revision: 3n, hash: 'b'.repeat(64) }],
    ['user-a', { revision: 0n, hash: null }],
  ];

  it('lists every stream head by name with a digest of the whole, and reads back from its own text', () => {
    const anchor = anchorOf(heads, 1234n, new Date('2026-03-01T00:00:00.000Z'));
    expect(anchor.format).to.equal(ANCHOR_FORMAT);
    expect(anchor.position).to.equal('1234');
    expect(anchor.streams).to.deep.equal([
      { stream: 'user-a', revision: '0', hash: null },
      { stream: 'user-b', revision: '3', hash: 'b'.repeat(64) },
    ]);
    expect(anchor.digest).to.match(/^[0-9a-f]{64}$/);
    expect(parseAnchor(JSON.stringify(anchor, null, 2))).to.deep.equal(anchor);
  });

  it('names a session stream by the digest of its id, never by the id, and still reads a version 1 anchor', () => {
    const id = '0190f0e4-6a7b-7c8d-9e0f-123456789abc';
    const anchor = anchorOf([[`session-${id}`, { revision: 1n, hash: null }], ...heads], 1n, new Date('2026-03-01T00:00:00.000Z'));
    expect(anchor.streams.map((s) => s.stream)).to.deep.equal([`session-#${createHash('sha256').update(id).digest('hex')}`, 'user-a', 'user-b']);
    expect(JSON.stringify(anchor)).to.not.include(id);

    const { digest: _digest, ...body } = { ...anchorOf(heads, 1n, new Date()), format: 'userledger-anchor/1' };
    const version1 = { ...body, digest: createHash('sha256').update(canonicalize(body) ?? '').digest('hex') };
    expect(parseAnchor(JSON.stringify(version1)).streams).to.have.length(2);
  });

  it('refuses a file that is not an anchor, or whose content no longer matches its digest', () => {
    const anchor = anchorOf(heads, undefined, new Date());
    const altered = { ...anchor, streams: anchor.streams.map((s) => ({ ...s, revision: '9' })) };
    for (const [text, message] of [
      ['not json', 'not JSON'],
      ['{"format":"other"}', 'not a userledger-anchor/1'],
      [JSON.stringify(altered), 'does not match its digest'],
    ] as const) {
      expect(() => parseAnchor(text)).to.throw(AnchorFileError, message);
    }
  });
});
