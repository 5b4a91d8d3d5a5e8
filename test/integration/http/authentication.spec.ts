import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/http/app';
import { detailOf, serve, type TestServer } from '../../support/http-client';
import { aCaller, fakeDependencies } from '../../support/http-fakes';

const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };

// What the session cookie does to the handlers (log-in and log-out, renewal, inactive users,
// the actor of each command) is specified with the real handlers in test/integration/api/.
// Here: the wire before any handler, with a stubbed resolver.
describe('HTTP authentication and the session cookie', () => {
  describe('on routes that need a session', () => {
    let server: TestServer;
    let fakes: ReturnType<typeof fakeDependencies>;

    before(async () => {
      fakes = fakeDependencies();
      server = await serve(createApp(fakes.deps));
    });
    after(() => server.close());

    const protectedRoutes: Array<[string, string]> = [
      ['PUT', '/api/v1/account/password'],
      ['DELETE', '/api/v1/account/logout'],
      ['POST', '/api/v1/users/'],
      ['GET', '/api/v1/users/'],
      ['PUT', `/api/v1/users/${randomUUID()}/password`],
      ['PUT', `/api/v1/users/${randomUUID()}/roles/admin`],
      ['DELETE', `/api/v1/users/${randomUUID()}/roles/admin`],
      ['PUT', `/api/v1/users/${randomUUID()}/activation`],
      ['DELETE', `/api/v1/users/${randomUUID()}/activation`],
    ];

    it('answers 401 Not authenticated. with no cookie at all (our difference from the original 403)', async () => {
      for (const [method, path] of protectedRoutes) {
        const reply = await server.request(method, path);
        expect(reply.status, `${method} ${path}`).to.equal(401);
        expect(reply.json).to.deep.equal(NOT_AUTHENTICATED);
      }
      expect(fakes.account.resolveSession.execute.called).to.equal(false);
    });

    it('answers 401 for an empty cookie and for a token the resolver does not know', async () => {
      for (const headers of [{ cookie: 'access_token=' }, { cookie: 'access_token=""' }, { cookie: 'access_token=garbage; other=1' }]) {
        const reply = await server.request('GET', '/api/v1/users/', { headers });
        expect(reply.status, headers.cookie).to.equal(401);
        expect(reply.json).to.deep.equal(NOT_AUTHENTICATED);
      }
    });

    it('resolves the session from the last access_token cookie of the header', async () => {
      const token = fakes.signIn(aCaller('admin'));
      const reply = await server.request('GET', '/api/v1/users/', { headers: { cookie: `access_token=stale; theme=dark; access_token=${token}` } });
      expect(reply.status).to.equal(200);
    });
  });

  describe('precedence: authentication, then validation, then the handler', () => {
    let server: TestServer;
    let fakes: ReturnType<typeof fakeDependencies>;

    before(async () => {
      fakes = fakeDependencies();
      server = await serve(createApp(fakes.deps));
    });
    after(() => server.close());

    it('no cookie and a malformed id → 401', async () => {
      const reply = await server.request('PUT', '/api/v1/users/not-a-uuid/activation');
      expect(reply.status).to.equal(401);
    });

    it('a garbage cookie and a malformed id → 401', async () => {
      const reply = await server.request('PUT', '/api/v1/users/not-a-uuid/activation', { token: 'garbage' });
      expect(reply.status).to.equal(401);
      expect(reply.json).to.deep.equal(NOT_AUTHENTICATED);
    });

    it('a valid session and a malformed id → 422, and the handler is not called', async () => {
      const reply = await server.request('PUT', '/api/v1/users/not-a-uuid/activation', { token: fakes.signIn(aCaller('admin')) });
      expect(reply.status).to.equal(422);
      expect(detailOf(reply)[0]?.type).to.equal('uuid_parsing');
      expect(fakes.user.activateUser.execute.called).to.equal(false);
    });

    it('no cookie and malformed JSON → 401', async () => {
      const reply = await server.request('POST', '/api/v1/users/', { body: '{', headers: { 'content-type': 'application/json' } });
      expect(reply.status).to.equal(401);
    });

    it('a plain user posting a body without a password to /users/ → 422, not 403', async () => {
      const reply = await server.request('POST', '/api/v1/users/', { token: fakes.signIn(aCaller('user')), json: { username: 'alice' } });
      expect(reply.status).to.equal(422);
    });
  });
});
