import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { CryptoSessionIdGenerator } from '../../../../../src/features/sessions/adapters/crypto-session-id-generator';
import { JwtTokenCodec } from '../../../../../src/features/sessions/adapters/jwt-token-codec';

const SECRET = 'a-jwt-secret-of-at-least-32-characters';
const now = new Date('2026-01-01T12:00:00.000Z');
const inFiveMinutes = new Date(now.getTime() + 300_000);

describe('JwtTokenCodec', () => {
  const codec = new JwtTokenCodec(SECRET);
  const sessionId = new CryptoSessionIdGenerator().newSessionId();

  it('issues an HS256 token with exactly auth_session_id and exp in seconds', () => {
    const token = codec.issue(sessionId, new Date(inFiveMinutes.getTime() + 999));
    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
    expect(decoded?.payload).to.deep.equal({ auth_session_id: sessionId, exp: inFiveMinutes.getTime() / 1000 });
    expect(jwt.verify(token, SECRET, { clockTimestamp: now.getTime() / 1000 })).to.deep.equal(decoded?.payload);
    expect(codec.decode(token, now)).to.deep.equal({ sessionId });
  });

  it('decodes to null when expired, forged, malformed, unsigned or missing a claim', () => {
    const token = codec.issue(sessionId, inFiveMinutes);
    const exp = inFiveMinutes.getTime() / 1000;
    expect(codec.decode(token, inFiveMinutes)).to.equal(null);
    expect(codec.decode(`${token.slice(0, -2)}xx`, now)).to.equal(null);
    expect(codec.decode('not.a.jwt', now)).to.equal(null);
    expect(codec.decode(jwt.sign({ auth_session_id: sessionId, exp }, 'another-secret-of-32-characters-long!'), now)).to.equal(null);
    expect(codec.decode(jwt.sign({ auth_session_id: sessionId, exp }, SECRET, { algorithm: 'HS512' }), now)).to.equal(null);
    expect(codec.decode(jwt.sign({ auth_session_id: sessionId, exp }, '', { algorithm: 'none' }), now)).to.equal(null);
    expect(codec.decode(jwt.sign({ exp }, SECRET), now)).to.equal(null);
    expect(codec.decode(jwt.sign({ auth_session_id: 42, exp }, SECRET), now)).to.equal(null);
    expect(codec.decode(jwt.sign({ auth_session_id: sessionId }, SECRET), now)).to.equal(null);
  });

  it('signs with the configured algorithm and refuses tokens of another', () => {
    const hs512 = new JwtTokenCodec(SECRET, 'HS512');
    const token = hs512.issue(sessionId, inFiveMinutes);
    expect(jwt.decode(token, { complete: true })?.header).to.deep.equal({ alg: 'HS512', typ: 'JWT' });
    expect(hs512.decode(token, now)).to.deep.equal({ sessionId });
    expect(codec.decode(token, now)).to.equal(null);
    expect(hs512.decode(codec.issue(sessionId, inFiveMinutes), now)).to.equal(null);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new JwtTokenCodec('short')).to.throw(RangeError);
  });
});

describe('CryptoSessionIdGenerator', () => {
  it('makes 43-character base64url ids', () => {
    const ids = new CryptoSessionIdGenerator();
    expect(ids.newSessionId()).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(ids.newSessionId()).to.not.equal(ids.newSessionId());
  });
});
