import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/http/app';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
} from '../../../src/shared/errors';
import { AppendTooLargeError, EventStoreUnavailableError, WrongExpectedVersionError } from '../../../src/shared/event-store/event-store';
import { serve, type TestServer } from '../../support/http-client';
import { aCaller, fakeDependencies } from '../../support/http-fakes';

const CONCURRENCY_CONFLICT = {
  error: 'The resource was changed by a concurrent request. Please try again.',
  code: 'concurrency.conflict',
};
const UNAVAILABLE = { error: 'Service temporarily unavailable. Please try again later.', code: 'service.unavailable' };

describe('HTTP error mapping', () => {
  let server: TestServer;
  let fakes: ReturnType<typeof fakeDependencies>;

  before(async () => {
    fakes = fakeDependencies();
    server = await serve(createApp(fakes.deps));
  });
  after(() => server.close());
  afterEach(() => fakes.account.signUp.execute.resolves({ id: randomUUID(), position: 1n }));

  const signUpFailingWith = async (error: unknown) => {
    fakes.account.signUp.execute.rejects(error);
    const requestId = `err-${randomUUID()}`;
    const reply = await server.request('POST', '/api/v1/account/signup', {
      json: { username: 'alice', password: 'secret1' },
      headers: { 'x-request-id': requestId },
    });
    return { reply, logs: fakes.log.lines.filter((line) => line['requestId'] === requestId) };
  };

  it('answers a log-out whose end could not be recorded with 503, keeping the cookie (the session still lives)', async () => {
    fakes.account.logOut.execute.rejects(new ServiceUnavailableError('service.unavailable', { cause: new EventStoreUnavailableError('down') }));
    try {
      const reply = await server.request('DELETE', '/api/v1/account/logout', { token: fakes.signIn(aCaller('user')) });
      expect([reply.status, reply.json]).to.deep.equal([503, UNAVAILABLE]);
      expect(reply.headers.getSetCookie()).to.deep.equal([]);
    } finally {
      fakes.account.logOut.execute.resolves({ position: undefined });
    }
  });

  it('answers log-out everywhere with 503 when the store is down, and 204 with the cleared cookie otherwise', async () => {
    const token = fakes.signIn(aCaller('user'));
    fakes.account.revokeSessions.execute.rejects(new EventStoreUnavailableError('down'));
    try {
      const down = await server.request('DELETE', '/api/v1/account/sessions', { token });
      expect([down.status, down.json]).to.deep.equal([503, UNAVAILABLE]);
      expect(down.headers.getSetCookie()).to.deep.equal([]);
    } finally {
      fakes.account.revokeSessions.execute.resolves({ position: 7n });
    }
    const up = await server.request('DELETE', '/api/v1/account/sessions', { token });
    expect(up.status).to.equal(204);
    expect(up.headers.get('x-log-position')).to.equal('7');
    expect(up.headers.getSetCookie()).to.deep.equal(['access_token=""; HttpOnly; Max-Age=0; Path=/']);
  });

  const kinds: Array<[AppError, number]> = [
    [new ValidationError('user.password_too_short', 'Password must be at least 6 characters long.'), 400],
    [new UnauthenticatedError('auth.invalid_password', 'Invalid password.'), 401],
    [new ForbiddenError('auth.not_authorized', 'Not authorized.'), 403],
    [new NotFoundError('user.not_found', "User with 'alice' is not found."), 404],
    [new ConflictError('user.already_exists', "User with 'alice' already exists."), 409],
    [new AppError('precondition_failed', 'stream.revision_mismatch', 'The resource has changed.'), 412],
  ];
  for (const [error, status] of kinds) {
    it(`maps kind ${error.kind} to ${status} with {error, code}, logged at info`, async () => {
      const { reply, logs } = await signUpFailingWith(error);
      expect(reply.status).to.equal(status);
      expect(reply.text).to.equal(JSON.stringify({ error: error.message, code: error.code }));
      expect(reply.headers.get('content-type')).to.equal('application/json');
      expect(logs.find((line) => String(line['msg']).startsWith('Handled exception'))).to.include({ level: 30 });
    });
  }

  it('maps a TooManyRequestsError to 429 with Retry-After in whole seconds and {error, code}', async () => {
    const { reply } = await signUpFailingWith(new TooManyRequestsError('auth.too_many_attempts', 'Too many attempts. Please try again later.', 7));
    expect(reply.status).to.equal(429);
    expect(reply.headers.get('retry-after')).to.equal('7');
    expect(reply.json).to.deep.equal({ error: 'Too many attempts. Please try again later.', code: 'auth.too_many_attempts' });
  });

  it('maps a statement PostgreSQL cancelled (statement_timeout, SQLSTATE 57014), also as a cause, to 503', async () => {
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    for (const error of [cancelled, new Error('list failed', { cause: cancelled })]) {
      const { reply } = await signUpFailingWith(error);
      expect(reply.status, error.message).to.equal(503);
      expect(reply.json).to.deep.equal(UNAVAILABLE);
    }
  });

  it('maps a ServiceUnavailableError to 503 with its own code, logged at error', async () => {
    const { reply, logs } = await signUpFailingWith(new ServiceUnavailableError('password_hasher.busy'));
    expect(reply.status).to.equal(503);
    expect(reply.json).to.deep.equal({ error: UNAVAILABLE.error, code: 'password_hasher.busy' });
    expect(logs.find((line) => line['msg'] === 'Service unavailable')).to.include({ level: 50 });
  });

  it('maps an unavailable event store to 503', async () => {
    const { reply } = await signUpFailingWith(new EventStoreUnavailableError('connection refused'));
    expect(reply.status).to.equal(503);
    expect(reply.json).to.deep.equal(UNAVAILABLE);
  });

  it('maps database connection errors, also when wrapped as a cause, to 503', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const adminShutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    for (const error of [refused, adminShutdown, new Error('query failed', { cause: refused })]) {
      const { reply } = await signUpFailingWith(error);
      expect(reply.status, error.message).to.equal(503);
      expect(reply.json).to.deep.equal(UNAVAILABLE);
    }
  });

  it('answers 503 from the list too, where the read model is queried', async () => {
    fakes.user.listUsers.execute.rejects(Object.assign(new Error('Connection terminated unexpectedly'), {}));
    const reply = await server.request('GET', '/api/v1/users/', { token: fakes.signIn(aCaller('admin')) });
    expect(reply.status).to.equal(503);
    fakes.user.listUsers.execute.resolves({ users: [], total: 0, nextCursor: null });
  });

  it('answers an unknown error with a JSON 500, logs its stack, and keeps serving', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const { reply, logs } = await signUpFailingWith(bug);
    expect(reply.status).to.equal(500);
    expect(reply.json).to.deep.equal({ error: 'Internal Server Error', code: 'internal' });
    const line = logs.find((l) => l['msg'] === 'Unhandled error') as { level: number; err: { stack: string } };
    expect(line.level).to.equal(50);
    expect(line.err.stack).to.include('TypeError');
    const next = await server.request('GET', '/api/v1/health');
    expect(next.status).to.equal(200);
  });

  it('answers a concurrency race the handler lost after its retries with 409 concurrency.conflict', async () => {
    const { reply, logs } = await signUpFailingWith(new WrongExpectedVersionError('user-x', 'no_stream', 0n));
    expect(reply.status).to.equal(409);
    expect(reply.json).to.deep.equal(CONCURRENCY_CONFLICT);
    expect(logs.find((line) => String(line['msg']).startsWith('Handled exception'))).to.include({ level: 30 });
  });

  it('answers an append over the event store limit with 413', async () => {
    const { reply } = await signUpFailingWith(new AppendTooLargeError('user-x', 1_048_576));
    expect(reply.status).to.equal(413);
    expect(reply.json).to.deep.equal({ error: 'Request body is too large.', code: 'request.too_large' });
  });

  it('answers a thrown non-Error value with 500', async () => {
    const { reply } = await signUpFailingWith('a string');
    expect(reply.status).to.equal(500);
  });

  it('answers an unsupported content encoding with 415 in the error shape', async () => {
    const reply = await server.request('POST', '/api/v1/account/signup', {
      body: '{"username":"alice","password":"secret1"}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br-unknown' },
    });
    expect(reply.status).to.equal(415);
    expect(reply.json).to.deep.equal({ error: 'Unsupported content encoding.', code: 'request.unsupported_encoding' });
  });

  it('answers a resolver that fails for infrastructure reasons with 503, not 401', async () => {
    const token = `token-${randomUUID()}`;
    fakes.account.resolveSession.execute.withArgs({ token }).rejects(new EventStoreUnavailableError('down'));
    const reply = await server.request('GET', '/api/v1/users/', { token });
    expect(reply.status).to.equal(503);
  });

  describe('the readiness probe', () => {
    it('answers 200 with no problems, 503 naming them, and 503 when the probe itself fails', async () => {
      let answer: () => Promise<string[]> = async () => [];
      const probed = fakeDependencies({ ready: () => answer() });
      const probedServer = await serve(createApp(probed.deps));
      try {
        expect((await probedServer.request('GET', '/api/v1/ready')).json).to.deep.equal({ status: 'ready' });
        answer = async () => ['projection users: stopped, cannot apply UserCreated'];
        const named = await probedServer.request('GET', '/api/v1/ready');
        expect(named.status).to.equal(503);
        expect(named.json).to.deep.equal({ ...UNAVAILABLE, problems: ['projection users: stopped, cannot apply UserCreated'] });
        answer = async () => { throw new EventStoreUnavailableError('down'); };
        const failed = await probedServer.request('GET', '/api/v1/ready');
        expect(failed.status).to.equal(503);
        expect(failed.json).to.deep.equal(UNAVAILABLE);
      } finally {
        await probedServer.close();
      }
    });

    it('does not exist unless configured', async () => {
      expect((await server.request('GET', '/api/v1/ready')).status).to.equal(404);
    });
  });
});
