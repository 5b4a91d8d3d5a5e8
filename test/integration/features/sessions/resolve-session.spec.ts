import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { JwtTokenCodec, sessionStreamName, type SessionResolution } from '../../../../src/features/sessions';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { JWT_SECRET, TTL_MS, buildFeatures, type Features } from '../harness';
import { InterceptableStore } from '../interceptable-store';

function authenticated(resolution: SessionResolution) {
  if (resolution.status !== 'authenticated') throw new Error(`expected authenticated, got ${resolution.status}`);
  return resolution;
}

describe('ResolveSessionHandler', () => {
  let store: InterceptableStore;
  let f: Features;
  beforeEach(() => {
    store = new InterceptableStore();
    f = buildFeatures({ store });
  });
  const resolve = (token: string | undefined) => f.resolveSession.execute({ token }, f.ctx());
  const sessionTypes = async (sessionId: string) => (await store.readStream(sessionStreamName(sessionId))).map((e) => e.type);

  it('is anonymous without a token, or with a malformed, forged or foreign token', async () => {
    const user = await f.aUser();
    const { sessionId } = await f.aSession(user);
    const forged = new JwtTokenCodec('another-secret-with-32-characters-or-more').issue(sessionId, new Date(Date.now() + TTL_MS));
    const noClaim = jwt.sign({ exp: Math.floor(f.clock.now().getTime() / 1000) + 60 }, JWT_SECRET);
    const unknownSession = f.tokens.issue('no-such-session', new Date(f.clock.now().getTime() + TTL_MS));
    for (const token of [undefined, '', 'garbage', forged, noClaim, unknownSession]) {
      expect(await resolve(token)).to.deep.equal({ status: 'anonymous' });
    }
  });

  it('resolves the caller from the session and user streams', async () => {
    const user = await f.aUser();
    const { token, sessionId } = await f.aSession(user);
    const resolution = authenticated(await resolve(token));
    expect(resolution.caller).to.deep.equal({ userId: user.userId, role: 'user', username: user.username, sessionId });
    expect(resolution.renewed).to.equal(undefined);
  });

  it('does not renew before the last 20 % of the TTL, and renews inside it with a new token', async () => {
    const user = await f.aUser();
    const { token, sessionId } = await f.aSession(user);
    f.clock.advance(TTL_MS * 0.8 - 1000);
    expect(authenticated(await resolve(token)).renewed).to.equal(undefined);
    f.clock.advance(1000);
    const { renewed } = authenticated(await resolve(token));
    expect(renewed?.expiresAt.getTime()).to.equal(f.clock.now().getTime() + TTL_MS);
    expect(f.tokens.decode(renewed?.token ?? '', f.clock.now())).to.deep.equal({ sessionId });
    expect(jwt.decode(renewed?.token ?? '')).to.deep.equal({ auth_session_id: sessionId, exp: Math.floor((renewed?.expiresAt.getTime() ?? 0) / 1000) });
    expect(await sessionTypes(sessionId)).to.deep.equal(['SessionStarted', 'SessionExtended']);

    // the renewed session outlives the original expiry; an idle one dies after exactly one TTL
    f.clock.advance(TTL_MS * 0.5);
    expect(authenticated(await resolve(renewed?.token)).caller.sessionId).to.equal(sessionId);
    f.clock.advance(TTL_MS * 0.5);
    expect(await resolve(renewed?.token)).to.deep.equal({ status: 'anonymous' });
  });

  it('is anonymous once the session expired (expiresAt ≤ now)', async () => {
    const user = await f.aUser();
    const { token } = await f.aSession(user);
    f.clock.advance(TTL_MS);
    expect(await resolve(token)).to.deep.equal({ status: 'anonymous' });
  });

  it('keeps the old expiry silently when the renewal cannot be stored', async () => {
    const user = await f.aUser();
    const { token, sessionId } = await f.aSession(user);
    f.clock.advance(TTL_MS * 0.9);
    store.intercept(() => {
      throw new EventStoreUnavailableError('down');
    });
    const resolution = authenticated(await resolve(token));
    store.intercept(undefined);
    expect(resolution.renewed).to.equal(undefined);
    expect(await sessionTypes(sessionId)).to.deep.equal(['SessionStarted']);
  });

  it('is anonymous after logout, while the user’s other sessions stay valid', async () => {
    const user = await f.aUser();
    const first = await f.aSession(user);
    const second = await f.aSession(user);
    const caller = authenticated(await resolve(first.token)).caller;
    await f.logOut.execute({ caller }, f.ctx(user.userId));
    expect(await resolve(first.token)).to.deep.equal({ status: 'anonymous' });
    expect(await resolve(second.token)).to.have.property('status', 'authenticated');
    expect(await sessionTypes(first.sessionId)).to.deep.equal(['SessionStarted', 'SessionEnded']);
  });

  it('is anonymous on the very next request after a deactivation, before any reaction ran, also after reactivation', async () => {
    const admin = await f.aUser('admin');
    const user = await f.aUser();
    const { token, sessionId } = await f.aSession(user);
    f.clock.advance(1000);
    await f.deactivateUser.execute({ actor: admin, userId: user.userId }, f.ctx(admin.userId));
    expect(await resolve(token)).to.deep.equal({ status: 'anonymous' });
    expect(await sessionTypes(sessionId)).to.deep.equal(['SessionStarted']);

    await f.activateUser.execute({ actor: admin, userId: user.userId }, f.ctx(admin.userId));
    expect(await resolve(token)).to.deep.equal({ status: 'anonymous' });
    f.clock.advance(1000);
    const fresh = await f.aSession(user);
    expect(await resolve(fresh.token)).to.have.property('status', 'authenticated');
  });

  it('shows a promotion and a demotion on the next request of an existing session', async () => {
    const boss = await f.aUser('super_admin');
    const user = await f.aUser();
    const { token } = await f.aSession(user);
    await f.grantAdmin.execute({ actor: boss, userId: user.userId }, f.ctx(boss.userId));
    expect(authenticated(await resolve(token)).caller.role).to.equal('admin');
    await f.revokeAdmin.execute({ actor: boss, userId: user.userId }, f.ctx(boss.userId));
    expect(authenticated(await resolve(token)).caller.role).to.equal('user');
  });

  it('is forbidden for a live session of an inactive user, and ends all of that user’s sessions', async () => {
    const user = await f.aUser();
    const admin = await f.aUser('admin');
    await f.deactivateUser.execute({ actor: admin, userId: user.userId }, f.ctx(admin.userId));
    // sessions started after the deactivation (a login that raced it) are not covered by it
    f.clock.advance(1000);
    const sessions = [randomUUID(), randomUUID()];
    for (const sessionId of sessions) {
      const now = f.clock.now();
      await store.append(sessionStreamName(sessionId), [{
        id: randomUUID(),
        type: 'SessionStarted',
        data: { sessionId, userId: user.userId, startedAt: now.toISOString(), expiresAt: new Date(now.getTime() + TTL_MS).toISOString() },
        metadata: { actorId: user.userId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: now.toISOString() },
      }]);
    }
    const token = f.tokens.issue(sessions[0] as string, new Date(f.clock.now().getTime() + TTL_MS));
    expect(await resolve(token)).to.deep.equal({ status: 'forbidden' });
    for (const sessionId of sessions) expect(await sessionTypes(sessionId)).to.deep.equal(['SessionStarted', 'SessionEnded']);
    expect(await resolve(token)).to.deep.equal({ status: 'anonymous' });
  });

  it('is forbidden for a live session whose user does not exist', async () => {
    const sessionId = randomUUID();
    const now = f.clock.now();
    await store.append(sessionStreamName(sessionId), [{
      id: randomUUID(),
      type: 'SessionStarted',
      data: { sessionId, userId: randomUUID(), startedAt: now.toISOString(), expiresAt: new Date(now.getTime() + TTL_MS).toISOString() },
      metadata: { actorId: 'test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: now.toISOString() },
    }]);
    expect(await resolve(f.tokens.issue(sessionId, new Date(now.getTime() + TTL_MS)))).to.deep.equal({ status: 'forbidden' });
    const [, ended] = await store.readStream(sessionStreamName(sessionId));
    expect(ended?.data).to.include({ reason: 'user_unavailable' });
    expect(ended?.metadata.actorId).to.equal('system:resolve-session');
  });
});
