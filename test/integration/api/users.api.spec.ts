import { randomUUID } from 'node:crypto';
import type { Role } from '../../../src/features/users';
import { aRegisteredUser, aSessionOf, type GivenUser } from '../../support/api-histories';
import { apiSpecification, createdUserId, type ApiRequest, type ExpectedEvent, type History } from '../../support/api-specification';
import { T0 } from '../../support/builders';
import { fakeHashOf } from '../../support/in-process-ports';

const NOT_AUTHORIZED = { error: 'Not authorized.', code: 'auth.not_authorized' };
const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
/** The first session log-in starts in a scenario, at T0. */
const started = (user: GivenUser): ExpectedEvent => ({
  stream: 'session-session-1',
  type: 'SessionStarted',
  data: { sessionId: 'session-1', userId: user.userId, startedAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 300_000).toISOString() },
});
const notFound = (id: string) => ({ error: `User with UUID('${id}') is not found.`, code: 'user.not_found' });

describe('API: user administration', () => {
  const api = apiSpecification();
  after(() => api.close());

  const root = aRegisteredUser('root.admin', { role: 'super_admin' });
  const admin = aRegisteredUser('adam.admin', { role: 'admin' });
  const user = aRegisteredUser('alice.smith');
  const inactive = aRegisteredUser('ivan.inactive', { deactivatedAt: T0 });
  const otherRoot = aRegisteredUser('other.root', { role: 'super_admin' });
  const otherAdmin = aRegisteredUser('other.admin', { role: 'admin' });
  const everyone: History[] = [root.history, admin.history, user.history, inactive.history, otherRoot.history, otherAdmin.history];

  /** The scenario with everyone registered and `caller` logged in; `as(request)` adds the caller's cookie. */
  function signedIn(caller: GivenUser, ...more: History[]) {
    const session = aSessionOf(caller);
    const scenario = api.given(...everyone, ...more, session.history);
    const token = scenario.tokenFor(session);
    return { scenario, as: (request: ApiRequest): ApiRequest => ({ ...request, token }) };
  }

  describe('POST /api/v1/users/', () => {
    const create = (json: unknown): ApiRequest => ({ method: 'POST', path: '/api/v1/users/', json });
    const createdEvents = (username: string, role: Role, password = 'secret1'): ExpectedEvent[] => {
      const id = createdUserId(1);
      return [
        { stream: `username-${username}`, type: 'UsernameReserved', data: { username, userId: id } },
        { stream: `user-${id}`, type: 'UserCreated', data: { userId: id, username, role, passwordHash: fakeHashOf(password), createdAt: T0.toISOString() } },
      ];
    };

    it('an admin creates a user (the default role): 201 {id}, reserved and created, by the admin', async () => {
      const { scenario, as } = signedIn(admin);
      const [reserved, createdEvent] = createdEvents('bob.jones', 'user') as [ExpectedEvent, ExpectedEvent];
      await scenario.when(as(create({ username: 'bob.jones', password: 'secret1' }))).then({
        status: 201,
        body: { id: createdUserId(1) },
        logPosition: 'last',
        events: [reserved, { ...createdEvent, metadata: { actorId: admin.userId } }],
      });
    });

    it('a super admin creates an admin', async () => {
      const { scenario, as } = signedIn(root);
      await scenario.when(as(create({ username: 'bob.jones', password: 'secret1', role: 'admin' }))).then({
        status: 201,
        body: { id: createdUserId(1) },
        events: createdEvents('bob.jones', 'admin'),
      });
    });

    const refused: Array<[string, GivenUser, Role]> = [
      ['an admin creating an admin', admin, 'admin'],
      ['an admin creating a super admin', admin, 'super_admin'],
      ['a super admin creating a super admin', root, 'super_admin'],
      ['a user creating a user', user, 'user'],
    ];
    for (const [what, caller, role] of refused) {
      it(`answers 403 to ${what}, before any rule of the body`, async () => {
        const { scenario, as } = signedIn(caller);
        await scenario.when(as(create({ username: 'x', password: 'x', role }))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
      });
    }

    it('answers 409 for a taken username', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(create({ username: 'alice.smith', password: 'secret1' }))).then({
        status: 409,
        body: { error: "User with 'alice.smith' already exists.", code: 'user.already_exists' },
        events: [],
      });
    });

    it('answers 400 for a broken username or password rule', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(create({ username: '.bob.jones', password: 'secret1' }))).then({ status: 400, events: [] });
      await scenario.when(as(create({ username: 'bob.jones', password: 'short' }))).then({
        status: 400,
        body: { error: 'Password must be at least 6 characters long.', code: 'user.password_too_short' },
        events: [],
      });
    });

    it('answers 401 without a session', async () => {
      await api.given(...everyone).when(create({ username: 'bob.jones', password: 'secret1' })).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });
  });

  describe('PUT /api/v1/users/{user_id}/password', () => {
    const setPassword = (userId: string, password: unknown = 'new-secret'): ApiRequest => ({ method: 'PUT', path: `/api/v1/users/${userId}/password`, json: password });

    it("an admin sets a user's password: 204, PasswordSet by the admin; the user logs in with it", async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(setPassword(user.userId))).then({
        status: 204,
        body: null,
        logPosition: 'last',
        events: [{ stream: `user-${user.userId}`, type: 'PasswordSet', data: { userId: user.userId, passwordHash: fakeHashOf('new-secret'), setBy: admin.userId, setAt: T0.toISOString() } }],
      });
      await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: user.username, password: 'new-secret' } }).then({
        status: 204,
        cookie: 'set',
        events: [started(user)],
      });
    });

    it('refuses a text/plain body with 415, which pydantic would take as the password: a cross-site form could send it', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as({ method: 'PUT', path: `/api/v1/users/${user.userId}/password`, body: 'plainpass', headers: { 'content-type': 'text/plain' } })).then({
        status: 415,
        body: { error: "Unsupported media type: send the body as 'application/json'.", code: 'request.unsupported_media_type' },
        events: [],
      });
    });

    it('answers 400 for a password too short', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(setPassword(user.userId, 'short'))).then({
        status: 400,
        body: { error: 'Password must be at least 6 characters long.', code: 'user.password_too_short' },
        events: [],
      });
    });

    it('answers 404 for an unknown id, in the lower-case form', async () => {
      const { scenario, as } = signedIn(admin);
      const id = randomUUID();
      await scenario.when(as(setPassword(id.toUpperCase()))).then({ status: 404, body: notFound(id), events: [] });
    });
  });

  describe('the role of admin (super admins only)', () => {
    const grant = (userId: string): ApiRequest => ({ method: 'PUT', path: `/api/v1/users/${userId}/roles/admin` });
    const revoke = (userId: string): ApiRequest => ({ method: 'DELETE', path: `/api/v1/users/${userId}/roles/admin` });

    it('grants admin to a user (204, AdminGranted), who can then administer users', async () => {
      const { scenario, as } = signedIn(root);
      await scenario.when(as(grant(user.userId))).then({
        status: 204,
        body: null,
        logPosition: 'last',
        events: [{ stream: `user-${user.userId}`, type: 'AdminGranted', data: { userId: user.userId }, metadata: { actorId: root.userId } }],
      });
      const { token } = await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: user.username, password: user.password } }).then({ status: 204, cookie: 'set', events: [started(user)] });
      await scenario.when({ method: 'PUT', path: `/api/v1/users/${inactive.userId}/activation`, ...(token ? { token } : {}) }).then({
        status: 204,
        events: [{ stream: `user-${inactive.userId}`, type: 'UserActivated', data: { userId: inactive.userId }, metadata: { actorId: user.userId } }],
      });
    });

    it('revokes admin from an admin: 204, AdminRevoked', async () => {
      const { scenario, as } = signedIn(root);
      await scenario.when(as(revoke(admin.userId))).then({
        status: 204,
        logPosition: 'last',
        events: [{ stream: `user-${admin.userId}`, type: 'AdminRevoked', data: { userId: admin.userId } }],
      });
    });

    it('is a no-op where nothing changes: 204, nothing appended, no X-Log-Position', async () => {
      const { scenario, as } = signedIn(root);
      await scenario.when(as(grant(admin.userId))).then({ status: 204, body: null, logPosition: 'absent', events: [] });
      await scenario.when(as(revoke(user.userId))).then({ status: 204, body: null, logPosition: 'absent', events: [] });
    });

    it('never changes the role of a super admin, the caller itself included: 403 role_change_not_permitted', async () => {
      const other = aRegisteredUser('second.root', { role: 'super_admin' });
      const { scenario, as } = signedIn(root, other.history);
      for (const request of [grant(other.userId), revoke(other.userId), revoke(root.userId)]) {
        const target = request.path.includes(root.userId) ? root : other;
        await scenario.when(as(request)).then({
          status: 403,
          body: { error: `Changing role of user '${target.username}' (super_admin) is not permitted.`, code: 'user.role_change_not_permitted' },
          events: [],
        });
      }
    });

    it('takes the id in any version and in the simple, braced and URN forms, upper case too, as the same user', async () => {
      const id = '0190B5C2-7A4B-7C3D-8E9F-0A1B2C3D4E5F';
      const target = aRegisteredUser('vera.seven', { userId: id.toLowerCase() });
      const { scenario, as } = signedIn(root, target.history);
      const [first, ...others] = [id, id.replace(/-/g, ''), `{${id}}`, `urn:uuid:${id}`].map((form) => grant(encodeURIComponent(form)));
      await scenario.when(as(first as ApiRequest)).then({
        status: 204,
        events: [{ stream: `user-${id.toLowerCase()}`, type: 'AdminGranted', data: { userId: id.toLowerCase() } }],
      });
      for (const request of others) await scenario.when(as(request)).then({ status: 204, logPosition: 'absent', events: [] });
    });

    it('answers 404 for an unknown id', async () => {
      const { scenario, as } = signedIn(root);
      const id = randomUUID();
      await scenario.when(as(grant(id))).then({ status: 404, body: notFound(id), events: [] });
      await scenario.when(as(revoke(id))).then({ status: 404, body: notFound(id), events: [] });
    });

    it('answers 403 to an admin and a user, even for an unknown id', async () => {
      for (const caller of [admin, user]) {
        const { scenario, as } = signedIn(caller);
        await scenario.when(as(grant(user.userId))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
        await scenario.when(as(revoke(randomUUID()))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
      }
    });
  });

  describe('activation', () => {
    const activate = (userId: string): ApiRequest => ({ method: 'PUT', path: `/api/v1/users/${userId}/activation` });
    const deactivate = (userId: string): ApiRequest => ({ method: 'DELETE', path: `/api/v1/users/${userId}/activation` });

    it('deactivates an active user (204, UserDeactivated at the time of the request), who can no longer log in', async () => {
      const { scenario, as } = signedIn(admin);
      scenario.advance(1_000);
      await scenario.when(as(deactivate(user.userId))).then({
        status: 204,
        body: null,
        logPosition: 'last',
        events: [{ stream: `user-${user.userId}`, type: 'UserDeactivated', data: { userId: user.userId, deactivatedAt: new Date(T0.getTime() + 1_000).toISOString() }, metadata: { actorId: admin.userId } }],
      });
      await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: user.username, password: user.password } }).then({
        status: 401,
        body: { error: 'Your account is inactive. Please contact support.', code: 'auth.account_inactive' },
        events: [],
      });
    });

    it('activates an inactive user (204, UserActivated), who can log in again', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(activate(inactive.userId))).then({
        status: 204,
        logPosition: 'last',
        events: [{ stream: `user-${inactive.userId}`, type: 'UserActivated', data: { userId: inactive.userId } }],
      });
      await scenario.when({ method: 'POST', path: '/api/v1/account/login', json: { username: inactive.username, password: inactive.password } }).then({
        status: 204,
        cookie: 'set',
        events: [started(inactive)],
      });
    });

    it('is a no-op where nothing changes: 204, nothing appended, no X-Log-Position', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(activate(user.userId))).then({ status: 204, body: null, logPosition: 'absent', events: [] });
      await scenario.when(as(deactivate(inactive.userId))).then({ status: 204, body: null, logPosition: 'absent', events: [] });
    });

    it('answers 404 for an unknown id', async () => {
      const { scenario, as } = signedIn(admin);
      const id = randomUUID();
      await scenario.when(as(activate(id))).then({ status: 404, body: notFound(id), events: [] });
      await scenario.when(as(deactivate(id))).then({ status: 404, body: notFound(id), events: [] });
    });

    it('answers 403 to a user, even for an unknown id', async () => {
      const { scenario, as } = signedIn(user);
      await scenario.when(as(deactivate(randomUUID()))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
    });
  });

  describe('the permission matrix of the commands on a subordinate', () => {
    const callers: Array<[string, GivenUser]> = [['user', user], ['admin', admin], ['super admin', root]];
    const someUser = aRegisteredUser('some.user');
    const targets: Array<[string, GivenUser | 'self']> = [['another user', someUser], ['another admin', otherAdmin], ['another super admin', otherRoot], ['themselves', 'self']];
    /** Who may manage whom: admins their users, super admins admins and users; nobody themselves. */
    const mayManage = (caller: GivenUser, target: GivenUser): boolean =>
      caller !== target && (caller.role === 'super_admin' ? target.role !== 'super_admin' : caller.role === 'admin' && target.role === 'user');
    const commands: Array<[string, (id: string) => ApiRequest, (target: GivenUser, caller: GivenUser) => ExpectedEvent[]]> = [
      ['set password', (id) => ({ method: 'PUT', path: `/api/v1/users/${id}/password`, json: 'new-secret' }),
        (target, caller) => [{ stream: `user-${target.userId}`, type: 'PasswordSet', data: { userId: target.userId, passwordHash: fakeHashOf('new-secret'), setBy: caller.userId, setAt: T0.toISOString() } }]],
      ['deactivate', (id) => ({ method: 'DELETE', path: `/api/v1/users/${id}/activation` }),
        (target) => [{ stream: `user-${target.userId}`, type: 'UserDeactivated', data: { userId: target.userId, deactivatedAt: T0.toISOString() } }]],
      ['activate', (id) => ({ method: 'PUT', path: `/api/v1/users/${id}/activation` }), () => []],
    ];
    for (const [command, request, events] of commands) {
      for (const [callerName, caller] of callers) {
        for (const [targetName, given] of targets) {
          const target = given === 'self' ? caller : given;
          const allowed = mayManage(caller, target);
          it(`${command}: ${callerName} on ${targetName} → ${allowed ? 204 : 403}`, async () => {
            const { scenario, as } = signedIn(caller, someUser.history);
            await scenario.when(as(request(target.userId))).then(
              allowed ? { status: 204, events: events(target, caller) } : { status: 403, body: NOT_AUTHORIZED, events: [] },
            );
          });
        }
      }
    }
  });
});
