import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/http/app';
import { RequestValidationError } from '../../../src/http/request-validation-error';
import { detailOf, serve, type TestServer } from '../../support/http-client';
import { aCaller, fakeDependencies } from '../../support/http-fakes';

const UUID_CHAR_ERROR = (c: string, at: number) =>
  `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${c}\` at ${at}`;
const NA = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const UNPARSABLE = { detail: 'There was an error parsing the body' };

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('HTTP replies to hostile input (never a 500 or an HTML page)', () => {
  let server: TestServer;
  let fakes: ReturnType<typeof fakeDependencies>;
  let adminToken: string;

  before(async () => {
    fakes = fakeDependencies({ bodyLimitBytes: 1024 * 1024 });
    adminToken = fakes.signIn(aCaller('super_admin'));
    server = await serve(createApp(fakes.deps));
  });
  after(() => server.close());

  describe('a path parameter that is not valid percent-encoding', () => {
    // Starlette sees what Python's unquote leaves: `%zz` literally, U+FFFD for bytes that are not UTF-8.
    const cases: Array<[string, string, string]> = [
      ['%zz', '%zz', UUID_CHAR_ERROR('%', 1)],
      ['%C3%28', '\ufffd(', UUID_CHAR_ERROR('\ufffd', 1)],
      ['ab%', 'ab%', UUID_CHAR_ERROR('%', 3)],
    ];
    for (const [raw, seen, error] of cases) {
      it(`validates ${raw} as the id ${JSON.stringify(seen)}: 422 uuid_parsing`, async () => {
        const reply = await server.request('PUT', `/api/v1/users/${raw}/activation`, { token: adminToken });
        expect(reply.status).to.equal(422);
        expect(reply.json).to.deep.equal({
          detail: [{ type: 'uuid_parsing', loc: ['path', 'user_id'], msg: `Input should be a valid UUID, ${error}`, input: seen, ctx: { error } }],
        });
      });
    }

    it('still asks for a session first (401)', async () => {
      const reply = await server.request('DELETE', '/api/v1/users/%zz/activation');
      expect(reply.status).to.equal(401);
      expect(reply.json).to.deep.equal(NA);
    });

    it('answers an unknown path with such a segment 404, and redirects a trailing slash like any other', async () => {
      const unknown = await server.request('GET', '/api/v1/%zz', { token: adminToken });
      expect(unknown.status).to.equal(404);
      expect(unknown.json).to.deep.equal({ detail: 'Not Found' });
      const redirect = await server.request('PUT', '/api/v1/users/%zz/activation/?x=1', { token: adminToken });
      expect(redirect.status).to.equal(307);
      expect(redirect.headers.get('location')).to.match(/\/api\/v1\/users\/[^/]+\/activation\?x=1$/);
    });
  });

  describe('deeply nested JSON', () => {
    it('answers 400 "There was an error parsing the body" when nesting passes 1000, as FastAPI does for a RecursionError', async () => {
      const calls = fakes.account.signUp.execute.callCount;
      for (const body of [`{"username": ${nested(20_000)}, "password": "secret1"}`, nested(20_000), '['.repeat(20_000)]) {
        const reply = await server.request('POST', '/api/v1/account/signup', { body, headers: { 'content-type': 'application/json' } });
        expect(reply.status).to.equal(400);
        expect(reply.json).to.deep.equal(UNPARSABLE);
      }
      expect(fakes.account.signUp.execute.callCount).to.equal(calls);
    });

    it('still reads nesting up to 1000 and echoes it in the 422', async () => {
      const reply = await server.request('POST', '/api/v1/account/signup', {
        body: `{"username": ${nested(999)}, "password": "secret1"}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(reply.status).to.equal(422);
      expect(detailOf(reply)[0]).to.include({ type: 'string_type' });
    });

    it('reports a syntax error that comes before the nesting limit as json_invalid', async () => {
      const reply = await server.request('POST', '/api/v1/account/signup', {
        body: `{"username" ${nested(2000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(reply.status).to.equal(422);
      expect(detailOf(reply)[0]).to.deep.include({ type: 'json_invalid', loc: ['body', 12] });
    });
  });

  it('answers a JSON 500, never the framework HTML page, when an error reply cannot be written', async () => {
    fakes.account.signUp.execute.rejects(new RequestValidationError([{ type: 'x', loc: ['body'], msg: 'm', input: 1n }]));
    try {
      const reply = await server.request('POST', '/api/v1/account/signup', { json: { username: 'alice', password: 'secret1' } });
      expect(reply.status).to.equal(500);
      expect(reply.headers.get('content-type')).to.equal('application/json');
      expect(reply.json).to.deep.equal({ error: 'Internal Server Error', code: 'internal' });
    } finally {
      fakes.account.signUp.execute.resolves({ id: randomUUID(), position: 1n });
    }
  });
});
