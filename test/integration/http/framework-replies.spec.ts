import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { createApp } from '../../../src/http/app';
import { serve, type TestServer } from '../../support/http-client';
import { fakeDependencies } from '../../support/http-fakes';

interface Operation {
  security?: unknown;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, Record<string, unknown>> } }> };
}

interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
}

const bodySchema = (operation: Operation | undefined) => operation?.requestBody?.content['application/json']?.schema;

/** A request written byte for byte (fetch will not send a Host of its own choosing); the reply as text. */
function rawRequest(server: TestServer, request: string): Promise<string> {
  const [host, port] = server.host.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

describe('HTTP framework replies', () => {
  let server: TestServer;
  let fakes: ReturnType<typeof fakeDependencies>;

  before(async () => {
    fakes = fakeDependencies();
    server = await serve(createApp(fakes.deps));
  });
  after(() => server.close());

  it('redirects / to the relative docs/ with 307', async () => {
    const reply = await server.request('GET', '/');
    expect(reply.status).to.equal(307);
    expect(reply.headers.get('location')).to.equal('docs/');
  });

  it('redirects /docs/ to the relative /docs, and serves Swagger UI there with its start script from a file', async () => {
    const redirect = await server.request('GET', '/docs/');
    expect(redirect.status).to.equal(307);
    expect(redirect.headers.get('location')).to.equal('/docs');
    const page = await server.request('GET', '/docs');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.text).to.include('<script src="/docs/swagger-ui-bundle.js"></script>').and.include('<script src="/docs/swagger-initializer.js"></script>');
    expect(page.text).to.not.match(/<script>/);
    const start = await server.request('GET', '/docs/swagger-initializer.js');
    expect(start.status).to.equal(200);
    expect(start.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(start.text).to.include('SwaggerUIBundle').and.include("url: '/openapi.json'");
    const asset = await server.request('GET', '/docs/swagger-ui-bundle.js');
    expect(asset.status).to.equal(200);
  });

  it('serves ReDoc at /redoc', async () => {
    const page = await server.request('GET', '/redoc');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<redoc spec-url="/openapi.json">');
  });

  it('answers the health check without touching any handler', async () => {
    const reply = await server.request('GET', '/api/v1/health');
    expect(reply.status).to.equal(200);
    expect(reply.text).to.equal('{"status":"ok"}');
    expect(reply.headers.get('content-type')).to.equal('application/json');
    expect(fakes.account.resolveSession.execute.called).to.equal(false);
  });

  it('redirects /api/v1/users to the relative /api/v1/users/ with 307, keeping the query', async () => {
    const reply = await server.request('GET', '/api/v1/users?limit=5&offset=2');
    expect(reply.status).to.equal(307);
    expect(reply.headers.get('location')).to.equal('/api/v1/users/?limit=5&offset=2');
  });

  it('redirects whatever the method, as Starlette does, so POST keeps its body on the 307', async () => {
    const reply = await server.request('POST', '/api/v1/users', { json: { username: 'alice', password: 'secret1' } });
    expect(reply.status).to.equal(307);
    expect(reply.headers.get('location')).to.equal('/api/v1/users/');
  });

  it('builds the Location from the path alone, whatever Host the request names', async () => {
    const reply = await rawRequest(server, 'GET /api/v1/users HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 307 /);
    expect(reply).to.match(/\r\nlocation: \/api\/v1\/users\/\r\n/i);
    expect(reply).to.not.include('evil.example');
  });

  it('answers a path of 15,000 slashes and x/ with the plain 404, without backtracking over the slashes', async function () {
    // The old /\/+$/ took about 0.3 s on this path, blocking the event loop; the mocha timeout is only a backstop.
    this.timeout(10_000);
    const reply = await server.request('GET', `${'/'.repeat(15_000)}x/`);
    expect(reply.status).to.equal(404);
    expect(reply.json).to.deep.equal({ detail: 'Not Found' });
    const slashes = await server.request('GET', `/api/v1/health${'/'.repeat(15_000)}`);
    expect(slashes.status).to.equal(307);
    expect(slashes.headers.get('location')).to.equal('/api/v1/health');
  });

  it('redirects a trailing slash away where only the bare path exists', async () => {
    const reply = await server.request('GET', '/api/v1/health/');
    expect(reply.status).to.equal(307);
    expect(reply.headers.get('location')).to.equal('/api/v1/health');
  });

  it('answers 404 {"detail":"Not Found"} for an unknown path, whatever the method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const reply = await server.request(method, '/api/v1/nothing-here');
      expect(reply.status, method).to.equal(404);
      expect(reply.text).to.equal('{"detail":"Not Found"}');
      expect(reply.headers.get('content-type')).to.equal('application/json');
    }
    const nested = await server.request('GET', `/api/v1/users/${randomUUID()}/nothing-here`);
    expect(nested.status).to.equal(404);
  });

  it('matches paths case-sensitively', async () => {
    const reply = await server.request('GET', '/API/v1/health');
    expect(reply.status).to.equal(404);
  });

  it('answers 405 {"detail":"Method Not Allowed"} with Allow for a wrong method on a known path', async () => {
    const reply = await server.request('PATCH', '/api/v1/health');
    expect(reply.status).to.equal(405);
    expect(reply.text).to.equal('{"detail":"Method Not Allowed"}');
    expect(reply.headers.get('allow')).to.equal('GET, HEAD');
    const users = await server.request('PUT', '/api/v1/users/');
    expect(users.status).to.equal(405);
    expect(users.headers.get('allow')).to.equal('POST, GET, HEAD');
    const user = await server.request('DELETE', `/api/v1/users/${randomUUID()}`);
    expect(user.status, 'a user has only GET').to.equal(405);
    expect(user.headers.get('allow')).to.equal('GET, HEAD');
    const login = await server.request('GET', '/api/v1/account/login');
    expect(login.status).to.equal(405);
  });

  it('answers OPTIONS with 405 too: there is no CORS or automatic OPTIONS', async () => {
    const reply = await server.request('OPTIONS', '/api/v1/account/signup');
    expect(reply.status).to.equal(405);
    expect(reply.headers.get('allow')).to.equal('POST');
  });

  describe('the OpenAPI document', () => {
    let document: OpenApiDocument;
    before(async () => {
      const reply = await server.request('GET', '/openapi.json');
      expect(reply.status).to.equal(200);
      document = reply.json as OpenApiDocument;
    });

    it('is OpenAPI 3.1 describing userledger', () => {
      expect(document.openapi).to.equal('3.1.0');
      expect(document.info).to.include({ title: 'userledger', version: '0.1.0' });
    });

    it('lists all 13 routes of the contract, and the audit and log-out-everywhere routes added since', () => {
      const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations).to.have.members([
        'GET /',
        'GET /api/v1/health',
        'POST /api/v1/account/signup',
        'POST /api/v1/account/login',
        'PUT /api/v1/account/password',
        'DELETE /api/v1/account/logout',
        'DELETE /api/v1/account/sessions',
        'POST /api/v1/users/',
        'GET /api/v1/users/',
        'PUT /api/v1/users/{user_id}/password',
        'PUT /api/v1/users/{user_id}/roles/admin',
        'DELETE /api/v1/users/{user_id}/roles/admin',
        'PUT /api/v1/users/{user_id}/activation',
        'DELETE /api/v1/users/{user_id}/activation',
        'GET /api/v1/users/{user_id}',
        'GET /api/v1/users/{user_id}/history',
        'GET /api/v1/users/{user_id}/sessions/history',
      ]);
    });

    it('declares the access_token cookie as an APIKey scheme on the authenticated routes only', () => {
      expect(document.components.securitySchemes['APIKeyCookie']).to.deep.equal({ type: 'apiKey', in: 'cookie', name: 'access_token' });
      expect(document.paths['/api/v1/users/']?.['get']?.security).to.deep.equal([{ APIKeyCookie: [] }]);
      expect(document.paths['/api/v1/account/signup']?.['post']?.security).to.equal(undefined);
    });

    it('carries the same schemas the requests are validated with', () => {
      const role = bodySchema(document.paths['/api/v1/users/']?.['post'])?.properties?.['role'];
      expect(role).to.deep.include({ default: 'user', enum: ['super_admin', 'admin', 'user'] });
      const limit = document.paths['/api/v1/users/']?.['get']?.parameters?.find((p) => p.name === 'limit');
      expect(limit).to.deep.include({ in: 'query', required: false });
      expect(limit?.schema).to.include({ type: 'integer', minimum: 1, maximum: 1000, default: 20 });
      expect(bodySchema(document.paths['/api/v1/users/{user_id}/password']?.['put'])?.type).to.equal('string');
    });
  });

  describe('request ids', () => {
    it('generates a UUID when the header is missing, too long or not visible ASCII', async () => {
      for (const offered of [undefined, 'x'.repeat(201), 'with space', 'tab\there']) {
        const reply = await server.request('GET', '/api/v1/health', offered === undefined ? {} : { headers: { 'x-request-id': offered } });
        expect(reply.headers.get('x-request-id'), String(offered)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    });

    it('puts the id on framework replies too', async () => {
      const reply = await server.request('GET', '/nowhere', { headers: { 'x-request-id': 'abc-123' } });
      expect(reply.headers.get('x-request-id')).to.equal('abc-123');
    });

    it('logs each request with its id, but never bodies, query strings or cookies', async () => {
      const requestId = `log-${randomUUID()}`;
      await server.request('PUT', '/api/v1/account/password?secret=query', {
        json: { current_password: 'old-secret-pw', new_password: 'new-secret-pw' },
        token: 'cookie-secret-token',
        headers: { 'x-request-id': requestId },
      });
      const lines = fakes.log.lines.filter((line) => line['requestId'] === requestId);
      expect(lines.find((line) => line['msg'] === 'request completed')).to.include({ method: 'PUT', path: '/api/v1/account/password', status: 401 });
      const text = JSON.stringify(lines);
      for (const secret of ['old-secret-pw', 'new-secret-pw', 'cookie-secret-token', 'secret=query']) expect(text).not.to.include(secret);
    });
  });
});
