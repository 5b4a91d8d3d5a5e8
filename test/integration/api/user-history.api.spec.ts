import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { aRegisteredUser, aSessionOf, type GivenUser } from '../../support/api-histories';
import { apiSpecification, type ApiRequest, type History } from '../../support/api-specification';
import { T0 } from '../../support/builders';
import { sessionHandle } from '../../../src/features/users';
import { fakeHashOf } from '../../support/in-process-ports';

const NOT_AUTHORIZED = { error: 'Not authorized.', code: 'auth.not_authorized' };
const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const notFound = (id: string) => ({ error: `User with UUID('${id}') is not found.`, code: 'user.not_found' });
const GIVEN_ACTOR = { system: 'given' };

interface AuditEventJson {
  type: string;
  revision: string;
  position: string;
  recorded_at: string;
  actor: unknown;
  correlation_id: string;
  causation_id: string;
  data: Record<string, unknown>;
}
interface HistoryJson {
  events: AuditEventJson[];
  total: number;
  next_cursor: string | null;
}

describe('API: a user\'s history', () => {
  const api = apiSpecification();
  after(() => api.close());

  const root = aRegisteredUser('root.admin', { role: 'super_admin' });
  const admin = aRegisteredUser('adam.admin', { role: 'admin' });
  const user = aRegisteredUser('alice.smith');
  const otherUser = aRegisteredUser('bob.jones');
  const otherRoot = aRegisteredUser('other.root', { role: 'super_admin' });
  const otherAdmin = aRegisteredUser('other.admin', { role: 'admin' });
  const everyone: History[] = [root.history, admin.history, user.history, otherUser.history, otherRoot.history, otherAdmin.history];

  function signedIn(caller: GivenUser, ...more: History[]) {
    const session = aSessionOf(caller);
    const scenario = api.given(...everyone, ...more, session.history);
    const token = scenario.tokenFor(session);
    return { scenario, session, as: (request: ApiRequest): ApiRequest => ({ ...request, token }) };
  }
  const history = (userId: string, query = ''): ApiRequest => ({ method: 'GET', path: `/api/v1/users/${userId}/history${query}` });

  it("an admin reads a user's history: every event in order, with its place, actor, ids and redacted data", async () => {
    const { scenario, as } = signedIn(admin);
    const set = await scenario.when(as({ method: 'PUT', path: `/api/v1/users/${user.userId}/password`, json: 'new-secret' })).then({ status: 204, events: [{ stream: `user-${user.userId}`, type: 'PasswordSet', data: { userId: user.userId, passwordHash: fakeHashOf('new-secret'), setBy: admin.userId, setAt: T0.toISOString() } }] });
    const { reply } = await scenario.when(as(history(user.userId))).then({ status: 200, events: [] });
    const body = reply.json as HistoryJson;
    expect(body.total).to.equal(2);
    expect(body.next_cursor).to.equal(null);
    const [createdEvent, setEvent] = body.events as [AuditEventJson, AuditEventJson];
    expect(body.events).to.have.length(2);
    expect(createdEvent).to.deep.include({
      type: 'UserCreated',
      revision: '0',
      actor: GIVEN_ACTOR,
      correlation_id: 'given',
      causation_id: 'given',
      data: { userId: user.userId, username: user.username, role: 'user', createdAt: T0.toISOString() },
    });
    expect(setEvent).to.deep.include({
      type: 'PasswordSet',
      revision: '1',
      actor: { id: admin.userId, username: admin.username },
      data: { userId: user.userId, setBy: admin.userId, setAt: T0.toISOString(), password: 'set' },
    });
    expect(setEvent.position).to.equal(set.reply.headers.get('x-log-position'));
    expect(BigInt(setEvent.position) > BigInt(createdEvent.position)).to.equal(true);
    expect(setEvent.correlation_id).to.equal(set.reply.headers.get('x-request-id'));
    expect(new Date(setEvent.recorded_at).toISOString()).to.equal(setEvent.recorded_at);
  });

  it('shows no password hash, hash-looking value or session id anywhere in its text', async () => {
    const { scenario, session, as } = signedIn(user);
    await scenario.when(as({ method: 'PUT', path: '/api/v1/account/password', json: { current_password: user.password, new_password: 'another-secret' } })).then({ status: 204, events: [{ stream: `user-${user.userId}`, type: 'PasswordChanged', data: { userId: user.userId, passwordHash: fakeHashOf('another-secret'), changedAt: T0.toISOString(), sessionId: session.sessionId } }] });
    const { reply } = await scenario.when(as(history(user.userId))).then({ status: 200, events: [] });
    const text = reply.text;
    expect(text).not.to.match(/passwordHash|password_hash/i);
    expect(text).not.to.include('fake$');
    expect(text).not.to.include(fakeHashOf(user.password));
    expect(text).not.to.match(/\$2[aby]\$/);
    expect(text).not.to.include(session.sessionId);
    const changed = (reply.json as HistoryJson).events.find((event) => event.type === 'PasswordChanged');
    // The session it was changed in (the one kept) by its handle only.
    expect(changed?.data).to.deep.equal({ userId: user.userId, changedAt: T0.toISOString(), session: sessionHandle(session.sessionId), password: 'changed' });
    expect(changed?.actor).to.deep.equal({ id: user.userId, username: user.username });
  });

  describe('paging', () => {
    /** A user whose stream holds the creation and four activations and deactivations: six events. */
    const busy = aRegisteredUser('busy.user');
    const busyHistory: History = {
      [`username-${busy.username}`]: busy.history[`username-${busy.username}`] ?? [],
      [`user-${busy.userId}`]: [
        ...(busy.history[`user-${busy.userId}`] ?? []),
        ...[1, 2, 3, 4, 5].map((n) => (n % 2 === 1
          ? { type: 'UserDeactivated', data: { userId: busy.userId, deactivatedAt: T0.toISOString() } }
          : { type: 'UserActivated', data: { userId: busy.userId } })),
      ],
    };
    const revisions = (body: HistoryJson) => body.events.map((event) => event.revision);

    it('limit and offset; total is the whole stream; next_cursor continues after the page', async () => {
      const { scenario, as } = signedIn(root, busyHistory);
      const first = (await scenario.when(as(history(busy.userId, '?limit=2'))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(revisions(first)).to.deep.equal(['0', '1']);
      expect(first.total).to.equal(6);
      expect(first.next_cursor).to.be.a('string');
      const second = (await scenario.when(as(history(busy.userId, `?limit=3&cursor=${first.next_cursor}`))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(revisions(second)).to.deep.equal(['2', '3', '4']);
      const last = (await scenario.when(as(history(busy.userId, `?limit=3&cursor=${second.next_cursor}`))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(revisions(last)).to.deep.equal(['5']);
      expect(last.next_cursor).to.equal(null);
      const offset = (await scenario.when(as(history(busy.userId, '?limit=2&offset=3'))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(revisions(offset)).to.deep.equal(['3', '4']);
      const ignored = (await scenario.when(as(history(busy.userId, `?offset=5&cursor=${first.next_cursor}`))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(revisions(ignored)).to.deep.equal(['2', '3', '4', '5']);
      const past = (await scenario.when(as(history(busy.userId, '?offset=10'))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(past).to.deep.equal({ events: [], total: 6, next_cursor: null });
    });

    it('the whole stream in one page by default (50)', async () => {
      const { scenario, as } = signedIn(root, busyHistory);
      const body = (await scenario.when(as(history(busy.userId))).then({ status: 200, events: [] })).reply.json as HistoryJson;
      expect(revisions(body)).to.deep.equal(['0', '1', '2', '3', '4', '5']);
      expect(body.next_cursor).to.equal(null);
    });

    it('answers 422 for a limit past 1000, a limit of 0, a negative offset or a cursor that is no revision', async () => {
      const { scenario, as } = signedIn(root);
      for (const query of ['?limit=1001', '?limit=0', '?offset=-1', '?cursor=abc']) {
        await scenario.when(as(history(user.userId, query))).then({ status: 422, events: [] });
      }
    });
  });

  describe('who may read', () => {
    const matrix: Array<[string, GivenUser, GivenUser, 200 | 403]> = [
      ['the super admin, an admin', root, admin, 200],
      ['the super admin, a user', root, user, 200],
      ['the super admin, another super admin', root, otherRoot, 200],
      ['the super admin, themselves', root, root, 200],
      ['an admin, a user', admin, user, 200],
      ['an admin, themselves', admin, admin, 200],
      ['an admin, another admin', admin, otherAdmin, 403],
      ['an admin, a super admin', admin, root, 403],
      ['a user, themselves', user, user, 200],
      ['a user, another user', user, otherUser, 403],
      ['a user, an admin', user, admin, 403],
    ];
    for (const [what, caller, target, status] of matrix) {
      it(`${what}: ${status}`, async () => {
        const { scenario, as } = signedIn(caller);
        await scenario.when(as(history(target.userId))).then({ status, ...(status === 403 ? { body: NOT_AUTHORIZED } : {}), events: [] });
      });
    }

    it('answers 404 for an unknown id to the super admin and to an admin, 403 to a user', async () => {
      const id = randomUUID();
      for (const caller of [root, admin]) {
        const { scenario, as } = signedIn(caller);
        await scenario.when(as(history(id.toUpperCase()))).then({ status: 404, body: notFound(id), events: [] });
      }
      const { scenario, as } = signedIn(user);
      await scenario.when(as(history(id))).then({ status: 403, body: NOT_AUTHORIZED, events: [] });
    });

    it('answers 401 without a session', async () => {
      await api.given(...everyone).when(history(user.userId)).then({ status: 401, body: NOT_AUTHENTICATED, events: [] });
    });
  });
});
