import { expect } from 'chai';
import { createApp } from '../../../src/http/app';
import { aCaller, fakeDependencies } from '../../support/http-fakes';
import { serve, type HttpReply, type TestServer } from '../../support/http-client';

/** The policy's directives by name: `default-src 'none'; frame-ancestors 'none'` → {default-src: ["'none'"], …}. */
function policyOf(reply: HttpReply): Record<string, string[]> {
  const header = reply.headers.get('content-security-policy');
  expect(header, 'Content-Security-Policy').to.be.a('string');
  return Object.fromEntries(
    (header as string)
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name !== undefined && name !== '')
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('HTTP security headers', () => {
  let server: TestServer;
  let fakes: ReturnType<typeof fakeDependencies>;

  before(async () => {
    fakes = fakeDependencies();
    server = await serve(createApp(fakes.deps));
  });
  after(() => server.close());

  it('sends nosniff, no framing, no X-Powered-By and no HSTS without secure cookies, on every kind of answer', async () => {
    const token = fakes.signIn(aCaller('admin'));
    const replies = [
      await server.request('GET', '/api/v1/health'),
      await server.request('GET', '/api/v1/users/', { token }),
      await server.request('GET', '/api/v1/users/', {}),
      await server.request('GET', '/nowhere'),
      await server.request('POST', '/api/v1/account/login', { json: { username: 'alice', password: 'secret1' } }),
      await server.request('POST', '/api/v1/users/', { body: 'x', headers: { 'content-type': 'text/plain' }, token }),
      await server.request('GET', '/docs'),
    ];
    for (const reply of replies) {
      expect(reply.headers.get('x-content-type-options'), String(reply.status)).to.equal('nosniff');
      expect(reply.headers.get('x-frame-options')).to.equal('DENY');
      expect(reply.headers.get('x-powered-by')).to.equal(null);
      expect(reply.headers.get('strict-transport-security')).to.equal(null);
      expect(policyOf(reply)['frame-ancestors']).to.deep.equal(["'none'"]);
    }
  });

  it('gives the API a policy that allows nothing to load or run', async () => {
    const policy = policyOf(await server.request('GET', '/api/v1/health'));
    expect(policy).to.deep.equal({
      'default-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });

  it('gives the docs pages a policy of their own: scripts from the service itself (and ReDoc pinned from its CDN), no inline script', async () => {
    for (const path of ['/docs', '/redoc', '/docs/swagger-ui-bundle.js']) {
      const policy = policyOf(await server.request('GET', path));
      expect(policy['script-src'], path).to.deep.equal(["'self'", 'https://cdn.jsdelivr.net']);
      expect(policy['connect-src'], path).to.deep.equal(["'self'"]);
      expect(policy['default-src'], path).to.deep.equal(["'none'"]);
    }
    const redoc = await server.request('GET', '/redoc');
    expect(redoc.text).to.match(/<script src="https:\/\/cdn\.jsdelivr\.net\/npm\/redoc@\d+\.\d+\.\d+\/bundles\/redoc\.standalone\.js" integrity="sha384-[A-Za-z0-9+/=]{64}" crossorigin="anonymous"><\/script>/);
    expect(redoc.text.match(/<script[^>]*>/g)).to.have.length(1);
  });

  it('forbids storing any answer: sessions, user data and errors alike', async () => {
    const token = fakes.signIn(aCaller('admin'));
    for (const reply of [
      await server.request('GET', '/api/v1/users/', { token }),
      await server.request('POST', '/api/v1/account/login', { json: { username: 'alice', password: 'secret1' } }),
      await server.request('DELETE', '/api/v1/account/logout', { token }),
      await server.request('GET', '/api/v1/users/', {}),
      await server.request('GET', '/openapi.json'),
    ]) {
      expect(reply.headers.get('cache-control'), String(reply.status)).to.equal('no-store');
    }
  });

  it('sends HSTS only with secure cookies', async () => {
    const secure = await serve(createApp(fakeDependencies({ cookies: { secure: true } }).deps));
    try {
      const reply = await secure.request('GET', '/api/v1/health');
      expect(reply.headers.get('strict-transport-security')).to.equal('max-age=31536000');
    } finally {
      await secure.close();
    }
  });
});
