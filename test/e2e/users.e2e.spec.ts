import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';
import { eventually } from '../support/eventually';
import type { HttpReply } from '../support/http-client';

const NZ = { error: 'Not authorized.', code: 'auth.not_authorized' };
const NA = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const errorOf = (reply: HttpReply) => (reply.json as { error: string }).error;

interface ListedUser {
  id_: string;
  username: string;
  role: string;
  is_active: boolean;
}
interface Page {
  users: ListedUser[];
  total: number;
  next_cursor: string | null;
}

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: user administration against the running service (events in ${eventStore})`, function () {
    this.timeout(120_000);
    let service: E2eService;
    let root: string;
    let admin: { id: string; username: string; token: string };
    let plain: { id: string; username: string; token: string };

    const create = (token: string, username: string, role?: string, password = 'secret1') =>
      service.request('POST', '/api/v1/users/', { json: { username, password, ...(role ? { role } : {}) }, token });
    const listPage = async (token: string, query = ''): Promise<HttpReply & { page: Page }> => {
      const reply = await service.request('GET', `/api/v1/users/${query}`, { token });
      return { ...reply, page: reply.json as Page };
    };
    /** The list is a projection: read it once it has passed the last of `replies`' writes (their X-Log-Position). */
    const listAfter = async (token: string, replies: readonly HttpReply[]): Promise<Page> => {
      const positions = replies.map((reply) => reply.headers.get('x-log-position'));
      for (const position of positions) expect(position, 'X-Log-Position').to.match(/^[0-9]+$/);
      const last = positions.map((position) => BigInt(position as string)).reduce((a, b) => (a > b ? a : b));
      const reply = await listPage(token, `?limit=1000&min_position=${last}`);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.headers.get('x-read-model-stale'), 'the read model to pass the position within the wait').to.equal(null);
      return reply.page;
    };
    const member = async (role: string) => {
      const username = aUsername(role.slice(0, 1));
      const reply = await create(root, username, role);
      expect(reply.status, reply.text).to.equal(201);
      const id = (reply.json as { id: string }).id;
      return { id, username, token: await service.logIn(username, 'secret1') };
    };

    before(async () => {
      service = await startE2eService({}, eventStore);
      root = await service.logIn(service.superAdmin.username, service.superAdmin.password);
      admin = await member('admin');
      plain = await member('user');
    });
    after(() => service?.stop());

    describe('create', () => {
      it('lets an admin create a user (role defaults to user), shown in the list within a second', async () => {
        const username = aUsername();
        const reply = await create(admin.token, username);
        expect(reply.status).to.equal(201);
        const { id } = reply.json as { id: string };
        const listed = (await listAfter(root, [reply])).users.find((u) => u.id_ === id);
        expect(listed).to.deep.equal({ id_: id, username, role: 'user', is_active: true });
      });

      it("records the caller, the request id and the time in every event's metadata", async () => {
        const requestId = `audit-${randomUUID()}`;
        const reply = await service.request('POST', '/api/v1/users/', {
          json: { username: aUsername(), password: 'secret1' },
          token: admin.token,
          headers: { 'x-request-id': requestId },
        });
        const { id } = reply.json as { id: string };
        const events = await service.eventStore.readStream(`user-${id}`);
        expect(events.map((event) => event.type)).to.include('UserCreated');
        for (const event of events) {
          expect(event.metadata).to.deep.include({
            actorId: admin.id,
            correlationId: requestId,
            causationId: requestId,
            occurredAt: service.clock.now().toISOString(),
          });
        }
      });

      it('follows the permission matrix: admin → admin 403, anyone → super_admin 403, user → 403', async () => {
        expect((await create(root, aUsername(), 'admin')).status).to.equal(201);
        expect((await create(admin.token, aUsername(), 'admin')).json).to.deep.equal(NZ);
        expect((await create(root, aUsername(), 'super_admin')).json).to.deep.equal(NZ);
        expect((await create(plain.token, aUsername())).json).to.deep.equal(NZ);
      });

      it('validates the body before permissions, and rules after them', async () => {
        expect((await create(plain.token, aUsername(), 'boss')).status).to.equal(422);
        const short = await create(admin.token, aUsername(), 'user', '123');
        expect(short.status).to.equal(400);
        expect(errorOf(short)).to.equal('Password must be at least 6 characters long.');
        const taken = await create(admin.token, admin.username);
        expect(taken.status).to.equal(409);
        expect(errorOf(taken)).to.equal(`User with '${admin.username}' already exists.`);
      });

      // More requests than hash slots: the later ones wait for a slot (startE2eService allows a
      // long wait; past the configured one the contract answers 503 password_hasher.busy).
      it('gives exactly one success per username under a concurrent burst, and no 5xx', async () => {
        const names = [aUsername('c'), aUsername('c'), aUsername('c')];
        const replies = await Promise.all(names.flatMap((name) => Array.from({ length: 5 }, () => create(root, name))));
        expect(replies.filter((r) => r.status >= 500).map((r) => r.text)).to.deep.equal([]);
        for (const name of names) {
          const mine = replies.filter((_reply, i) => names[Math.floor(i / 5)] === name);
          expect(mine.filter((r) => r.status === 201), name).to.have.length(1);
          expect(mine.filter((r) => r.status === 409), name).to.have.length(4);
        }
        const { users } = await listAfter(root, replies.filter((r) => r.status === 201));
        expect(names.filter((name) => !users.some((u) => u.username === name)), 'created users missing from the list').to.deep.equal([]);
      });
    });

    describe('list', () => {
      it('is for admins only', async () => {
        expect((await listPage(plain.token)).json).to.deep.equal(NZ);
        expect((await listPage(admin.token)).status).to.equal(200);
      });

      it('pages with limit/offset, reports the true total past the end, and sorts by role in hierarchy order', async () => {
        const first = await listPage(root, '?limit=2&sorting_field=role');
        expect(first.status).to.equal(200);
        expect(first.page.users).to.have.length(2);
        expect(first.page.users[0]?.role).to.equal('super_admin');
        const past = await listPage(root, '?offset=1000000');
        expect(past.page.users).to.deep.equal([]);
        expect(past.page.total).to.equal(first.page.total);
        const desc = await listPage(root, '?limit=1&sorting_field=role&sorting_order=DESC');
        expect(desc.page.users[0]?.role).to.equal('user');
      });

      it('follows next_cursor to the same rows as offsets', async () => {
        const byOffset = (await listPage(root, '?limit=4&offset=0')).page.users.map((u) => u.id_);
        const first = await listPage(root, '?limit=2');
        expect(first.page.next_cursor).to.be.a('string');
        const second = await listPage(root, `?limit=2&cursor=${encodeURIComponent(first.page.next_cursor as string)}`);
        expect([...first.page.users, ...second.page.users].map((u) => u.id_)).to.deep.equal(byOffset);
      });

      it('refuses an unknown sorting field, password_hash included, with 400', async () => {
        for (const field of ['nope', 'password_hash']) {
          const reply = await listPage(root, `?sorting_field=${field}`);
          expect(reply.status).to.equal(400);
          expect(errorOf(reply)).to.equal(`Invalid sorting field: '${field}'`);
        }
      });

      it('refuses a garbled cursor with 400 and bad parameters with 422', async () => {
        expect((await listPage(root, '?cursor=garbage')).status).to.equal(400);
        expect((await listPage(root, '?limit=1001')).status).to.equal(422);
        expect((await listPage(root, '?sorting_order=asc')).status).to.equal(422);
      });
    });

    describe('set password', () => {
      const setPassword = (token: string, id: string, password: unknown) =>
        service.request('PUT', `/api/v1/users/${id}/password`, { json: password, token });

      it('sets a subordinate password from a bare JSON string; their sessions end (README, differences)', async () => {
        const target = await member('user');
        expect((await setPassword(admin.token, target.id, 'newpass1')).status).to.equal(204);
        expect((await service.request('POST', '/api/v1/account/login', { json: { username: target.username, password: 'newpass1' } })).status).to.equal(204);
        expect((await service.request('PUT', '/api/v1/account/password', { json: { current_password: 'x', new_password: 'x' }, token: target.token })).status).to.equal(401);
      });

      it('checks the password before the target exists, then 404 with the UUID repr', async () => {
        const missing = randomUUID();
        expect(errorOf(await setPassword(admin.token, missing, '123'))).to.equal('Password must be at least 6 characters long.');
        const notFound = await setPassword(admin.token, missing, 'newpass1');
        expect(notFound.status).to.equal(404);
        expect(errorOf(notFound)).to.equal(`User with UUID('${missing}') is not found.`);
      });

      it('refuses non-subordinates (a peer admin, oneself) and plain users', async () => {
        const peer = await member('admin');
        expect((await setPassword(admin.token, peer.id, 'newpass1')).json).to.deep.equal(NZ);
        expect((await setPassword(admin.token, admin.id, 'newpass1')).json).to.deep.equal(NZ);
        expect((await setPassword(plain.token, admin.id, 'newpass1')).json).to.deep.equal(NZ);
        expect((await setPassword(root, peer.id, 'newpass1')).status).to.equal(204);
      });

      it('refuses {"password": ...} with 422 string_type', async () => {
        const reply = await setPassword(admin.token, plain.id, { password: 'newpass1' });
        expect(reply.status).to.equal(422);
      });
    });

    describe('roles', () => {
      const grant = (token: string, id: string) => service.request('PUT', `/api/v1/users/${id}/roles/admin`, { token });
      const revoke = (token: string, id: string) => service.request('DELETE', `/api/v1/users/${id}/roles/admin`, { token });

      it('lets the super admin grant and revoke admin, idempotently, with effect on the next request', async () => {
        const target = await member('user');
        expect((await listPage(target.token)).status).to.equal(403);
        expect((await grant(root, target.id)).status).to.equal(204);
        expect((await grant(root, target.id)).status).to.equal(204);
        expect((await listPage(target.token)).status, 'promotion bites on the existing session').to.equal(200);
        expect((await revoke(root, target.id)).status).to.equal(204);
        expect((await revoke(root, target.id)).status).to.equal(204);
        expect((await listPage(target.token)).status).to.equal(403);
      });

      it('refuses admins, unknown targets and the super admin role', async () => {
        expect((await grant(admin.token, plain.id)).json).to.deep.equal(NZ);
        expect((await grant(root, randomUUID())).status).to.equal(404);
        const self = await revoke(root, await idOf(service.superAdmin.username));
        expect(self.status).to.equal(403);
        expect(errorOf(self)).to.equal(`Changing role of user '${service.superAdmin.username}' (super_admin) is not permitted.`);
      });

      it('rejects a malformed id with 422 uuid_parsing, but only once authenticated', async () => {
        expect((await grant('garbage', 'not-a-uuid')).status).to.equal(401);
        const reply = await grant(root, 'not-a-uuid');
        expect(reply.status).to.equal(422);
      });
    });

    describe('activation', () => {
      const deactivate = (token: string, id: string) => service.request('DELETE', `/api/v1/users/${id}/activation`, { token });
      const activate = (token: string, id: string) => service.request('PUT', `/api/v1/users/${id}/activation`, { token });

      it('deactivation ends every session of the target at once; log-in then says inactive; activation restores', async () => {
        const target = await member('user');
        const second = await service.logIn(target.username, 'secret1');
        expect((await deactivate(admin.token, target.id)).status).to.equal(204);
        for (const token of [target.token, second]) {
          // 401 once the end-sessions reaction ran; 403 (ending them now) if the request got there first.
          const reply = await service.request('DELETE', '/api/v1/account/logout', { token });
          expect(reply.json).to.deep.equal(reply.status === 401 ? NA : NZ);
          expect(reply.status).to.be.oneOf([401, 403]);
        }
        const login = await service.request('POST', '/api/v1/account/login', { json: { username: target.username, password: 'secret1' } });
        expect(login.status).to.equal(401);
        expect(errorOf(login)).to.equal('Your account is inactive. Please contact support.');
        const wrongPassword = await service.request('POST', '/api/v1/account/login', { json: { username: target.username, password: 'wrong-pw' } });
        expect(errorOf(wrongPassword), 'the password is checked before the active flag').to.equal('Invalid password.');
        expect((await deactivate(admin.token, target.id)).status, 'idempotent').to.equal(204);
        expect((await activate(admin.token, target.id)).status).to.equal(204);
        expect((await service.request('POST', '/api/v1/account/login', { json: { username: target.username, password: 'secret1' } })).status).to.equal(204);
      });

      it('keeps to subordinates: admins cannot touch admins or themselves, nobody the super admin', async () => {
        const peer = await member('admin');
        expect((await deactivate(admin.token, peer.id)).json).to.deep.equal(NZ);
        expect((await deactivate(admin.token, admin.id)).json).to.deep.equal(NZ);
        expect((await deactivate(root, await idOf(service.superAdmin.username))).json).to.deep.equal(NZ);
        expect((await deactivate(plain.token, peer.id)).json).to.deep.equal(NZ);
        expect((await activate(root, peer.id)).status).to.equal(204);
        expect((await deactivate(root, randomUUID())).status).to.equal(404);
      });
    });

    async function idOf(username: string): Promise<string> {
      return eventually(`${username} in the list`, async () => (await listPage(root, '?limit=1000')).page.users.find((u) => u.username === username)?.id_);
    }
  });
}
