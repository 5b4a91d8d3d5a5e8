import { expect } from 'chai';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';
import type { HttpReply } from '../support/http-client';

interface Page {
  users: { id_: string; username: string }[];
  total: number;
}

const positionOf = (reply: HttpReply): bigint => {
  const header = reply.headers.get('x-log-position');
  expect(header, 'X-Log-Position').to.match(/^[0-9]+$/);
  return BigInt(header ?? '');
};

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: read-your-writes through X-Log-Position and min_position (events in ${eventStore})`, function () {
    this.timeout(120_000);
    // Short enough for a fast stale answer, long enough for the in-process projector to catch up.
    const WAIT_MS = 1_500;
    let service: E2eService;
    let root: string;

    const create = (username: string, role = 'user') =>
      service.request('POST', '/api/v1/users/', { json: { username, password: 'secret1', role }, token: root });
    const list = (query: string) => service.request('GET', `/api/v1/users/?limit=1000&${query}`, { token: root });

    before(async () => {
      service = await startE2eService({ READ_YOUR_WRITES_WAIT_MS: String(WAIT_MS) }, eventStore);
      root = await service.logIn(service.superAdmin.username, service.superAdmin.password);
    });
    after(() => service?.stop());

    it('shows a created user on the very first list call that passes its position', async () => {
      const username = aUsername('ryw');
      const created = await create(username);
      expect(created.status, created.text).to.equal(201);
      const position = positionOf(created);

      const reply = await list(`min_position=${position}&sorting_field=id&sorting_order=DESC`);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.headers.get('x-read-model-stale')).to.equal(null);
      expect((reply.json as Page).users.map((user) => user.username)).to.include(username);
    });

    it('gives every command that appended a later position, and none to a no-op', async () => {
      const username = aUsername('ryw');
      const first = positionOf(await create(username));
      const id = ((await service.request('GET', `/api/v1/users/?limit=1000&min_position=${first}`, { token: root })).json as Page).users.find(
        (user) => user.username === username,
      )?.id_;
      expect(id).to.be.a('string');

      const granted = await service.request('PUT', `/api/v1/users/${id}/roles/admin`, { token: root });
      expect(granted.status).to.equal(204);
      const second = positionOf(granted);
      expect(second > first).to.equal(true);

      const again = await service.request('PUT', `/api/v1/users/${id}/roles/admin`, { token: root });
      expect(again.status).to.equal(204);
      expect(again.headers.get('x-log-position')).to.equal(null);
    });

    it('carries the header on sign-up, log-in, password change and logout', async () => {
      const username = aUsername('ryw');
      const signUp = await service.request('POST', '/api/v1/account/signup', { json: { username, password: 'secret1' } });
      expect(signUp.status, signUp.text).to.equal(201);
      const signedUp = positionOf(signUp);

      const logIn = await service.request('POST', '/api/v1/account/login', { json: { username, password: 'secret1' } });
      expect(logIn.status, logIn.text).to.equal(204);
      const loggedIn = positionOf(logIn);
      expect(loggedIn > signedUp).to.equal(true);
      const token = /access_token=([^;]+)/.exec(logIn.headers.get('set-cookie') ?? '')?.[1] ?? '';

      const change = await service.request('PUT', '/api/v1/account/password', {
        json: { current_password: 'secret1', new_password: 'secret2' },
        token,
      });
      expect(change.status, change.text).to.equal(204);
      expect(positionOf(change) > loggedIn).to.equal(true);

      const logOut = await service.request('DELETE', '/api/v1/account/logout', { token });
      expect(logOut.status, logOut.text).to.equal(204);
      positionOf(logOut);
    });

    it('answers at once, not stale, for the position of a log-in, an event the users read model does not fold', async () => {
      const username = aUsername('ryw');
      expect((await create(username)).status).to.equal(201);
      const logIn = await service.request('POST', '/api/v1/account/login', { json: { username, password: 'secret1' } });
      expect(logIn.status, logIn.text).to.equal(204);

      const reply = await list(`min_position=${positionOf(logIn)}`);
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.headers.get('x-read-model-stale'), 'the read model passed the session event').to.equal(null);
      expect((reply.json as Page).users.map((user) => user.username)).to.include(username);
    });

    it('answers the page, marked stale, when the read model does not pass min_position within the wait', async () => {
      const started = Date.now();
      const reply = await list('min_position=9223372036854775807');
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.headers.get('x-read-model-stale')).to.equal('true');
      expect(Date.now() - started).to.be.at.least(WAIT_MS - 50);
      expect((reply.json as Page).total).to.be.at.least(1);
    });

    it('refuses a min_position that is not decimal digits or beyond 2^63−1 with a 422', async () => {
      const abc = await list('min_position=abc');
      expect(abc.status).to.equal(422);
      expect(abc.json).to.deep.equal({
        detail: [
          {
            type: 'string_pattern_mismatch',
            loc: ['query', 'min_position'],
            msg: "String should match pattern '^[0-9]+$'",
            input: 'abc',
            ctx: { pattern: '^[0-9]+$' },
          },
        ],
      });
      for (const bad of ['-1', '1.5', '', '%2B1']) expect((await list(`min_position=${bad}`)).status, bad).to.equal(422);
      const tooBig = await list('min_position=9223372036854775808');
      expect(tooBig.status).to.equal(422);
      expect((tooBig.json as { detail: { type: string }[] }).detail[0]?.type).to.equal('less_than_equal');
    });

    it('leaves a list without min_position as it was: no wait, no stale header', async () => {
      const reply = await list('');
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('x-read-model-stale')).to.equal(null);
    });
  });
}
