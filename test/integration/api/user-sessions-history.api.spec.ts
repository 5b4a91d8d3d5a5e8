import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { aRegisteredUser, aSessionOf, type GivenUser } from '../../support/api-histories';
import { apiSpecification, type ApiRequest, type History } from '../../support/api-specification';
import { T0 } from '../../support/builders';

const NOT_AUTHORIZED = { error: 'Not authorized.', code: 'auth.not_authorized' };
const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const handleOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex').slice(0, 8);

interface SessionJson {
  session: string;
  started_at: string | null;
  expires_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  events: Array<{ type: string; actor: unknown; data: Record<string, unknown> }>;
}

// Complete whatever the sessions projection has folded: the log after its checkpoint holds the rest.
const INDEXES = ['caught-up', 'stopped-after-given', 'never-ran'] as const;

for (const sessionsIndex of INDEXES) describe(`API: a user's sessions (sessions index ${sessionsIndex})`, () => {
  const api = apiSpecification({ sessionsIndex });
  after(() => api.close());

  const root = aRegisteredUser('root.admin', { role: 'super_admin' });
  const admin = aRegisteredUser('adam.admin', { role: 'admin' });
  const user = aRegisteredUser('alice.smith');
  const otherUser = aRegisteredUser('bob.jones');
  const otherAdmin = aRegisteredUser('other.admin', { role: 'admin' });
  const everyone: History[] = [root.history, admin.history, user.history, otherUser.history, otherAdmin.history];

  function signedIn(caller: GivenUser, ...more: History[]) {
    const session = aSessionOf(caller);
    const scenario = api.given(...everyone, ...more, session.history);
    const token = scenario.tokenFor(session);
    return { scenario, session, as: (request: ApiRequest): ApiRequest => ({ ...request, token }) };
  }
  const sessionsOf = (userId: string): ApiRequest => ({ method: 'GET', path: `/api/v1/users/${userId}/sessions/history` });

  it("an admin reads a user's sessions: started and ended, the end reason, a handle instead of the id", async () => {
    const earlier = aSessionOf(user, { startedAt: new Date(T0.getTime() - 60_000) });
    const { scenario, as } = signedIn(admin, earlier.history);
    const login = await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: user.username, password: user.password } }).then({ status: 204, cookie: 'set', events: [{ stream: 'session-session-1', type: 'SessionStarted', data: { sessionId: 'session-1', userId: user.userId, startedAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 300_000).toISOString() } }] });
    await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', ...(login.token ? { token: login.token } : {}) }).then({ status: 204, events: [{ stream: 'session-session-1', type: 'SessionEnded', data: { sessionId: 'session-1', userId: user.userId, reason: 'logout' } }] });
    const { reply } = await scenario.when(as(sessionsOf(user.userId))).then({ status: 200, events: [] });
    const { sessions } = reply.json as { sessions: SessionJson[] };
    expect(sessions).to.have.length(2);
    const [first, second] = sessions as [SessionJson, SessionJson];
    expect(first).to.deep.include({ session: handleOf(earlier.sessionId), started_at: earlier.startedAt, expires_at: earlier.expiresAt, ended_at: null, end_reason: null });
    expect(first.events.map((event) => event.type)).to.deep.equal(['SessionStarted']);
    expect(second).to.deep.include({ session: handleOf('session-1'), started_at: T0.toISOString(), end_reason: 'logout' });
    expect(second.ended_at).to.be.a('string');
    expect(second.events.map((event) => event.type)).to.deep.equal(['SessionStarted', 'SessionEnded']);
    expect(second.events[1]).to.deep.include({ actor: { id: user.userId, username: user.username }, data: { session: handleOf('session-1'), userId: user.userId, reason: 'logout' } });
    expect(reply.text).not.to.include('session-1').and.not.to.include(earlier.sessionId).and.not.to.include('sessionId');
  });

  it("lists no one else's sessions, and none for a user who never logged in", async () => {
    const { scenario, as } = signedIn(root, aSessionOf(otherUser).history);
    const { reply } = await scenario.when(as(sessionsOf(user.userId))).then({ status: 200, events: [] });
    expect(reply.json).to.deep.equal({ sessions: [] });
  });

  describe('who may read', () => {
    const matrix: Array<[string, GivenUser, GivenUser, 200 | 403]> = [
      ['the super admin, an admin', root, admin, 200],
      ['an admin, a user', admin, user, 200],
      ['an admin, themselves', admin, admin, 200],
      ['an admin, another admin', admin, otherAdmin, 403],
      ['an admin, the super admin', admin, root, 403],
      ['a user, themselves', user, user, 200],
      ['a user, another user', user, otherUser, 403],
    ];
    for (const [what, caller, target, status] of matrix) {
      it(`${what}: ${status}`, async () => {
        const { scenario, as } = signedIn(caller);
        await scenario.when(as(sessionsOf(target.userId))).then({ status, ...(status === 403 ? { body: NOT_AUTHORIZED } : {}), events: [] });
      });
    }

    it('a user reading their own sees their current session, by its handle', async () => {
      const { scenario, session, as } = signedIn(user);
      const { reply } = await scenario.when(as(sessionsOf(user.userId))).then({ status: 200, events: [] });
      expect((reply.json as { sessions: SessionJson[] }).sessions.map((s) => s.session)).to.deep.equal([handleOf(session.sessionId)]);
      expect(reply.text).not.to.include(session.sessionId);
    });

    it('answers 404 for an unknown id to an admin, 403 to a user, 401 without a session', async () => {
      const id = randomUUID();
      const asAdmin = signedIn(admin);
      await asAdmin.scenario.when(asAdmin.as(sessionsOf(id))).then({ status: 404, body: { error: `User with UUID('${id}') is not found.`, code: 'user.not_found' }, events: [] });
      const asUser = signedIn(user);
      await asUser.scenario.when(asUser.as(sessionsOf(id))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
      await api.given(...everyone).when(sessionsOf(user.userId)).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });
  });
});
