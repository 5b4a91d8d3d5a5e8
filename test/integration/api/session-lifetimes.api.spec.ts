import { aRegisteredUser, aSessionOf, SESSION_TTL_MS } from '../../support/api-histories';
import { apiSpecification, type ApiRequest, type ExpectedEvent } from '../../support/api-specification';
import { T0 } from '../../support/builders';
import { fakeHashOf } from '../../support/in-process-ports';

const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const at = (ms: number): string => new Date(T0.getTime() + ms).toISOString();

/** Over real HTTP: the absolute cap, and the commands that end a user's sessions at once. */
describe('API: session lifetimes', () => {
  const api = apiSpecification();
  after(() => api.close());

  const admin = aRegisteredUser('adam.admin', { role: 'admin' });
  const alice = aRegisteredUser('alice.smith');
  const laptop = aSessionOf(alice);
  const phone = aSessionOf(alice);
  const adminSession = aSessionOf(admin);
  const everyone = [admin.history, alice.history, laptop.history, phone.history, adminSession.history];

  /** A request that needs a session and changes nothing: its status says whether the session lives. */
  const probe = (token: string): ApiRequest => ({ method: 'GET', path: `/api/v1/users/${alice.userId}/history?limit=1`, token });
  const logIn: ApiRequest = { method: 'POST', path: '/api/v1/account/login', json: { username: alice.username, password: 'secret1' } };

  describe('the absolute cap', () => {
    const capped = apiSpecification({ sessionMaxLifetimeMs: SESSION_TTL_MS + 120_000 });
    after(() => capped.close());
    const extended = (expiresAt: string): ExpectedEvent => ({ stream: `session-${laptop.sessionId}`, type: 'SessionExtended', data: { sessionId: laptop.sessionId, expiresAt } });

    it('renews no further than the cap after log-in, then stops renewing, then refuses the session: the user logs in again', async () => {
      const cap = SESSION_TTL_MS + 120_000;
      const scenario = capped.given(...everyone);
      scenario.advance(SESSION_TTL_MS - 30_000);
      const { token } = await scenario.when(probe(scenario.tokenFor(laptop))).then({ status: 200, cookie: 'set', events: [extended(at(cap))] });
      scenario.advance(cap - 10_000 - (SESSION_TTL_MS - 30_000));
      // Inside the renewal window, but at the cap: no renewal, no new cookie.
      await scenario.when(probe(token as string)).then({ status: 200, cookie: 'none', events: [] });
      scenario.advance(10_000);
      await scenario.when(probe(token as string)).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      await scenario.when(logIn).then({ status: 204, cookie: 'set', events: [{ stream: 'session-session-1', type: 'SessionStarted', data: { sessionId: 'session-1', userId: alice.userId, startedAt: at(cap), expiresAt: at(cap + SESSION_TTL_MS) } }] });
    });

    it('holds against a token signed for later: the cap is read from the session stream, not from the cookie', async () => {
      const scenario = capped.given(...everyone);
      const forLater = scenario.tokenFor({ sessionId: laptop.sessionId, expiresAt: at(24 * 3_600_000) });
      scenario.advance(SESSION_TTL_MS + 120_000);
      await scenario.when(probe(forLater)).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });

    it('starts a session no longer than the cap when the cap is shorter than the TTL', async () => {
      const short = apiSpecification({ sessionMaxLifetimeMs: 60_000 });
      try {
        await short.given(alice.history).when(logIn).then({
          status: 204,
          events: [{ stream: 'session-session-1', type: 'SessionStarted', data: { sessionId: 'session-1', userId: alice.userId, startedAt: at(0), expiresAt: at(60_000) } }],
        });
      } finally {
        await short.close();
      }
    });
  });

  describe('a password change', () => {
    it("ends the user's other sessions on their next request; the one it was made in goes on", async () => {
      const scenario = api.given(...everyone);
      scenario.advance(1_000);
      await scenario.when({ method: 'PUT', path: '/api/v1/account/password', json: { current_password: 'secret1', new_password: 'new-secret' }, token: scenario.tokenFor(laptop) }).then({
        status: 204,
        events: [{ stream: `user-${alice.userId}`, type: 'PasswordChanged', data: { userId: alice.userId, passwordHash: fakeHashOf('new-secret'), changedAt: at(1_000), sessionId: laptop.sessionId } }],
      });
      await scenario.when(probe(scenario.tokenFor(phone))).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      await scenario.when(probe(scenario.tokenFor(laptop))).then({ status: 200, events: [] });
    });

    it("set by an admin ends all of the user's sessions", async () => {
      const scenario = api.given(...everyone);
      await scenario.when({ method: 'PUT', path: `/api/v1/users/${alice.userId}/password`, json: 'new-secret', token: scenario.tokenFor(adminSession) }).then({
        status: 204,
        events: [{ stream: `user-${alice.userId}`, type: 'PasswordSet', data: { userId: alice.userId, passwordHash: fakeHashOf('new-secret'), setBy: admin.userId, setAt: at(0) } }],
      });
      for (const session of [laptop, phone]) await scenario.when(probe(scenario.tokenFor(session))).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      await scenario.when(probe(scenario.tokenFor(adminSession))).then({ status: 200, events: [] });
    });
  });

  describe('DELETE /api/v1/account/sessions (log out everywhere)', () => {
    const everywhere = (token?: string): ApiRequest => ({ method: 'DELETE', path: '/api/v1/account/sessions', ...(token ? { token } : {}) });

    it('answers 204, clears the cookie and ends every session of the caller, the current one included; a new log-in works', async () => {
      const scenario = api.given(...everyone);
      await scenario.when(everywhere(scenario.tokenFor(phone))).then({
        status: 204,
        body: null,
        cookie: 'cleared',
        logPosition: 'last',
        events: [{ stream: `user-${alice.userId}`, type: 'SessionsRevoked', data: { userId: alice.userId, revokedAt: at(0) }, metadata: { actorId: alice.userId } }],
      });
      for (const session of [laptop, phone]) await scenario.when(probe(scenario.tokenFor(session))).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      await scenario.when(everywhere(scenario.tokenFor(phone))).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      scenario.advance(1);
      const { token } = await scenario.when(logIn).then({ status: 204, cookie: 'set', events: [{ stream: 'session-session-1', type: 'SessionStarted', data: { sessionId: 'session-1', userId: alice.userId, startedAt: at(1), expiresAt: at(1 + SESSION_TTL_MS) } }] });
      await scenario.when(probe(token as string)).then({ status: 200, events: [] });
    });

    it("leaves other users' sessions alone", async () => {
      const scenario = api.given(...everyone);
      await scenario.when(everywhere(scenario.tokenFor(laptop))).then({ status: 204, events: [{ stream: `user-${alice.userId}`, type: 'SessionsRevoked', data: { userId: alice.userId, revokedAt: at(0) } }] });
      await scenario.when(probe(scenario.tokenFor(adminSession))).then({ status: 200, events: [] });
    });

    it('answers 401 without a session, appending nothing', async () => {
      await api.given(...everyone).when(everywhere()).then({ status: 401, body: NOT_AUTHENTICATED, cookie: 'none', events: [] });
    });
  });
});
