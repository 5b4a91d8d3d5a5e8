import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { OpenAPI } from 'openapi-types';
import type { ProjectionStatus } from '../../../projections/operations/projection-status';
import { createApp } from '../../../src/http/app';
import { serve, type HttpReply, type TestServer } from '../../support/http-client';
import { fakeDependencies } from '../../support/http-fakes';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; description?: string; enum?: unknown[] };

interface Response {
  description: string;
  headers?: Record<string, { $ref?: string; description?: string }>;
  content?: Record<string, { schema: Schema }>;
}

interface Operation {
  description?: string;
  security?: unknown;
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}

interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; headers: Record<string, { description: string }> };
}

/** A status document as `readProjectionStatus` returns it (typed, so a new field must show up here). */
const SAMPLE_STATUS: ProjectionStatus = {
  name: 'users',
  kind: 'projection',
  version: 2,
  table: 'users_v2',
  checkpoint: '1234',
  lag: { events: 3, atLeast: false, seconds: 0.5 },
  lease: { owner: 'worker-1', expiresAt: '2026-01-01T12:00:10.000Z', activeSince: '2026-01-01T11:00:00.000Z', held: true },
  state: 'stopped',
  reason: 'event 1235 could not be folded',
  stoppedEvent: { position: '1235', id: randomUUID(), stream: 'user-1', type: 'UserCreated', revision: '0' },
  rebuild: {
    version: 3,
    table: 'users_v3',
    checkpoint: null,
    lag: { events: 10_000, atLeast: true, seconds: 12 },
    lease: { owner: null, expiresAt: null, activeSince: null, held: false },
  },
};

/** The documentation pages themselves, which FastAPI leaves out of the document too. */
const DOCUMENTATION_PAGES = ['/openapi.json', '/docs', '/redoc', '/docs/swagger-initializer.js'];

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every method and path the app mounts, in OpenAPI form. */
function mountedRoutes(app: Express): string[] {
  const walk = (stack: readonly RouterLayer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
      }
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
}

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, operation })),
  );

describe('The OpenAPI document describes the API where users look', () => {
  let app: Express;
  let server: TestServer;
  let document: Document;
  let problems: string[];
  let validatorFor: (name: string) => ValidateFunction;

  before(async () => {
    problems = [];
    const fakes = fakeDependencies({ ready: async () => problems, projectionStatus: async () => [SAMPLE_STATUS] });
    app = createApp(fakes.deps);
    server = await serve(app);
    const reply = await server.request('GET', '/openapi.json');
    expect(reply.status).to.equal(200);
    document = reply.json as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: document.components });
    validatorFor = (name) => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
  });
  after(() => server.close());

  const operation = (method: string, path: string): Operation => {
    const found = document.paths[path]?.[method];
    expect(found, `${method.toUpperCase()} ${path}`).not.to.equal(undefined);
    return found as Operation;
  };
  const parameter = (method: string, path: string, name: string) => {
    const found = operation(method, path).parameters?.find((p) => p.name === name);
    expect(found, name).not.to.equal(undefined);
    return found as NonNullable<typeof found>;
  };
  const bodyField = (method: string, path: string, field: string): Schema => {
    const schema = operation(method, path).requestBody?.content['application/json']?.schema;
    const property = schema?.properties?.[field];
    expect(property, `${path} ${field}`).not.to.equal(undefined);
    return property as Schema;
  };
  const bodyOf = (reply: HttpReply) => reply.json;

  it('validates as an OpenAPI 3.1 document, its $refs resolving', async () => {
    expect(document.openapi).to.equal('3.1.0');
    await SwaggerParser.validate(structuredClone(document) as unknown as OpenAPI.Document);
  });

  it('lists every route the app mounts, the probes included when they are configured', () => {
    const documented = operationsOf(document).map(({ key }) => key);
    const mounted = mountedRoutes(app).filter((route) => !DOCUMENTATION_PAGES.includes(route.split(' ')[1] ?? ''));
    expect(mounted).to.include.members(['GET /api/v1/health', 'GET /api/v1/ready', 'GET /api/v1/health/projections']);
    expect(documented).to.have.members(mounted);
  });

  it('lists no route that answers 404 or 405', async () => {
    for (const { method, path } of operationsOf(document)) {
      const reply = await server.request(method.toUpperCase(), path.replace('{user_id}', randomUUID()));
      expect(reply.status, `${method} ${path}`).not.to.be.oneOf([404, 405]);
    }
  });

  it('leaves the probes out when they are not configured', async () => {
    const bare = await serve(createApp(fakeDependencies().deps));
    try {
      const paths = Object.keys((bodyOf(await bare.request('GET', '/openapi.json')) as Document).paths);
      expect(paths).to.include('/api/v1/health').and.not.include('/api/v1/ready').and.not.include('/api/v1/health/projections');
    } finally {
      await bare.close();
    }
  });

  describe('the body fields and their rules', () => {
    for (const [method, path] of [
      ['post', '/api/v1/account/signup'],
      ['post', '/api/v1/account/login'],
      ['post', '/api/v1/users/'],
    ] as const) {
      it(`${method.toUpperCase()} ${path}: username 5–20 characters with its character rules, password at least 6`, () => {
        const username = bodyField(method, path, 'username').description ?? '';
        expect(username).to.include('5–20 characters');
        expect(username).to.include('`A-Z`').and.include('`0-9`').and.include('`.`').and.include('`-`').and.include('`_`');
        expect(username).to.include('starts and ends with a letter or a digit').and.include('never has two of');
        for (const code of ['length', 'start', 'characters', 'consecutive_specials', 'end']) expect(username).to.include(`user.username_${code}`);
        expect(bodyField(method, path, 'password').description).to.include('At least 6 characters').and.include('user.password_too_short');
      });
    }

    it('POST /api/v1/users/: role with its enum and default', () => {
      const role = bodyField('post', '/api/v1/users/', 'role');
      expect(role.enum).to.deep.equal(['super_admin', 'admin', 'user']);
      expect(role.description).to.include('`super_admin`, `admin`, `user` (default `user`)').and.include('nobody creates a super admin');
    });

    it('PUT /api/v1/account/password: both passwords at least 6, the new one different', () => {
      expect(bodyField('put', '/api/v1/account/password', 'current_password').description).to.include('At least 6 characters').and.include('auth.invalid_password');
      expect(bodyField('put', '/api/v1/account/password', 'new_password').description).to.include('At least 6 characters').and.include('auth.password_unchanged');
    });

    it('PUT /api/v1/users/{user_id}/password: a bare JSON string of at least 6', () => {
      const schema = operation('put', '/api/v1/users/{user_id}/password').requestBody?.content['application/json']?.schema;
      expect(schema).to.include({ type: 'string' });
      expect(schema?.description).to.include('bare JSON string').and.include('At least 6 characters');
    });
  });

  describe('the list parameters', () => {
    const list = (name: string) => parameter('get', '/api/v1/users/', name);

    it('describes every parameter, and every path parameter', () => {
      for (const { key, operation: op } of operationsOf(document)) {
        for (const p of op.parameters ?? []) expect(p.description, `${key} ${p.name}`).to.be.a('string').and.not.equal('');
      }
      expect(parameter('put', '/api/v1/users/{user_id}/activation', 'user_id')).to.deep.include({ in: 'path', required: true });
    });

    it('limit: 1 to 1000, default 20', () => {
      expect(list('limit').schema).to.include({ type: 'integer', minimum: 1, maximum: 1000, default: 20 });
      expect(list('limit').description).to.include('1000');
    });

    it('offset: from 0, default 0, ignored with a cursor', () => {
      expect(list('offset').schema).to.include({ type: 'integer', minimum: 0, default: 0 });
      expect(list('offset').description).to.include('Ignored when a `cursor` is given');
    });

    it('sorting_field: the allowed columns; sorting_order: ASC or DESC', () => {
      const field = list('sorting_field');
      expect(field.schema).to.include({ default: 'username' });
      for (const column of ['`id`', '`username`', '`role`', '`is_active`']) expect(field.description).to.include(column);
      expect(field.description).to.include('users.invalid_sorting_field');
      expect(list('sorting_order').schema).to.deep.include({ enum: ['ASC', 'DESC'], default: 'ASC' });
    });

    it('cursor: keyset paging, and what it does with an offset', () => {
      const cursor = list('cursor').description ?? '';
      expect(cursor).to.include('Keyset paging').and.include('`next_cursor`');
      expect(cursor).to.include('With a `cursor` the `offset` is ignored: the page starts right after the row the cursor marks.');
      expect(cursor).to.include('users.invalid_cursor');
    });

    it('min_position: the read-your-writes wait', () => {
      expect(list('min_position').schema).to.include({ type: 'string', pattern: '^[0-9]+$' });
      expect(list('min_position').description).to.include('`X-Log-Position`').and.include('waits').and.include('`X-Read-Model-Stale: true`');
    });
  });

  describe("a user's history", () => {
    const path = '/api/v1/users/{user_id}/history';

    it('limit 1 to 1000 default 50, offset, an opaque cursor, the user id in the path', () => {
      expect(parameter('get', path, 'limit').schema).to.include({ type: 'integer', minimum: 1, maximum: 1000, default: 50 });
      expect(parameter('get', path, 'offset').schema).to.include({ type: 'integer', minimum: 0, default: 0 });
      expect(parameter('get', path, 'cursor').description).to.include('`next_cursor`').and.include('opaque');
      expect(parameter('get', path, 'user_id')).to.deep.include({ in: 'path', required: true });
    });

    it('answers the page of redacted events, 401, 403 and 404', () => {
      const responses = operation('get', path).responses;
      expect(Object.keys(responses)).to.include.members(['200', '401', '403', '404', '422']);
      expect(JSON.stringify(responses['200'])).to.include('next_cursor').and.include('redacted');
    });

    it("the sessions' history: the user id in the path; 200 with handles, 401, 403, 404", () => {
      const sessions = '/api/v1/users/{user_id}/sessions/history';
      expect(parameter('get', sessions, 'user_id')).to.deep.include({ in: 'path', required: true });
      const responses = operation('get', sessions).responses;
      expect(Object.keys(responses)).to.include.members(['200', '401', '403', '404']);
      expect(JSON.stringify(responses['200'])).to.include('end_reason').and.include('never the id itself');
    });
  });

  describe('a user now or as of a moment, and optimistic concurrency', () => {
    const path = '/api/v1/users/{user_id}';
    const writes: Array<[string, string]> = [
      ['put', '/api/v1/users/{user_id}/password'],
      ['put', '/api/v1/users/{user_id}/roles/admin'],
      ['delete', '/api/v1/users/{user_id}/roles/admin'],
      ['put', '/api/v1/users/{user_id}/activation'],
      ['delete', '/api/v1/users/{user_id}/activation'],
    ];

    it('GET: as_of and as_of_revision, the user in the list\'s shape with its ETag, and the 404 codes', () => {
      expect(parameter('get', path, 'as_of').description).to.include('RFC 3339').and.include('user.not_yet_created');
      expect(parameter('get', path, 'as_of_revision')).to.deep.include({ in: 'query', required: false });
      expect(parameter('get', path, 'as_of_revision').description).to.include('user.revision_not_found');
      const ok = operation('get', path).responses['200'];
      expect(ok?.headers?.['ETag']?.description).to.include('If-Match');
      expect(ok?.content?.['application/json']?.schema).to.deep.include({ required: ['id_', 'username', 'role', 'is_active'] });
      expect(operation('get', path).responses['404']?.description).to.include('user.not_found').and.include('user.not_yet_created').and.include('user.revision_not_found');
    });

    it('every user write takes an optional If-Match header, answers the new ETag, and documents 412 and the malformed 400', () => {
      for (const [method, write] of writes) {
        const key = `${method.toUpperCase()} ${write}`;
        const header = parameter(method, write, 'If-Match');
        expect(header, key).to.deep.include({ in: 'header', required: false });
        expect(header.description, key).to.include('never 428').and.include('`*`');
        const responses = operation(method, write).responses;
        expect(responses['204']?.headers?.['ETag'], key).not.to.equal(undefined);
        expect(responses['412']?.description, key).to.include('user.revision_mismatch');
        expect(responses['400']?.description, key).to.include('request.invalid_if_match');
      }
    });
  });

  describe('the response headers and the cookie', () => {
    it('X-Request-Id on every response of every operation', () => {
      expect(document.components.headers['X-Request-Id']?.description).to.include('X-Request-Id');
      for (const { key, operation: op } of operationsOf(document)) {
        for (const [status, response] of Object.entries(op.responses)) {
          expect(response.headers?.['X-Request-Id'], `${key} ${status}`).to.deep.equal({ $ref: '#/components/headers/X-Request-Id' });
        }
      }
    });

    it('X-Log-Position on the success of every command, X-Read-Model-Stale on the list', () => {
      for (const { key, method, operation: op } of operationsOf(document)) {
        if (method === 'get') continue;
        const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))?.[1];
        expect(success?.headers?.['X-Log-Position']?.description, key).to.include('min_position');
      }
      const list = operation('get', '/api/v1/users/').responses['200'];
      expect(list?.headers?.['X-Read-Model-Stale']?.description).to.include('min_position');
    });

    it('the access_token cookie: set by log-in, cleared by log-out, needed by the authenticated routes', () => {
      expect(operation('post', '/api/v1/account/login').responses['204']?.headers?.['Set-Cookie']?.description).to.include('access_token=<JWT>; HttpOnly');
      expect(operation('delete', '/api/v1/account/logout').responses['204']?.headers?.['Set-Cookie']?.description).to.include('Max-Age=0');
      for (const { key, operation: op } of operationsOf(document)) {
        if (op.security === undefined) continue;
        expect(op.security, key).to.deep.equal([{ APIKeyCookie: [] }]);
        expect(op.description, key).to.include('`access_token` cookie (HttpOnly');
      }
    });
  });

  describe('the errors', () => {
    const schemaRef = (response: Response | undefined) => response?.content?.['application/json']?.schema;
    const errorShape = { $ref: '#/components/schemas/ErrorResponse' };

    it('documents {error, code} and the 422 {detail: [...]} shapes', () => {
      expect(document.components.schemas['ErrorResponse']).to.deep.include({ required: ['error', 'code'] });
      const validation = validatorFor('HTTPValidationError');
      expect(validation({ detail: [{ type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: {} }] })).to.equal(true);
      expect(validation({ error: 'x', code: 'y' })).to.equal(false);
    });

    it('every operation but the probes answers 503 and 500 as {error, code}; 401 and 403 where a session is involved', () => {
      for (const { key, path, operation: op } of operationsOf(document)) {
        if (path === '/' || path === '/api/v1/health' || path === '/api/v1/ready') continue;
        expect(schemaRef(op.responses['503']), key).to.deep.equal(errorShape);
        expect(schemaRef(op.responses['500']), key).to.deep.equal(errorShape);
        if (path.startsWith('/api/v1/health')) continue;
        expect(schemaRef(op.responses['403']), key).to.deep.equal(errorShape);
        if (op.security) expect(schemaRef(op.responses['401']), key).to.deep.equal(errorShape);
      }
    });

    it('422 exactly where there is something to validate', () => {
      for (const { key, operation: op } of operationsOf(document)) {
        const validates = op.requestBody !== undefined || (op.parameters ?? []).length > 0;
        if (validates) expect(schemaRef(op.responses['422']), key).to.deep.equal({ $ref: '#/components/schemas/HTTPValidationError' });
        else expect(op.responses['422'], key).to.equal(undefined);
      }
    });

    it("a body route's 400 is either the rule's {error, code} or FastAPI's unreadable-body {detail}, and it documents 413 and 415", () => {
      const signUp = operation('post', '/api/v1/account/signup');
      expect(schemaRef(signUp.responses['400'])).to.deep.equal({ oneOf: [errorShape, { $ref: '#/components/schemas/FrameworkError' }] });
      expect(signUp.responses['409']?.description).to.include('user.already_exists').and.include('concurrency.conflict');
      expect(schemaRef(signUp.responses['413'])).to.deep.equal(errorShape);
      expect(schemaRef(signUp.responses['415'])).to.deep.equal(errorShape);
      expect(operation('put', '/api/v1/users/{user_id}/activation').responses['404']?.description).to.include('user.not_found');
    });

    it('the shapes it documents are the ones the service answers', async () => {
      const unreadable = await server.request('POST', '/api/v1/account/signup', { body: Buffer.from([0xff, 0xfe]), headers: { 'content-type': 'application/json' } });
      expect(unreadable.status).to.equal(400);
      expect(validatorFor('FrameworkError')(unreadable.json)).to.equal(true);
      const invalid = await server.request('POST', '/api/v1/account/signup', { json: {} });
      expect(invalid.status).to.equal(422);
      expect(validatorFor('HTTPValidationError')(invalid.json)).to.equal(true);
      const unauthenticated = await server.request('GET', '/api/v1/users/');
      expect(unauthenticated.status).to.equal(401);
      expect(validatorFor('ErrorResponse')(unauthenticated.json)).to.equal(true);
    });
  });

  describe('the probes', () => {
    it('GET /api/v1/ready: 200 {"status":"ready"}, 503 {error, code, problems}', async () => {
      const ready = operation('get', '/api/v1/ready');
      expect(ready.responses['200']?.content?.['application/json']?.schema).to.deep.include({ properties: { status: { const: 'ready' } } });
      expect(ready.responses['503']?.content?.['application/json']?.schema).to.deep.equal({ $ref: '#/components/schemas/NotReady' });
      expect(document.components.schemas['NotReady']?.properties?.['problems']).to.deep.include({ type: 'array', items: { type: 'string' } });

      problems.splice(0, problems.length, 'the event store cannot be reached');
      try {
        const reply = await server.request('GET', '/api/v1/ready');
        expect(reply.status).to.equal(503);
        expect(validatorFor('NotReady')(reply.json)).to.equal(true);
      } finally {
        problems.splice(0, problems.length);
      }
    });

    it('GET /api/v1/health/projections: 200 {"projections": [...]} with every field of the status document', async () => {
      const status = document.components.schemas['ProjectionStatus'];
      expect(Object.keys(status?.properties ?? {})).to.have.members(Object.keys(SAMPLE_STATUS));
      expect(status?.properties?.['state']?.enum).to.deep.equal(['running', 'catching_up', 'rebuilding', 'stopped']);
      const reply = await server.request('GET', '/api/v1/health/projections');
      expect(reply.status).to.equal(200);
      const schema = operation('get', '/api/v1/health/projections').responses['200']?.content?.['application/json']?.schema;
      expect(schema).to.deep.equal({ type: 'object', properties: { projections: { type: 'array', items: { $ref: '#/components/schemas/ProjectionStatus' } } }, required: ['projections'] });
      const validate = validatorFor('ProjectionStatus');
      for (const entry of (reply.json as { projections: unknown[] }).projections) expect(validate(entry), JSON.stringify(validate.errors)).to.equal(true);
    });
  });
});
