import { expect } from 'chai';
import { createApp } from '../../../src/http/app';
import { aCaller, fakeDependencies } from '../../support/http-fakes';
import { serve, type TestServer } from '../../support/http-client';

const CROSS_SITE = { error: 'Cross-site requests are not allowed.', code: 'request.cross_site' };
const NOT_JSON = { error: "Unsupported media type: send the body as 'application/json'.", code: 'request.unsupported_media_type' };
const ALLOWED = 'https://app.example.com';
const ADMIN_BODY = JSON.stringify({ username: 'mallory', password: 'secret1', role: 'admin' });

/**
 * The browser's cross-site request forgery, over real HTTP: what `navigator.sendBeacon` and
 * `fetch(…, {mode: 'no-cors'})` can send from another site without a preflight, against what
 * a script sends.
 */
describe('HTTP cross-site requests', () => {
  let server: TestServer;
  let fakes: ReturnType<typeof fakeDependencies>;
  let superAdmin: string;

  beforeEach(async () => {
    fakes = fakeDependencies({ allowedOrigins: [ALLOWED] });
    server = await serve(createApp(fakes.deps));
    superAdmin = fakes.signIn(aCaller('super_admin'));
  });
  afterEach(() => server.close());

  const createAdmin = (headers: Record<string, string>, body: string | Buffer = ADMIN_BODY) =>
    server.request('POST', '/api/v1/users/', { body, headers, token: superAdmin });

  describe('refuses, before any handler or session check runs', () => {
    it('a beacon: a text/plain JSON body from another site (415 even when it says no site at all)', async () => {
      const beacon = await createAdmin({ 'content-type': 'text/plain;charset=UTF-8' });
      expect([beacon.status, beacon.json]).to.deep.equal([415, NOT_JSON]);
      expect(fakes.user.createUser.execute.called).to.equal(false);
      expect(fakes.account.resolveSession.execute.called).to.equal(false);
    });

    it('a no-cors fetch of a Blob: a body with no content type at all', async () => {
      const reply = await createAdmin({}, Buffer.from(ADMIN_BODY));
      expect([reply.status, reply.json]).to.deep.equal([415, NOT_JSON]);
      expect(fakes.user.createUser.execute.called).to.equal(false);
    });

    it('a form post (urlencoded or multipart)', async () => {
      for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const reply = await createAdmin({ 'content-type': type }, 'username=mallory&password=secret1&role=admin');
        expect([reply.status, reply.json], type).to.deep.equal([415, NOT_JSON]);
      }
      expect(fakes.user.createUser.execute.called).to.equal(false);
    });

    it('a JSON request that Sec-Fetch-Site says comes from another site, with 403', async () => {
      const reply = await createAdmin({ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' });
      expect([reply.status, reply.json]).to.deep.equal([403, CROSS_SITE]);
      expect(fakes.user.createUser.execute.called).to.equal(false);
      expect(fakes.account.resolveSession.execute.called).to.equal(false);
    });

    it("a JSON request whose Origin is another site's, or null, with 403, whatever its Sec-Fetch-Site", async () => {
      for (const origin of ['https://evil.example', 'null', `http://${server.host}.evil.example`, `https://${server.host}/`]) {
        const reply = await createAdmin({ 'content-type': 'application/json', origin });
        expect([reply.status, reply.json], origin).to.deep.equal([403, CROSS_SITE]);
      }
      const claimsSameOrigin = await createAdmin({ 'content-type': 'application/json', origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' });
      expect(claimsSameOrigin.status).to.equal(403);
      expect(fakes.user.createUser.execute.called).to.equal(false);
    });

    it('a cross-site log-out (DELETE without a body) and a cross-site text/plain log-in', async () => {
      const token = fakes.signIn(aCaller('user'));
      const logOut = await server.request('DELETE', '/api/v1/account/logout', { token, headers: { 'sec-fetch-site': 'cross-site' } });
      expect([logOut.status, logOut.json]).to.deep.equal([403, CROSS_SITE]);
      expect(fakes.account.logOut.execute.called).to.equal(false);
      const logIn = await server.request('POST', '/api/v1/account/login', { body: '{"username":"alice","password":"secret1"}', headers: { 'content-type': 'text/plain' } });
      expect([logIn.status, logIn.json]).to.deep.equal([415, NOT_JSON]);
      expect(fakes.account.logIn.execute.called).to.equal(false);
    });
  });

  describe('lets through', () => {
    it("a script's or a server's JSON request, which sends neither Origin nor Sec-Fetch-Site", async () => {
      const reply = await createAdmin({ 'content-type': 'application/json' });
      expect(reply.status).to.equal(201);
      expect(fakes.user.createUser.execute.calledOnce).to.equal(true);
    });

    it('JSON with a charset, and +json media types', async () => {
      for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json', 'APPLICATION/JSON']) {
        const reply = await createAdmin({ 'content-type': type });
        expect(reply.status, type).to.equal(201);
      }
    });

    it("the service's own pages (same origin) and the configured origin", async () => {
      const own = await createAdmin({ 'content-type': 'application/json', origin: `http://${server.host}`, 'sec-fetch-site': 'same-origin' });
      expect(own.status).to.equal(201);
      const allowed = await createAdmin({ 'content-type': 'application/json', origin: ALLOWED, 'sec-fetch-site': 'cross-site' });
      expect(allowed.status).to.equal(201);
      // Allowed or not, the body must still be JSON.
      const allowedBeacon = await createAdmin({ 'content-type': 'text/plain', origin: ALLOWED, 'sec-fetch-site': 'cross-site' });
      expect(allowedBeacon.status).to.equal(415);
    });

    it('cross-site safe requests (a link to the docs, a GET of the list) and unsafe ones without a body from scripts', async () => {
      const docs = await server.request('GET', '/docs', { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
      expect(docs.status).to.equal(200);
      const list = await server.request('GET', '/api/v1/users/', { token: superAdmin, headers: { 'sec-fetch-site': 'cross-site' } });
      expect(list.status).to.equal(200);
      const logOut = await server.request('DELETE', '/api/v1/account/logout', { token: fakes.signIn(aCaller('user')) });
      expect(logOut.status).to.equal(204);
    });
  });
});
