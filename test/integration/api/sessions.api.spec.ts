import { aRegisteredUser, aSessionOf, SESSION_TTL_MS } from '../../support/api-histories';
import { apiSpecification, type ApiRequest, type ExpectedEvent } from '../../support/api-specification';
import { T0 } from '../../support/builders';
import { fakeHashOf } from '../../support/in-process-ports';

const NOT_AUTHORIZED = { error: 'Not authorized.', code: 'auth.not_authorized' };
const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const at = (ms: number): string => new Date(T0.getTime() + ms).toISOString();

describe('API: sessions (renewal and revocation)', () => {
  const api = apiSpecification();
  after(() => api.close());

  const root = aRegisteredUser('root.admin', { role: 'super_admin' });
  const admin = aRegisteredUser('adam.admin', { role: 'admin' });
  const alice = aRegisteredUser('alice.smith');
  const session = aSessionOf(alice);
  const adminSession = aSessionOf(admin);
  const rootSession = aSessionOf(root);
  const everyone = [root.history, admin.history, alice.history, session.history, adminSession.history, rootSession.history];

  const changePassword = (token: string, next = 'new-secret'): ApiRequest => ({
    method: 'PUT',
    path: '/api/v1/account/password',
    json: { current_password: 'secret1', new_password: next },
    token,
  });
  const passwordChanged = (atMs: number): ExpectedEvent => ({
    stream: `user-${alice.userId}`,
    type: 'PasswordChanged',
    data: { userId: alice.userId, passwordHash: fakeHashOf('new-secret'), changedAt: at(atMs), sessionId: session.sessionId },
  });
  const extended = (sessionId: string, expiresAt: string): ExpectedEvent => ({ stream: `session-${sessionId}`, type: 'SessionExtended', data: { sessionId, expiresAt } });

  describe('renewal', () => {
    it('inside the refresh threshold: SessionExtended and a renewed cookie, which outlives the old one', async () => {
      const scenario = api.given(...everyone);
      const old = scenario.tokenFor(session);
      scenario.advance(SESSION_TTL_MS - 30_000);
      const { token: renewed } = await scenario.when(changePassword(old)).then({
        status: 204,
        cookie: 'set',
        events: [{ ...extended(session.sessionId, at(2 * SESSION_TTL_MS - 30_000)), metadata: { actorId: alice.userId } }, passwordChanged(SESSION_TTL_MS - 30_000)],
      });
      scenario.advance(60_000);
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: old }).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: renewed as string }).then({
        status: 204,
        cookie: 'cleared',
        events: [{ stream: `session-${session.sessionId}`, type: 'SessionEnded', data: { sessionId: session.sessionId, userId: alice.userId, reason: 'logout' } }],
      });
    });

    it('outside the threshold: no cookie and nothing but the command appended', async () => {
      const scenario = api.given(...everyone);
      scenario.advance(60_000);
      await scenario.when(changePassword(scenario.tokenFor(session))).then({ status: 204, cookie: 'none', events: [passwordChanged(60_000)] });
    });

    it('renews on a refused request too: the 403 carries the renewed cookie', async () => {
      const scenario = api.given(...everyone);
      scenario.advance(SESSION_TTL_MS - 10_000);
      await scenario.when({ method: 'PUT', path: `/api/v1/users/${admin.userId}/roles/admin`, token: scenario.tokenFor(session) }).then({
        status: 403,
        body: NOT_AUTHORIZED,
        cookie: 'set',
        events: [extended(session.sessionId, at(2 * SESSION_TTL_MS - 10_000))],
      });
    });

    it('renews on a request refused by validation too: the 422 carries the renewed cookie', async () => {
      const scenario = api.given(...everyone);
      scenario.advance(SESSION_TTL_MS - 10_000);
      await scenario.when({ method: 'PUT', path: '/api/v1/users/not-a-uuid/activation', token: scenario.tokenFor(adminSession) }).then({
        status: 422,
        cookie: 'set',
        events: [extended(adminSession.sessionId, at(2 * SESSION_TTL_MS - 10_000))],
      });
    });

    for (const [what, path, json] of [
      ['sign-up', '/api/v1/account/signup', { username: 'bob.jones', password: 'secret1' }],
      ['log-in', '/api/v1/account/login', { username: 'alice.smith', password: 'secret1' }],
    ] as const) {
      it(`renews a live session that calls ${what}, which answers 403 already authenticated`, async () => {
        const scenario = api.given(...everyone);
        scenario.advance(SESSION_TTL_MS - 10_000);
        await scenario.when({ method: 'POST', path, json, token: scenario.tokenFor(session) }).then({
          status: 403,
          body: { error: 'You are already authenticated. Consider logging out.', code: 'auth.already_authenticated' },
          cookie: 'set',
          events: [extended(session.sessionId, at(2 * SESSION_TTL_MS - 10_000))],
        });
      });
    }

    it('on log-out inside the threshold sends only the clearing cookie', async () => {
      const scenario = api.given(...everyone);
      scenario.advance(SESSION_TTL_MS - 10_000);
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: scenario.tokenFor(session) }).then({
        status: 204,
        cookie: 'cleared',
        events: [
          extended(session.sessionId, at(2 * SESSION_TTL_MS - 10_000)),
          { stream: `session-${session.sessionId}`, type: 'SessionEnded', data: { sessionId: session.sessionId, userId: alice.userId, reason: 'logout' } },
        ],
      });
    });

    it('never revives an expired session: 401 and nothing appended', async () => {
      const scenario = api.given(...everyone);
      scenario.advance(SESSION_TTL_MS);
      await scenario.when(changePassword(scenario.tokenFor(session))).then({ status: 401, body: NOT_AUTHENTICATED, cookie: 'none', events: [] });
    });
  });

  describe('revocation bites on the next request', () => {
    it("deactivation ends the user's sessions at once: 401 on the next request, and no log-in", async () => {
      const scenario = api.given(...everyone);
      scenario.advance(1_000);
      await scenario.when({ method: 'DELETE', path: `/api/v1/users/${alice.userId}/activation`, token: scenario.tokenFor(adminSession) }).then({
        status: 204,
        events: [{ stream: `user-${alice.userId}`, type: 'UserDeactivated', data: { userId: alice.userId, deactivatedAt: at(1_000) } }],
      });
      await scenario.when(changePassword(scenario.tokenFor(session))).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: alice.username, password: alice.password } }).then({
        status: 401,
        body: { error: 'Your account is inactive. Please contact support.', code: 'auth.account_inactive' },
        events: [],
      });
    });

    it('reactivation does not revive the sessions that deactivation ended', async () => {
      const scenario = api.given(...everyone);
      const token = scenario.tokenFor(adminSession);
      await scenario.when({ method: 'DELETE', path: `/api/v1/users/${alice.userId}/activation`, token }).then({
        status: 204,
        events: [{ stream: `user-${alice.userId}`, type: 'UserDeactivated', data: { userId: alice.userId, deactivatedAt: T0.toISOString() } }],
      });
      await scenario.when({ method: 'PUT', path: `/api/v1/users/${alice.userId}/activation`, token }).then({
        status: 204,
        events: [{ stream: `user-${alice.userId}`, type: 'UserActivated', data: { userId: alice.userId } }],
      });
      await scenario.when(changePassword(scenario.tokenFor(session))).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });

    for (const [what, path, json] of [
      ['an authenticated route', '/api/v1/account/password', { current_password: 'secret1', new_password: 'new-secret' }],
      ['sign-up', '/api/v1/account/signup', { username: 'bob.jones', password: 'secret1' }],
      ['log-in', '/api/v1/account/login', { username: 'alice.smith', password: 'secret1' }],
    ] as const) {
      it(`a live session of an inactive user (started after the deactivation) on ${what}: 403, the cookie cleared, the session ended`, async () => {
        const late = aSessionOf(alice, { startedAt: new Date(T0.getTime() + 1_000) });
        const deactivated = { [`user-${alice.userId}`]: [{ type: 'UserDeactivated', data: { userId: alice.userId, deactivatedAt: T0.toISOString() } }] };
        const scenario = api.given(alice.history, deactivated, late.history);
        scenario.advance(2_000);
        await scenario.when({ method: path.endsWith('password') ? 'PUT' : 'POST', path, json, token: scenario.tokenFor(late) }).then({
          status: 403,
          body: NOT_AUTHORIZED,
          cookie: 'cleared',
          events: [
            {
              stream: `session-${late.sessionId}`,
              type: 'SessionEnded',
              data: { sessionId: late.sessionId, userId: alice.userId, reason: 'user_unavailable' },
              metadata: { actorId: 'system:resolve-session' },
            },
          ],
        });
      });
    }

    it('a session of a user that does not exist: 403, the cookie cleared, the session ended', async () => {
      const ghost = aSessionOf({ userId: '00000000-0000-4000-8000-0000000000ff' });
      const scenario = api.given(ghost.history);
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: scenario.tokenFor(ghost) }).then({
        status: 403,
        body: NOT_AUTHORIZED,
        cookie: 'cleared',
        events: [{ stream: `session-${ghost.sessionId}`, type: 'SessionEnded', data: { sessionId: ghost.sessionId, userId: ghost.userId, reason: 'user_unavailable' } }],
      });
    });

    it("revoking admin bites on the admin's next request: 403", async () => {
      const scenario = api.given(...everyone);
      await scenario.when({ method: 'DELETE', path: `/api/v1/users/${admin.userId}/roles/admin`, token: scenario.tokenFor(rootSession) }).then({
        status: 204,
        events: [{ stream: `user-${admin.userId}`, type: 'AdminRevoked', data: { userId: admin.userId } }],
      });
      await scenario.when({ method: 'DELETE', path: `/api/v1/users/${alice.userId}/activation`, token: scenario.tokenFor(adminSession) }).then({
        status: 403,
        body: NOT_AUTHORIZED,
        events: [],
      });
    });

    it('a token signed with another secret is no session: 401', async () => {
      const forged = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdXRoX3Nlc3Npb25faWQiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJl';
      await api.given(...everyone).when(changePassword(forged)).then({ status: 401, body: NOT_AUTHENTICATED, cookie: 'none', events: [] });
    });
  });
});
