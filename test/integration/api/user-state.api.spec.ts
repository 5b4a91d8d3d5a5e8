import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { aRegisteredUser, aSessionOf, type GivenUser } from '../../support/api-histories';
import { apiSpecification, type ApiRequest, type History } from '../../support/api-specification';
import { T0 } from '../../support/builders';
import { fakeHashOf } from '../../support/in-process-ports';

const NOT_AUTHORIZED = { error: 'Not authorized.', code: 'auth.not_authorized' };
const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const INVALID_IF_MATCH = { error: 'If-Match must be * or a list of quoted entity tags, e.g. "3".', code: 'request.invalid_if_match' };
const mismatch = (id: string) => ({ error: `User with UUID('${id}') has changed since the revision If-Match names.`, code: 'user.revision_mismatch' });
const MINUTE = 60_000;
const iso = (offsetMs: number) => new Date(T0.getTime() + offsetMs).toISOString();

describe('API: a user now or as of a moment, and writes pinned to its ETag', () => {
  const api = apiSpecification();
  after(() => api.close());

  const root = aRegisteredUser('root.admin', { role: 'super_admin' });
  const admin = aRegisteredUser('adam.admin', { role: 'admin' });
  const user = aRegisteredUser('alice.smith');
  const otherUser = aRegisteredUser('bob.jones');
  const otherAdmin = aRegisteredUser('other.admin', { role: 'admin' });
  const everyone: History[] = [root.history, admin.history, user.history, otherUser.history, otherAdmin.history];
  const stream = `user-${user.userId}`;

  function signedIn(caller: GivenUser, ...more: History[]) {
    const session = aSessionOf(caller, { expiresAt: new Date(T0.getTime() + 60 * MINUTE) });
    const scenario = api.given(...everyone, ...more, session.history);
    const token = scenario.tokenFor(session);
    return { scenario, as: (request: ApiRequest): ApiRequest => ({ ...request, token }) };
  }
  const stateOf = (userId: string, query = ''): ApiRequest => ({ method: 'GET', path: `/api/v1/users/${userId}${query}` });
  const ifMatch = (request: ApiRequest, value: string): ApiRequest => ({ ...request, headers: { ...(request.headers ?? {}), 'if-match': value } });
  const deactivate = (userId: string): ApiRequest => ({ method: 'DELETE', path: `/api/v1/users/${userId}/activation` });
  const activate = (userId: string): ApiRequest => ({ method: 'PUT', path: `/api/v1/users/${userId}/activation` });
  const deactivated = (userId: string, at: string) => ({ stream: `user-${userId}`, type: 'UserDeactivated', data: { userId, deactivatedAt: at } });
  const shape = (u: GivenUser, overrides: Record<string, unknown> = {}) => ({ id_: u.userId, username: u.username, role: u.role, is_active: true, ...overrides });

  describe('GET /api/v1/users/{user_id}', () => {
    it('answers the state folded from the stream, in the list\'s shape, with the ETag of its revision; every write moves it', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(stateOf(user.userId))).then({ status: 200, body: shape(user), headers: { etag: '"0"' }, events: [] });
      scenario.advance(MINUTE);
      await scenario.when(as(deactivate(user.userId))).then({ status: 204, headers: { etag: '"1"' }, logPosition: 'last', events: [deactivated(user.userId, iso(MINUTE))] });
      await scenario.when(as(stateOf(user.userId))).then({ status: 200, body: shape(user, { is_active: false }), headers: { etag: '"1"' }, events: [] });
      await scenario.when(as(deactivate(user.userId))).then({ status: 204, headers: { etag: '"1"' }, logPosition: 'absent', events: [] });
    });

    it('as_of: the events recorded at or before the moment, in any offset; as_of_revision: the events up to it', async () => {
      const { scenario, as } = signedIn(root);
      scenario.advance(MINUTE);
      await scenario.when(as(deactivate(user.userId))).then({ status: 204, events: [deactivated(user.userId, iso(MINUTE))] });
      scenario.advance(MINUTE);
      await scenario.when(as({ method: 'PUT', path: `/api/v1/users/${user.userId}/roles/admin` })).then({ status: 204, headers: { etag: '"2"' }, events: [{ stream, type: 'AdminGranted', data: { userId: user.userId } }] });
      const cases: Array<[string, Record<string, unknown>, string]> = [
        [`?as_of=${iso(0)}`, shape(user), '"0"'],
        [`?as_of=${iso(MINUTE - 1)}`, shape(user), '"0"'],
        [`?as_of=${iso(MINUTE)}`, shape(user, { is_active: false }), '"1"'],
        [`?as_of=${encodeURIComponent('2026-01-01T13:01:30+01:00')}`, shape(user, { is_active: false }), '"1"'],
        [`?as_of=${iso(10 * MINUTE)}`, shape(user, { is_active: false, role: 'admin' }), '"2"'],
        ['?as_of_revision=0', shape(user), '"0"'],
        ['?as_of_revision=1', shape(user, { is_active: false }), '"1"'],
        ['?as_of_revision=2', shape(user, { is_active: false, role: 'admin' }), '"2"'],
      ];
      for (const [query, body, etag] of cases) {
        await scenario.when(as(stateOf(user.userId, query))).then({ status: 200, body, headers: { etag }, events: [] });
      }
    });

    it('answers 404 with its own code before the user existed or past the latest revision', async () => {
      const { scenario, as } = signedIn(root);
      const before = iso(-1);
      await scenario.when(as(stateOf(user.userId, `?as_of=${before}`))).then({
        status: 404,
        body: { error: `User with UUID('${user.userId}') was not yet created at ${before}.`, code: 'user.not_yet_created' },
        events: [],
      });
      await scenario.when(as(stateOf(user.userId, '?as_of_revision=1'))).then({
        status: 404,
        body: { error: `User with UUID('${user.userId}') has no revision 1 (the latest is 0).`, code: 'user.revision_not_found' },
        events: [],
      });
      const unknown = randomUUID();
      await scenario.when(as(stateOf(unknown, '?as_of_revision=0'))).then({ status: 404, body: { error: `User with UUID('${unknown}') is not found.`, code: 'user.not_found' }, events: [] });
    });

    it('answers 422 in the validation body for a moment that is no date-time, has no offset, or comes with a revision', async () => {
      const { scenario, as } = signedIn(root);
      const refusals: Array<[string, { type: string; loc: unknown[] }]> = [
        ['?as_of=yesterday', { type: 'datetime_parsing', loc: ['query', 'as_of'] }],
        ['?as_of=2026-02-30T12:00:00Z', { type: 'datetime_parsing', loc: ['query', 'as_of'] }],
        ['?as_of=2026-01-01T24:00:00Z', { type: 'datetime_parsing', loc: ['query', 'as_of'] }],
        ['?as_of=2026-01-01T12:00:00', { type: 'timezone_aware', loc: ['query', 'as_of'] }],
        ['?as_of_revision=-1', { type: 'string_pattern_mismatch', loc: ['query', 'as_of_revision'] }],
        ['?as_of_revision=one', { type: 'string_pattern_mismatch', loc: ['query', 'as_of_revision'] }],
        [`?as_of=${iso(0)}&as_of_revision=0`, { type: 'value_error', loc: ['query'] }],
      ];
      for (const [query, detail] of refusals) {
        const { reply } = await scenario.when(as(stateOf(user.userId, query))).then({ status: 422, events: [] });
        const [first, ...rest] = (reply.json as { detail: Array<{ type: string; loc: unknown[]; msg: string }> }).detail;
        expect(first, query).to.deep.include(detail);
        expect(first?.msg, query).to.be.a('string');
        expect(rest, query).to.deep.equal([]);
      }
      await scenario.when(as(stateOf('not-a-uuid'))).then({ status: 422, events: [] });
    });

    describe('who may read: as for the history', () => {
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
          await scenario.when(as(stateOf(target.userId))).then({ status, body: status === 200 ? shape(target) : NOT_AUTHORIZED, events: [] });
        });
      }

      it('an unknown id: 404 to an admin, 403 to a user (before any lookup); no session: 401', async () => {
        const id = randomUUID();
        const asAdmin = signedIn(admin);
        await asAdmin.scenario.when(asAdmin.as(stateOf(id))).then({ status: 404, body: { error: `User with UUID('${id}') is not found.`, code: 'user.not_found' }, events: [] });
        const asUser = signedIn(user);
        await asUser.scenario.when(asUser.as(stateOf(id))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
        await api.given(...everyone).when(stateOf(user.userId)).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
      });
    });
  });

  describe('If-Match on the writes', () => {
    it('a write pinned to the current ETag goes ahead and answers the new one; pinned to a stale one it is 412 and appends nothing', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(ifMatch(as(deactivate(user.userId)), '"0"')).then({ status: 204, headers: { etag: '"1"' }, logPosition: 'last', events: [deactivated(user.userId, T0.toISOString())] });
      await scenario.when(ifMatch(as(activate(user.userId)), '"0"')).then({ status: 412, body: mismatch(user.userId), headers: { etag: null }, events: [] });
      await scenario.when(ifMatch(as(activate(user.userId)), '"1"')).then({ status: 204, headers: { etag: '"2"' }, events: [{ stream, type: 'UserActivated', data: { userId: user.userId } }] });
    });

    it('a stale ETag after a concurrent change: the second admin tool is refused, and sees why after a fresh GET', async () => {
      const { scenario, as } = signedIn(root);
      const first = await scenario.when(as(stateOf(user.userId))).then({ status: 200, events: [] });
      const etag = first.reply.headers.get('etag') as string;
      await scenario.when(ifMatch(as({ method: 'PUT', path: `/api/v1/users/${user.userId}/roles/admin` }), etag)).then({ status: 204, headers: { etag: '"1"' }, events: [{ stream, type: 'AdminGranted', data: { userId: user.userId } }] });
      await scenario.when(ifMatch(as(deactivate(user.userId)), etag)).then({ status: 412, body: mismatch(user.userId), events: [] });
      await scenario.when(as(stateOf(user.userId))).then({ status: 200, body: shape(user, { role: 'admin' }), headers: { etag: '"1"' }, events: [] });
    });

    it('every user write takes it: set password, grant and revoke admin, activate and deactivate', async () => {
      const { scenario, as } = signedIn(root);
      const password: ApiRequest = { method: 'PUT', path: `/api/v1/users/${user.userId}/password`, json: 'new-secret' };
      const grant: ApiRequest = { method: 'PUT', path: `/api/v1/users/${user.userId}/roles/admin` };
      const revoke: ApiRequest = { method: 'DELETE', path: `/api/v1/users/${user.userId}/roles/admin` };
      for (const request of [password, grant, revoke, deactivate(user.userId), activate(user.userId)]) {
        await scenario.when(ifMatch(as(request), '"99"')).then({ status: 412, body: mismatch(user.userId), events: [] });
      }
      await scenario.when(ifMatch(as(password), '"0"')).then({ status: 204, headers: { etag: '"1"' }, events: [{ stream, type: 'PasswordSet', data: { userId: user.userId, passwordHash: fakeHashOf('new-secret'), setBy: root.userId, setAt: T0.toISOString() } }] });
      await scenario.when(ifMatch(as(grant), '"1"')).then({ status: 204, headers: { etag: '"2"' }, events: [{ stream, type: 'AdminGranted', data: { userId: user.userId } }] });
      await scenario.when(ifMatch(as(revoke), '"2"')).then({ status: 204, headers: { etag: '"3"' }, events: [{ stream, type: 'AdminRevoked', data: { userId: user.userId } }] });
    });

    it('a no-op pinned to a stale ETag is 412; pinned to the current one it is 204 with the same ETag and no position', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(ifMatch(as(activate(user.userId)), '"1"')).then({ status: 412, body: mismatch(user.userId), events: [] });
      await scenario.when(ifMatch(as(activate(user.userId)), '"0"')).then({ status: 204, headers: { etag: '"0"' }, logPosition: 'absent', events: [] });
    });

    it('* matches any existing user; a list matches when one of its tags does; weak or foreign tags never match', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(ifMatch(as(deactivate(user.userId)), '*')).then({ status: 204, headers: { etag: '"1"' }, events: [deactivated(user.userId, T0.toISOString())] });
      await scenario.when(ifMatch(as(activate(user.userId)), '"7", "1"')).then({ status: 204, headers: { etag: '"2"' }, events: [{ stream, type: 'UserActivated', data: { userId: user.userId } }] });
      for (const value of ['W/"2"', '"abc"', '"02"', '"7", W/"2"']) {
        await scenario.when(ifMatch(as(deactivate(user.userId)), value)).then({ status: 412, body: mismatch(user.userId), events: [] });
      }
    });

    it('a malformed If-Match is 400 request.invalid_if_match, before the handler', async () => {
      const { scenario, as } = signedIn(admin);
      for (const value of ['1', '"1', '*, "1"', ' ', 'W/1', '"1" "2"']) {
        await scenario.when(ifMatch(as(deactivate(user.userId)), value)).then({ status: 400, body: INVALID_IF_MATCH, events: [] });
      }
    });

    it('the permission checks and the 404 win over a stale ETag', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(ifMatch(as(deactivate(otherAdmin.userId)), '"5"')).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
      await scenario.when(ifMatch(as({ method: 'PUT', path: `/api/v1/users/${user.userId}/roles/admin` }), '"5"')).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
      const unknown = randomUUID();
      await scenario.when(ifMatch(as(deactivate(unknown)), '"0"')).then({ status: 404, body: { error: `User with UUID('${unknown}') is not found.`, code: 'user.not_found' }, events: [] });
      await scenario.when(ifMatch(as(deactivate(unknown)), '*')).then({ status: 404, events: [] });
    });

    it('without If-Match the writes behave as before (never 428), and answer the ETag', async () => {
      const { scenario, as } = signedIn(admin);
      await scenario.when(as(deactivate(user.userId))).then({ status: 204, headers: { etag: '"1"' }, events: [deactivated(user.userId, T0.toISOString())] });
      await scenario.when(as(activate(user.userId))).then({ status: 204, headers: { etag: '"2"' }, events: [{ stream, type: 'UserActivated', data: { userId: user.userId } }] });
    });
  });
});
