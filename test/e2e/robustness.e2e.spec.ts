import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { JwtTokenCodec } from '../../src/features/sessions';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';

const JWT_SECRET = `robustness-${randomBytes(16).toString('hex')}`;
const REQUESTS = 300;
const IN_FLIGHT = 8;

interface RawReply {
  status: number;
  contentType: string | undefined;
  body: string;
}

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Sends exactly the given path and bytes (fetch would normalise the URL and refuse some headers). */
function send(url: string, { method, path, headers, body }: RawRequest): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // Node's client frames a GET body with neither Content-Length nor chunking unless told.
    const framing = body ? { 'content-length': String(body.length) } : {};
    const outgoing = httpRequest({ host: hostname, port, method, path, headers: { ...headers, ...framing }, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const contentType = incoming.headers['content-type'];
        resolve({ status: incoming.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString('utf8') });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** mulberry32: a seeded PRNG, so that a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTES: Array<[string, string]> = [
  ['GET', '/'],
  ['GET', '/api/v1/health'],
  ['POST', '/api/v1/account/signup'],
  ['POST', '/api/v1/account/login'],
  ['PUT', '/api/v1/account/password'],
  ['DELETE', '/api/v1/account/logout'],
  ['POST', '/api/v1/users/'],
  ['GET', '/api/v1/users/'],
  ['PUT', '/api/v1/users/{id}/password'],
  ['PUT', '/api/v1/users/{id}/roles/admin'],
  ['DELETE', '/api/v1/users/{id}/roles/admin'],
  ['PUT', '/api/v1/users/{id}/activation'],
  ['DELETE', '/api/v1/users/{id}/activation'],
  ['GET', '/docs'],
  ['GET', '/openapi.json'],
];

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: robustness against malformed and random requests (events in ${eventStore})`, function () {
    this.timeout(60_000);
    let service: E2eService;
    const tokens: Record<string, string> = {};
    const ids: string[] = [];

    before(async () => {
      service = await startE2eService({ JWT_SECRET }, eventStore);
      const { username, password } = service.superAdmin;
      tokens['root'] = await service.logIn(username, password);
      for (const role of ['admin', 'user']) {
        const name = aUsername(role.slice(0, 1));
        const created = await service.request('POST', '/api/v1/users/', { json: { username: name, password: 'secret1', role }, token: tokens['root'] });
        ids.push((created.json as { id: string }).id);
        tokens[role] = await service.logIn(name, 'secret1');
      }
    });
    after(() => service?.stop());

    /** No 5xx, and every error is JSON in one of the contract's two families. */
    const expectWellFormed = (what: string, reply: RawReply, method: string): void => {
      expect(reply.status, `${what} → ${reply.status} ${reply.body.slice(0, 300)}`).to.be.below(500);
      if (reply.status < 400 || method === 'HEAD') return;
      expect(reply.contentType, `${what} → ${reply.status} ${reply.body.slice(0, 100)}`).to.equal('application/json');
      const body = JSON.parse(reply.body) as Record<string, unknown>;
      const appError = typeof body['error'] === 'string' && typeof body['code'] === 'string';
      expect(appError || 'detail' in body, `${what} → ${reply.body.slice(0, 300)}`).to.equal(true);
    };

    it('answers a signed token naming an id the service never makes with 401, not a database error', async () => {
      const codec = new JwtTokenCodec(JWT_SECRET);
      for (const sessionId of ['bad\u0000id', 'x'.repeat(5000), '../../etc/passwd', 'caf\u00e9']) {
        const token = codec.issue(sessionId, new Date(Date.now() + 60_000));
        const reply = await send(service.url, { method: 'GET', path: '/api/v1/users/', headers: { cookie: `access_token=${token}` } });
        expect(reply.status, JSON.stringify(sessionId)).to.equal(401);
        expect(JSON.parse(reply.body)).to.deep.equal({ error: 'Not authenticated.', code: 'auth.not_authenticated' });
      }
    });

    it('validates a path id that is not valid percent-encoding instead of failing on it', async () => {
      const reply = await send(service.url, { method: 'DELETE', path: '/api/v1/users/%E0%zz/activation', headers: { cookie: `access_token=${tokens['root']}` } });
      expect(reply.status).to.equal(422);
      expect(JSON.parse(reply.body)).to.have.nested.property('detail[0].type', 'uuid_parsing');
    });

    it('answers deeply nested JSON with 400, as FastAPI does', async () => {
      const body = Buffer.from(`{"username": ${'['.repeat(30_000)}${']'.repeat(30_000)}, "password": "secret1"}`);
      const reply = await send(service.url, { method: 'POST', path: '/api/v1/account/signup', headers: { 'content-type': 'application/json' }, body });
      expect(reply.status).to.equal(400);
      expect(JSON.parse(reply.body)).to.deep.equal({ detail: 'There was an error parsing the body' });
    });

    it(`survives ${REQUESTS} random requests: no 5xx, JSON errors only, and still healthy`, async () => {
      const seed = Number(process.env.ROBUSTNESS_SEED ?? 20261201);
      const random = prng(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const junk = (length: number) => Array.from({ length }, () => pick([...'aZ09-_.%~!$&\'()*+,;=:@/?#[]{}"\\ \u00e9\u20ac\u{1F600}\u0000\n'])).join('');
      const urlJunk = (length: number) => encodeURIComponent(junk(length)).replace(/%25/g, () => pick(['%', '%25', '%zz', '%C3%28', '%00']));
      const codec = new JwtTokenCodec(JWT_SECRET);

      const pathFor = (template: string) =>
        template.replace('{id}', () =>
          pick([
            () => pick(ids),
            () => '0190b5c2-7a4b-7c3d-8e9f-0a1b2c3d4e5f',
            () => urlJunk(1 + Math.floor(random() * 40)),
            () => 'a'.repeat(2000),
            () => '%zz',
            () => '%C3%28',
          ])(),
        );
      const query = () =>
        pick([
          () => '',
          () => `?limit=${pick(['0', '1', '1000', '1001', 'abc', '-1', '1.0', '', '%00', '9'.repeat(30)])}`,
          () => `?offset=${pick(['-1', '0', '1e3', '99999999999999999999'])}&sorting_order=${pick(['asc', 'ASC', 'DESC', 'x'])}`,
          () => `?sorting_field=${pick(['password_hash', 'unknown', 'role', 'is_active', 'id', '%00', '%ff'])}`,
          () => `?cursor=${pick([urlJunk(20), randomBytes(24).toString('base64url'), ''])}&limit=1&limit=2`,
          () => `?${urlJunk(30)}=${urlJunk(30)}`,
        ])();
      const body = (): Buffer | undefined =>
        pick([
          () => undefined,
          () => Buffer.from(''),
          () => Buffer.from(JSON.stringify({ username: pick([aUsername(), 12345, null, junk(8), 'ab', 'x'.repeat(30)]), password: pick(['secret1', '123', 7, null]) })),
          () => Buffer.from(JSON.stringify({ current_password: pick(['secret1', 'x']), new_password: pick(['secret2', 1, null]) })),
          () => Buffer.from(JSON.stringify(pick(['newpass1', 'x', 42, null, [], { password: 'newpass1' }]))),
          () => Buffer.from(JSON.stringify({ username: aUsername(), password: 'secret1', role: pick(['user', 'admin', 'super_admin', 'ADMIN', 3]) })),
          () => Buffer.from(junk(1 + Math.floor(random() * 200))),
          () => Buffer.from('{"username": "abcde", "password": '.slice(0, Math.floor(random() * 34))),
          () => Buffer.from(`${'['.repeat(2000)}${']'.repeat(2000)}`),
          () => randomBytes(Math.floor(random() * 300)),
          () => Buffer.from(`{"a":"${'x'.repeat(120_000)}"}`),
        ])();
      const contentType = () => pick([undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json', 'multipart/form-data; boundary=x', '']);
      const cookie = () =>
        pick([
          () => undefined,
          () => `access_token=${tokens['root']}`,
          () => `access_token=${tokens['admin']}`,
          () => `access_token=${tokens['user']}`,
          () => `access_token=${urlJunk(40)}`,
          () => 'access_token=""',
          () => `access_token=${codec.issue(pick(['\u0000', 'y'.repeat(3000), randomBytes(32).toString('base64url')]), new Date(Date.now() + 60_000))}`,
          () => `;;=;${urlJunk(10)}; access_token`,
        ])();

      const next = (): RawRequest & { what: string } => {
        const [routeMethod, template] = pick(ROUTES);
        const method = random() < 0.85 ? routeMethod : pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
        const path = `${pathFor(template)}${random() < 0.1 ? '/' : ''}${query()}`;
        const headers: Record<string, string> = {};
        const type = contentType();
        if (type !== undefined) headers['content-type'] = type;
        const jar = cookie();
        if (jar !== undefined) headers['cookie'] = jar;
        if (random() < 0.2) headers['x-request-id'] = pick(['x'.repeat(5000), 'caf\u00e9', ' ', 'ok-1', '\u00ff\u00fe']);
        const payload = ['GET', 'HEAD'].includes(method) && random() < 0.7 ? undefined : body();
        return { method, path, headers, ...(payload ? { body: payload } : {}), what: `seed ${seed}: ${method} ${path.slice(0, 300)} ${JSON.stringify(headers).slice(0, 300)}` };
      };

      const requests = Array.from({ length: REQUESTS }, next);
      const worker = async () => {
        for (let request = requests.shift(); request; request = requests.shift()) {
          expectWellFormed(request.what, await send(service.url, request), request.method);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

      const health = await service.request('GET', '/api/v1/health');
      expect(health.status).to.equal(200);
      expect(health.json).to.deep.equal({ status: 'ok' });
      const { username, password } = service.superAdmin;
      expect((await service.request('GET', '/api/v1/users/', { token: await service.logIn(username, password) })).status).to.equal(200);
    });
  });
}
