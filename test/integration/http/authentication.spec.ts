import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/http/app';
import { detailOf, serve, type TestServer } from '../../support/http-client';
import { aCaller, fakeDependencies } from '../../support/http-fakes';

const NOT_AUTHENTICATED = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const NOT_AUTHORIZED = { error: 'Not authorized.', code: 'auth.not_authorized' };
const ALREADY_AUTHENTICATED = { error: 'You are already authenticated. Consider logging out.', code: 'auth.already_authenticated' };
const CLEARED = 'access_token=""; HttpOnly; Max-Age=0; Path=/';

describe('HTTP authentication and the session cookie', () => {
  for (const secure of [false, true]) {
    describe(secure ? 'with secure cookies' : 'with plain cookies', () => {
      let server: TestServer;
      let fakes: ReturnType<typeof fakeDependencies>;
      const attributes = secure ? '; HttpOnly; Path=/; SameSite=Strict; Secure' : '; HttpOnly; Path=/';

      before(async () => {
        fakes = fakeDependencies({ cookies: { secure } });
        server = await serve(createApp(fakes.deps));
      });
      after(() => server.close());

      it('log-in answers 204 with exactly the contract cookie: the bare JWT, no Max-Age or Expires', async () => {
        const reply = await server.request('POST', '/api/v1/account/login', { json: { username: 'alice', password: 'secret1' } });
        expect(reply.status).to.equal(204);
        expect(reply.text).to.equal('');
        expect(reply.headers.get('content-type')).to.equal('application/json');
        expect(reply.headers.getSetCookie()).to.deep.equal([`access_token=new.jwt.token${attributes}`]);
      });

      it('log-out clears the cookie with the literal "" value, without Secure or SameSite', async () => {
        const caller = aCaller('user');
        const reply = await server.request('DELETE', '/api/v1/account/logout', { token: fakes.signIn(caller) });
        expect(reply.status).to.equal(204);
        expect(reply.headers.getSetCookie()).to.deep.equal([CLEARED]);
        expect(fakes.account.logOut.execute.lastCall.args[0]).to.deep.equal({ caller });
      });

      it('log-out of a session that was renewed on this request sends only the clearing cookie', async () => {
        const reply = await server.request('DELETE', '/api/v1/account/logout', { token: fakes.signIn(aCaller('user'), 'renewed.jwt') });
        expect(reply.headers.getSetCookie()).to.deep.equal([CLEARED]);
      });

      it('sets a renewed token on any response, a 4xx included', async () => {
        const token = fakes.signIn(aCaller('admin'), 'renewed.jwt');
        const reply = await server.request('GET', '/api/v1/users/?limit=0', { token });
        expect(reply.status).to.equal(422);
        expect(reply.headers.getSetCookie()).to.deep.equal([`access_token=renewed.jwt${attributes}`]);
      });
    });
  }

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

    it('clears the cookie and answers 403 Not authorized. for a session whose user is inactive or gone', async () => {
      const token = `token-${randomUUID()}`;
      fakes.sessions.set(token, { status: 'forbidden' });
      const reply = await server.request('PUT', '/api/v1/account/password', { token, json: { current_password: 'a', new_password: 'b' } });
      expect(reply.status).to.equal(403);
      expect(reply.json).to.deep.equal(NOT_AUTHORIZED);
      expect(reply.headers.getSetCookie()).to.deep.equal([CLEARED]);
      expect(fakes.account.changePassword.execute.called).to.equal(false);
    });

    it('hands the resolved caller and its user id as actor to the handler', async () => {
      const caller = aCaller('super_admin');
      const target = randomUUID();
      const reply = await server.request('PUT', `/api/v1/users/${target}/roles/admin`, { token: fakes.signIn(caller), headers: { 'x-request-id': 'req-1' } });
      expect(reply.status).to.equal(204);
      const [input, context] = fakes.user.grantAdmin.execute.lastCall.args;
      expect(input).to.deep.equal({ actor: { userId: caller.userId, role: 'super_admin' }, userId: target });
      expect(context).to.deep.equal({ actorId: caller.userId, correlationId: 'req-1', causationId: 'req-1', now: fakes.now });
    });

    it('maps change-password fields to the handler input', async () => {
      const caller = aCaller('user');
      await server.request('PUT', '/api/v1/account/password', { token: fakes.signIn(caller), json: { current_password: 'old-pw', new_password: 'new-pw' } });
      expect(fakes.account.changePassword.execute.lastCall.args[0]).to.deep.equal({ caller, currentPassword: 'old-pw', newPassword: 'new-pw' });
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

  describe('on sign-up and log-in', () => {
    let server: TestServer;
    let fakes: ReturnType<typeof fakeDependencies>;

    before(async () => {
      fakes = fakeDependencies();
      server = await serve(createApp(fakes.deps));
    });
    after(() => server.close());

    for (const path of ['/api/v1/account/signup', '/api/v1/account/login']) {
      it(`${path}: a live session → 403 already authenticated, still setting the renewed cookie`, async () => {
        const reply = await server.request('POST', path, { token: fakes.signIn(aCaller('user'), 'renewed.jwt'), json: { username: 'alice', password: 'secret1' } });
        expect(reply.status).to.equal(403);
        expect(reply.json).to.deep.equal(ALREADY_AUTHENTICATED);
        expect(reply.headers.getSetCookie()).to.deep.equal(['access_token=renewed.jwt; HttpOnly; Path=/']);
      });

      it(`${path}: a session of an inactive user → 403 not authorized and the cookie cleared`, async () => {
        const token = `token-${randomUUID()}`;
        fakes.sessions.set(token, { status: 'forbidden' });
        const reply = await server.request('POST', path, { token, json: { username: 'alice', password: 'secret1' } });
        expect(reply.status).to.equal(403);
        expect(reply.json).to.deep.equal(NOT_AUTHORIZED);
        expect(reply.headers.getSetCookie()).to.deep.equal([CLEARED]);
      });

      it(`${path}: a stale cookie is ignored`, async () => {
        const reply = await server.request('POST', path, { token: 'expired-or-garbage', json: { username: 'alice', password: 'secret1' } });
        expect(reply.status).to.be.oneOf([201, 204]);
      });
    }

    it('sign-up answers 201 {id} and sets no cookie', async () => {
      const id = randomUUID();
      fakes.account.signUp.execute.resolves({ id, position: 7n });
      const reply = await server.request('POST', '/api/v1/account/signup', { json: { username: 'alice', password: 'secret1' } });
      expect(reply.status).to.equal(201);
      expect(reply.text).to.equal(JSON.stringify({ id }));
      expect(reply.headers.getSetCookie()).to.deep.equal([]);
    });
  });
});
