import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/http/app';
import { detailOf, serve, type TestServer } from '../../support/http-client';
import { aCaller, fakeDependencies } from '../../support/http-fakes';

const UUID_CHAR_ERROR = (c: string, at: number) =>
  `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${c}\` at ${at}`;

describe('HTTP request validation (FastAPI 422 shapes)', () => {
  let server: TestServer;
  let fakes: ReturnType<typeof fakeDependencies>;
  let adminToken: string;

  before(async () => {
    fakes = fakeDependencies({ bodyLimitBytes: 2048 });
    adminToken = fakes.signIn(aCaller('super_admin'));
    server = await serve(createApp(fakes.deps));
  });
  after(() => server.close());

  const signUp = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    server.request('POST', '/api/v1/account/signup', { body, headers });

  describe('malformed JSON', () => {
    const cases: Array<[string, string, number]> = [
      ['{"username": }', 'Expecting value', 13],
      ['{"username" "x"}', "Expecting ':' delimiter", 12],
      ['{username: "x"}', 'Expecting property name enclosed in double quotes', 1],
      ['{"username": "x",}', 'Illegal trailing comma before end of object', 16],
      ['{"username": "x"} trailing', 'Extra data', 18],
      ['{"username": "caf\u00e9\u{1F600}', 'Unterminated string starting at', 13],
      ['   ', 'Expecting value', 3],
    ];
    for (const [body, message, position] of cases) {
      it(`answers ${JSON.stringify(body)} with json_invalid at ["body", ${position}]`, async () => {
        const reply = await signUp(body);
        expect(reply.status).to.equal(422);
        expect(reply.json).to.deep.equal({
          detail: [{ type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error: message } }],
        });
      });
    }

    it('counts the position in code points, as Python does', async () => {
      const reply = await signUp('{"\u{1F600}\u{1F600}": }');
      expect(detailOf(reply)[0]?.loc).to.deep.equal(['body', 7]);
    });

    it('refuses JSON without a content type with 415 (FastAPI parsed it; a cross-site beacon sends none)', async () => {
      const reply = await server.request('POST', '/api/v1/account/signup', { body: Buffer.from('{"username": "alice", "password": "secret1"}') });
      expect(reply.status).to.equal(415);
      expect(reply.json).to.deep.equal({ error: "Unsupported media type: send the body as 'application/json'.", code: 'request.unsupported_media_type' });
      expect(fakes.account.signUp.execute.called).to.equal(false);
    });

    it('accepts application/*+json and a UTF-8 BOM', async () => {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"username":"alice","password":"secret1"}')]);
      const reply = await server.request('POST', '/api/v1/account/signup', { body, headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' } });
      expect(reply.status).to.equal(201);
    });

    it('answers 400 for a JSON body that is not UTF-8', async () => {
      const reply = await server.request('POST', '/api/v1/account/signup', { body: Buffer.from([0x7b, 0xff, 0x7d]), headers: { 'content-type': 'application/json' } });
      expect(reply.status).to.equal(400);
      expect(reply.json).to.deep.equal({ detail: 'There was an error parsing the body' });
    });
  });

  describe('a body that is not a JSON object', () => {
    it('gives dataclass_type on sign-up and log-in, whose bodies are dataclasses in the original', async () => {
      const reply = await signUp(JSON.stringify('username=alice&password=secret1'));
      expect(reply.status).to.equal(422);
      expect(reply.json).to.deep.equal({
        detail: [{
          type: 'dataclass_type',
          loc: ['body'],
          msg: 'Input should be a dictionary or an instance of SignUpCommand',
          input: 'username=alice&password=secret1',
          ctx: { class_name: 'SignUpCommand' },
        }],
      });
      const login = await server.request('POST', '/api/v1/account/login', { json: ['alice'] });
      expect(detailOf(login)[0]).to.include({ type: 'dataclass_type', msg: 'Input should be a dictionary or an instance of LogInCommand' });
    });

    it('gives model_attributes_type on create-user, whose body is a pydantic model', async () => {
      const reply = await server.request('POST', '/api/v1/users/', { json: 'plain text', token: adminToken });
      expect(reply.status).to.equal(422);
      expect(reply.json).to.deep.equal({
        detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'plain text' }],
      });
    });

    it('gives missing at ["body"] for an empty body or JSON null', async () => {
      for (const body of ['', 'null']) {
        const reply = await signUp(body);
        expect(reply.status).to.equal(422);
        expect(reply.json, body).to.deep.equal({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
      }
    });

    it('gives every field missing on change-password, whose fields are separate Body() parameters', async () => {
      const token = fakes.signIn(aCaller('user'));
      for (const options of [{ json: 'just a string' }, { json: 42 }, {}]) {
        const reply = await server.request('PUT', '/api/v1/account/password', { ...options, token });
        expect(reply.status).to.equal(422);
        expect(reply.json).to.deep.equal({
          detail: [
            { type: 'missing', loc: ['body', 'current_password'], msg: 'Field required', input: null },
            { type: 'missing', loc: ['body', 'new_password'], msg: 'Field required', input: null },
          ],
        });
      }
    });
  });

  describe('fields', () => {
    it('does not coerce: a number for username is string_type, listed with the other failures in field order', async () => {
      const reply = await signUp(JSON.stringify({ password: 5, username: 12345 }));
      expect(reply.json).to.deep.equal({
        detail: [
          { type: 'string_type', loc: ['body', 'username'], msg: 'Input should be a valid string', input: 12345 },
          { type: 'string_type', loc: ['body', 'password'], msg: 'Input should be a valid string', input: 5 },
        ],
      });
    });

    it('echoes the whole body as the input of a missing field', async () => {
      const reply = await signUp(JSON.stringify({ username: 'alice' }));
      expect(reply.json).to.deep.equal({
        detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: { username: 'alice' } }],
      });
    });

    it('treats null as missing on change-password but as a wrong type elsewhere', async () => {
      const token = fakes.signIn(aCaller('user'));
      const change = await server.request('PUT', '/api/v1/account/password', { json: { current_password: null, new_password: 7 }, token });
      expect(change.json).to.deep.equal({
        detail: [
          { type: 'missing', loc: ['body', 'current_password'], msg: 'Field required', input: null },
          { type: 'string_type', loc: ['body', 'new_password'], msg: 'Input should be a valid string', input: 7 },
        ],
      });
      const login = await server.request('POST', '/api/v1/account/login', { json: { username: null, password: 'secret1' } });
      expect(detailOf(login)).to.deep.equal([{ type: 'string_type', loc: ['body', 'username'], msg: 'Input should be a valid string', input: null }]);
    });

    it('refuses an unknown role with enum', async () => {
      const refused = await server.request('POST', '/api/v1/users/', { json: { username: 'bobby', password: 'secret1', role: 'boss' }, token: adminToken });
      expect(refused.status).to.equal(422);
      expect(refused.json).to.deep.equal({
        detail: [{
          type: 'enum',
          loc: ['body', 'role'],
          msg: "Input should be 'super_admin', 'admin' or 'user'",
          input: 'boss',
          ctx: { expected: "'super_admin', 'admin' or 'user'" },
        }],
      });
    });
  });

  describe('the bare-string body of set-password', () => {
    const path = () => `/api/v1/users/${randomUUID()}/password`;

    it('refuses an object with string_type at ["body"]', async () => {
      const reply = await server.request('PUT', path(), { json: { password: 'newpass1' }, token: adminToken });
      expect(reply.status).to.equal(422);
      expect(reply.json).to.deep.equal({
        detail: [{ type: 'string_type', loc: ['body'], msg: 'Input should be a valid string', input: { password: 'newpass1' } }],
      });
    });

    it('reports a bad path id before the body', async () => {
      const reply = await server.request('PUT', '/api/v1/users/42/password', { token: adminToken });
      expect(detailOf(reply).map((d) => d.loc)).to.deep.equal([['path', 'user_id'], ['body']]);
    });
  });

  describe('path user_id', () => {
    const cases: Array<[string, string]> = [
      ['not-a-uuid', UUID_CHAR_ERROR('n', 1)],
      ['123', 'invalid length: expected length 32 for simple format, found 3'],
      ['1234-5678', 'invalid group count: expected 5, found 2'],
      ['12345678-1234-1234-1234-12345678901', 'invalid group length in group 4: expected 12, found 11'],
      ['1234567-81234-1234-1234-123456789012', 'invalid group length in group 0: expected 8, found 7'],
      ['12345678-1234-1234-1234-12345678901g', UUID_CHAR_ERROR('g', 36)],
    ];
    for (const [id, error] of cases) {
      it(`refuses ${id} with uuid_parsing`, async () => {
        const reply = await server.request('PUT', `/api/v1/users/${id}/activation`, { token: adminToken });
        expect(reply.status).to.equal(422);
        expect(reply.json).to.deep.equal({
          detail: [{ type: 'uuid_parsing', loc: ['path', 'user_id'], msg: `Input should be a valid UUID, ${error}`, input: id, ctx: { error } }],
        });
      });
    }

  });

  describe('list query', () => {
    const list = (query: string) => server.request('GET', `/api/v1/users/${query}`, { token: adminToken });

    it('applies the defaults', async () => {
      const reply = await list('');
      expect(reply.status).to.equal(200);
      expect(reply.json).to.deep.equal({ users: [], total: 0, next_cursor: null });
      expect(fakes.user.listUsers.execute.lastCall.args[0]).to.deep.include({ limit: 20, offset: 0, sortingField: 'username', sortingOrder: 'ASC' });
    });

    it('parses integers the way pydantic does and takes the last of repeated values', async () => {
      const reply = await list('?limit=%207%20&offset=1_000&limit=5.0&sorting_order=DESC&sorting_field=role&cursor=abc');
      expect(reply.status).to.equal(200);
      expect(fakes.user.listUsers.execute.lastCall.args[0]).to.deep.include({ limit: 5, offset: 1000, sortingField: 'role', sortingOrder: 'DESC', cursor: 'abc' });
    });

    it('reports every bad parameter with the raw string as input', async () => {
      const reply = await list('?limit=0&offset=x&sorting_order=asc');
      expect(reply.json).to.deep.equal({
        detail: [
          { type: 'greater_than_equal', loc: ['query', 'limit'], msg: 'Input should be greater than or equal to 1', input: '0', ctx: { ge: 1 } },
          { type: 'int_parsing', loc: ['query', 'offset'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
          { type: 'enum', loc: ['query', 'sorting_order'], msg: "Input should be 'ASC' or 'DESC'", input: 'asc', ctx: { expected: "'ASC' or 'DESC'" } },
        ],
      });
    });

    it('caps limit at 1000 and refuses a negative offset', async () => {
      expect((await list('?limit=1000')).status).to.equal(200);
      const reply = await list('?limit=1001&offset=-1');
      expect(reply.json).to.deep.equal({
        detail: [
          { type: 'less_than_equal', loc: ['query', 'limit'], msg: 'Input should be less than or equal to 1000', input: '1001', ctx: { le: 1000 } },
          { type: 'greater_than_equal', loc: ['query', 'offset'], msg: 'Input should be greater than or equal to 0', input: '-1', ctx: { ge: 0 } },
        ],
      });
    });

    it('refuses 1e3, 5.5 and an empty limit with int_parsing', async () => {
      for (const value of ['1e3', '5.5', '']) {
        const reply = await list(`?limit=${value}`);
        expect(detailOf(reply)[0], value).to.include({ type: 'int_parsing', input: value });
      }
    });
  });

  describe('body size', () => {
    it('answers 413 with a JSON error for a body over the configured limit', async () => {
      const reply = await signUp(JSON.stringify({ username: 'alice', password: 'x'.repeat(4096) }));
      expect(reply.status).to.equal(413);
      expect(reply.json).to.deep.equal({ error: 'Request body is too large.', code: 'request.too_large' });
      expect(fakes.account.signUp.execute.calledWithMatch({ password: 'x'.repeat(4096) })).to.equal(false);
    });

    it('accepts a body just under the limit', async () => {
      const reply = await signUp(JSON.stringify({ username: 'alice', password: 'x'.repeat(1900) }));
      expect(reply.status).to.equal(201);
    });
  });
});
