import { aRegisteredUser, aSessionOf } from '../../support/api-histories';
import { apiSpecification, createdUserId } from '../../support/api-specification';
import { T0 } from '../../support/builders';
import { fakeHashOf } from '../../support/in-process-ports';

const ALREADY_AUTHENTICATED = { error: 'You are already authenticated. Consider logging out.', code: 'auth.already_authenticated' };
const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };

describe('API: the account (sign-up, log-in, own password, log-out)', () => {
  const api = apiSpecification();
  after(() => api.close());

  const alice = aRegisteredUser('alice.smith');
  const session = aSessionOf(alice);

  describe('POST /api/v1/account/signup', () => {
    const signUp = (json: unknown, token?: string) => ({ method: 'POST', path: '/api/v1/account/signup', json, ...(token ? { token } : {}) }) as const;

    it('registers a user: 201 {id}, the username reserved and the user created by themselves, the request id echoed, no cookie', async () => {
      const id = createdUserId(1);
      await api
        .given()
        .when({ ...signUp({ username: 'bob.jones', password: 'secret1' }), headers: { 'x-request-id': 'sign-up-1' } })
        .then({
          status: 201,
          body: { id },
          headers: { 'x-request-id': 'sign-up-1', 'content-type': 'application/json' },
          cookie: 'none',
          logPosition: 'last',
          events: [
            {
              stream: 'username-bob.jones',
              type: 'UsernameReserved',
              data: { username: 'bob.jones', userId: id },
              // A signing-up user acts on their own behalf.
              metadata: { actorId: id, correlationId: 'sign-up-1', causationId: 'sign-up-1' },
            },
            {
              stream: `user-${id}`,
              type: 'UserCreated',
              data: { userId: id, username: 'bob.jones', role: 'user', passwordHash: fakeHashOf('secret1'), createdAt: T0.toISOString() },
              metadata: { actorId: id, correlationId: 'sign-up-1', causationId: 'sign-up-1', occurredAt: T0.toISOString() },
            },
          ],
        });
    });

    it('ignores a role in the body: a sign-up is always a user', async () => {
      const id = createdUserId(1);
      await api.given().when(signUp({ username: 'bob.jones', password: 'secret1', role: 'super_admin' })).then({
        status: 201,
        body: { id },
        events: [
          { stream: 'username-bob.jones', type: 'UsernameReserved', data: { username: 'bob.jones', userId: id } },
          { stream: `user-${id}`, type: 'UserCreated', data: { userId: id, username: 'bob.jones', role: 'user', passwordHash: fakeHashOf('secret1'), createdAt: T0.toISOString() } },
        ],
      });
    });

    it('answers 409 for a taken username and appends nothing', async () => {
      await api.given(alice.history).when(signUp({ username: 'alice.smith', password: 'other-pw' })).then({
        status: 409,
        body: { error: "User with 'alice.smith' already exists.", code: 'user.already_exists' },
        logPosition: 'absent',
        events: [],
      });
    });

    const rules: Array<[string, { username: string; password: string }, { error: string; code: string }]> = [
      ['a username too short', { username: 'abcd', password: 'secret1' }, { error: 'Username must be between 5 and 20 characters.', code: 'user.username_length' }],
      ['a username ending in a special character', { username: 'alice.', password: 'secret1' }, { error: 'Username must end with a letter (A-Z, a-z) or a digit (0-9).', code: 'user.username_end' }],
      ['a password too short', { username: 'bob.jones', password: 'five5' }, { error: 'Password must be at least 6 characters long.', code: 'user.password_too_short' }],
    ];
    for (const [what, body, error] of rules) {
      it(`answers 400 for ${what} and appends nothing`, async () => {
        await api.given().when(signUp(body)).then({ status: 400, body: error, events: [] });
      });
    }

    it('answers 403 to a caller with a live session, and appends nothing', async () => {
      const scenario = api.given(alice.history, session.history);
      await scenario.when(signUp({ username: 'bob.jones', password: 'secret1' }, scenario.tokenFor(session))).then({
        status: 403,
        body: ALREADY_AUTHENTICATED,
        events: [],
      });
    });

    it('ignores a cookie that is no live session', async () => {
      const id = createdUserId(1);
      await api.given().when(signUp({ username: 'bob.jones', password: 'secret1' }, 'not.a.token')).then({
        status: 201,
        body: { id },
        events: [
          { stream: 'username-bob.jones', type: 'UsernameReserved', data: { username: 'bob.jones', userId: id } },
          { stream: `user-${id}`, type: 'UserCreated', data: { userId: id, username: 'bob.jones', role: 'user', passwordHash: fakeHashOf('secret1'), createdAt: T0.toISOString() } },
        ],
      });
    });
  });

  describe('POST /api/v1/account/login', () => {
    const logIn = (username: string, password: string) => ({ method: 'POST', path: '/api/v1/account/login', json: { username, password } }) as const;
    const started = {
      stream: 'session-session-1',
      type: 'SessionStarted',
      data: { sessionId: 'session-1', userId: alice.userId, startedAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 5 * 60_000).toISOString() },
    };

    it('starts a session: 204, the bare JWT in the cookie, SessionStarted; the cookie then authenticates', async () => {
      const scenario = api.given(alice.history);
      const { token } = await scenario.when(logIn('alice.smith', 'secret1')).then({
        status: 204,
        body: null,
        cookie: 'set',
        logPosition: 'last',
        headers: { 'content-type': 'application/json' },
        events: [{ ...started, metadata: { actorId: alice.userId } }],
      });
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', ...(token ? { token } : {}) }).then({
        status: 204,
        cookie: 'cleared',
        events: [{ stream: 'session-session-1', type: 'SessionEnded', data: { sessionId: 'session-1', userId: alice.userId, reason: 'logout' } }],
      });
    });

    it('with secure cookies: sets the cookie with SameSite=Strict; Secure, and clears it without them', async () => {
      const secure = apiSpecification({ secureCookies: true });
      try {
        const scenario = secure.given(alice.history);
        const { token } = await scenario.when(logIn('alice.smith', 'secret1')).then({ status: 204, cookie: 'set', events: [started] });
        await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: token as string }).then({
          status: 204,
          cookie: 'access_token=""; HttpOnly; Max-Age=0; Path=/',
          events: [{ stream: 'session-session-1', type: 'SessionEnded', data: { sessionId: 'session-1', userId: alice.userId, reason: 'logout' } }],
        });
      } finally {
        await secure.close();
      }
    });

    it('ignores a cookie that is no live session', async () => {
      await api.given(alice.history).when({ ...logIn('alice.smith', 'secret1'), token: 'expired-or-garbage' }).then({ status: 204, cookie: 'set', events: [started] });
    });

    it('answers 404 for an unknown username', async () => {
      await api.given(alice.history).when(logIn('nobody.here', 'secret1')).then({
        status: 404,
        body: { error: "User with 'nobody.here' is not found.", code: 'user.not_found' },
        cookie: 'none',
        events: [],
      });
    });

    it('answers 401 for a wrong password', async () => {
      await api.given(alice.history).when(logIn('alice.smith', 'wrong-pw')).then({
        status: 401,
        body: { error: 'Invalid password.', code: 'auth.invalid_password' },
        cookie: 'none',
        events: [],
      });
    });

    it('answers 401 for an inactive account, even with the right password', async () => {
      const inactive = aRegisteredUser('carol.inactive', { deactivatedAt: T0 });
      await api.given(inactive.history).when(logIn('carol.inactive', 'secret1')).then({
        status: 401,
        body: { error: 'Your account is inactive. Please contact support.', code: 'auth.account_inactive' },
        cookie: 'none',
        events: [],
      });
    });

    it('answers 403 to a caller with a live session', async () => {
      const scenario = api.given(alice.history, session.history);
      await scenario.when({ ...logIn('alice.smith', 'secret1'), token: scenario.tokenFor(session) }).then({
        status: 403,
        body: ALREADY_AUTHENTICATED,
        events: [],
      });
    });
  });

  describe('PUT /api/v1/account/password', () => {
    const change = (token: string | undefined, current: string, next: string) =>
      ({ method: 'PUT', path: '/api/v1/account/password', json: { current_password: current, new_password: next }, ...(token ? { token } : {}) }) as const;

    it('changes the password: 204, PasswordChanged; the new password then logs in, the old one does not', async () => {
      const scenario = api.given(alice.history, session.history);
      await scenario.when(change(scenario.tokenFor(session), 'secret1', 'new-secret')).then({
        status: 204,
        body: null,
        logPosition: 'last',
        events: [
          { stream: `user-${alice.userId}`, type: 'PasswordChanged', data: { userId: alice.userId, passwordHash: fakeHashOf('new-secret'), changedAt: T0.toISOString(), sessionId: session.sessionId }, metadata: { actorId: alice.userId } },
        ],
      });
      await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: 'alice.smith', password: 'secret1' } }).then({ status: 401, events: [] });
      await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: 'alice.smith', password: 'new-secret' } }).then({
        status: 204,
        cookie: 'set',
        events: [{ stream: 'session-session-1', type: 'SessionStarted', data: { sessionId: 'session-1', userId: alice.userId, startedAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 300_000).toISOString() } }],
      });
    });

    it('answers 400 when the new password equals the current one', async () => {
      const scenario = api.given(alice.history, session.history);
      await scenario.when(change(scenario.tokenFor(session), 'secret1', 'secret1')).then({
        status: 400,
        body: { error: 'New password must differ from current password.', code: 'auth.password_unchanged' },
        logPosition: 'absent',
        events: [],
      });
    });

    it('answers 400 for a new password that is too short', async () => {
      const scenario = api.given(alice.history, session.history);
      await scenario.when(change(scenario.tokenFor(session), 'secret1', 'short')).then({
        status: 400,
        body: { error: 'Password must be at least 6 characters long.', code: 'user.password_too_short' },
        events: [],
      });
    });

    it('answers 403 for a wrong current password', async () => {
      const scenario = api.given(alice.history, session.history);
      await scenario.when(change(scenario.tokenFor(session), 'not-my-pw', 'new-secret')).then({
        status: 403,
        body: { error: 'Invalid password.', code: 'auth.invalid_password' },
        events: [],
      });
    });

    it('answers 401 without a session', async () => {
      await api.given(alice.history).when(change(undefined, 'secret1', 'new-secret')).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });
  });

  describe('DELETE /api/v1/account/logout', () => {
    it('ends the session: 204, the cookie cleared, SessionEnded; the token no longer authenticates', async () => {
      const scenario = api.given(alice.history, session.history);
      const token = scenario.tokenFor(session);
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token }).then({
        status: 204,
        body: null,
        cookie: 'cleared',
        logPosition: 'last',
        events: [{ stream: `session-${session.sessionId}`, type: 'SessionEnded', data: { sessionId: session.sessionId, userId: alice.userId, reason: 'logout' } }],
      });
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token }).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });

    it('ends only the current session', async () => {
      const other = aSessionOf(alice);
      const scenario = api.given(alice.history, session.history, other.history);
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: scenario.tokenFor(session) }).then({
        status: 204,
        events: [{ stream: `session-${session.sessionId}`, type: 'SessionEnded', data: { sessionId: session.sessionId, userId: alice.userId, reason: 'logout' } }],
      });
      await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token: scenario.tokenFor(other) }).then({
        status: 204,
        events: [{ stream: `session-${other.sessionId}`, type: 'SessionEnded', data: { sessionId: other.sessionId, userId: alice.userId, reason: 'logout' } }],
      });
    });

    it('answers 401 without a session', async () => {
      await api.given(alice.history).when({ method: 'DELETE', path: '/api/v1/account/logout' }).then({ status: 401, body: NOT_AUTHENTICATED, cookie: 'none', events: [] });
    });
  });
});
