import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { Client } from 'pg';
import sinon from 'sinon';
import { Semaphore } from '../../src/features/users/adapters/semaphore';
import { eventually } from '../support/eventually';
import { aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';
import type { HttpReply } from '../support/http-client';
import { createServerDatabase, testServerUrl } from '../support/test-database';

/**
 * Brute force and floods, against the real service over HTTP on PostgreSQL. Each test runs its
 * services on a database of its own: the counters live there, and the failures these tests make
 * from 127.0.0.1 must not use up the address budget of the suites that share the run's database.
 */
describe('throttling (e2e, PostgreSQL counters)', function () {
  this.timeout(120_000);

  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    sinon.restore();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A database of the test's own; every service started with the returned env shares its counters. */
  async function ownDatabase(): Promise<Record<string, string>> {
    const database = await createServerDatabase(await testServerUrl());
    cleanups.push(() => database.drop());
    return { DATABASE_URL: database.url };
  }

  async function service(env: Record<string, string>): Promise<E2eService> {
    const started = await startE2eService(env);
    cleanups.push(() => started.stop());
    return started;
  }

  async function aUser(api: E2eService, password = 'right-password'): Promise<{ username: string; password: string }> {
    const username = aUsername('t');
    const reply = await api.request('POST', '/api/v1/account/signup', { json: { username, password } });
    expect(reply.status, reply.text).to.equal(201);
    return { username, password };
  }

  const logIn = (api: E2eService, username: string, password: string, headers: Record<string, string> = {}): Promise<HttpReply> =>
    api.request('POST', '/api/v1/account/login', { json: { username, password }, headers });

  const TOO_MANY = { error: 'Too many attempts. Please try again later.', code: 'auth.too_many_attempts' };

  it('throttles a scripted brute force on one account as configured, while another account logs in normally', async () => {
    const api = await service(await ownDatabase());
    const victim = await aUser(api);
    const bystander = await aUser(api);

    for (let i = 1; i <= 5; i++) expect((await logIn(api, victim.username, `wrong-${i}`)).status, `failure ${i}`).to.equal(401);
    const first = await logIn(api, victim.username, 'wrong-6');
    expect(first.status).to.equal(429);
    expect(first.json).to.deep.equal(TOO_MANY);
    expect(first.headers.get('retry-after')).to.equal('1');
    // Even the right password waits: the check does not run while the account is held.
    expect((await logIn(api, victim.username, victim.password)).status).to.equal(429);

    expect((await logIn(api, bystander.username, bystander.password)).status).to.equal(204);

    // Refusals cost nothing, so asking until one is let through waits for a condition.
    const through = await eventually('the first delay to pass', async () => {
      const reply = await logIn(api, victim.username, 'wrong-7');
      return reply.status === 429 ? undefined : reply;
    });
    expect(through.status).to.equal(401);
    const second = await logIn(api, victim.username, 'wrong-8');
    expect(second.status).to.equal(429);
    expect(second.headers.get('retry-after'), 'the delay doubled').to.equal('2');
  });

  it('answers an unknown username with the same 429 body and Retry-After once it is throttled (the 404 stays before)', async () => {
    const api = await service(await ownDatabase());
    const known = await aUser(api);
    const unknown = aUsername('ghost');
    for (let i = 1; i <= 5; i++) {
      expect((await logIn(api, known.username, `wrong-${i}`)).status).to.equal(401);
      expect((await logIn(api, unknown, `wrong-${i}`)).status).to.equal(404);
    }
    const [forKnown, forUnknown] = [await logIn(api, known.username, 'wrong-6'), await logIn(api, unknown, 'wrong-6')];
    expect(forUnknown.status).to.equal(forKnown.status).and.to.equal(429);
    expect(forUnknown.json).to.deep.equal(forKnown.json).and.to.deep.equal(TOO_MANY);
    expect(forUnknown.headers.get('retry-after')).to.equal(forKnown.headers.get('retry-after')).and.to.equal('1');
  });

  it('resets the account on a successful log-in', async () => {
    const api = await service(await ownDatabase());
    const user = await aUser(api);
    for (let i = 1; i <= 4; i++) expect((await logIn(api, user.username, `wrong-${i}`)).status).to.equal(401);
    expect((await logIn(api, user.username, user.password)).status).to.equal(204);
    for (let i = 1; i <= 5; i++) expect((await logIn(api, user.username, `again-${i}`)).status, `failure ${i} after the reset`).to.equal(401);
    expect((await logIn(api, user.username, 'again-6')).status).to.equal(429);
  });

  it('lets no more than the 5 free attempts reach bcrypt when 30 wrong passwords are sent at once', async () => {
    const api = await service(await ownDatabase());
    const user = await aUser(api);
    const compare = sinon.spy(bcrypt, 'compare');
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => logIn(api, user.username, `parallel-${i}`)));
    const statuses = replies.map((reply) => reply.status);
    expect(compare.callCount).to.be.at.most(5);
    expect(statuses.filter((status) => status === 401)).to.have.length(compare.callCount);
    expect(statuses.filter((status) => status === 429)).to.have.length(30 - compare.callCount);
  });

  it('shares the counters between two service processes on one database', async () => {
    const env = await ownDatabase();
    const [one, two] = [await service(env), await service(env)];
    const user = await aUser(one);
    for (let i = 1; i <= 5; i++) expect((await logIn(one, user.username, `wrong-${i}`)).status).to.equal(401);
    const elsewhere = await logIn(two, user.username, 'wrong-6');
    expect(elsewhere.status).to.equal(429);
    expect(elsewhere.json).to.deep.equal(TOO_MANY);
  });

  it('limits failures per client address across accounts, believing X-Forwarded-For only from trusted proxies', async () => {
    const env = { ...(await ownDatabase()), THROTTLE_ADDRESS_FAILURES: '3' };
    const direct = await service(env);
    const proxied = await service({ ...env, TRUSTED_PROXIES: 'loopback' });
    const from = (address: string) => ({ 'x-forwarded-for': address });

    for (let i = 1; i <= 3; i++) expect((await logIn(proxied, aUsername('p'), 'wrong-1', from('203.0.113.7'))).status).to.equal(404);
    const refused = await logIn(proxied, aUsername('p'), 'wrong-1', from('203.0.113.7'));
    expect(refused.status).to.equal(429);
    expect(refused.json).to.deep.equal(TOO_MANY);
    expect((await logIn(proxied, aUsername('p'), 'wrong-1', from('203.0.113.8'))).status, 'another address').to.equal(404);

    // Without trusted proxies the header is the client's own say: every request is 127.0.0.1's.
    for (let i = 1; i <= 3; i++) expect((await logIn(direct, aUsername('d'), 'wrong-1', from(`198.51.100.${i}`))).status).to.equal(404);
    expect((await logIn(direct, aUsername('d'), 'wrong-1', from('198.51.100.99'))).status).to.equal(429);
  });

  it('throttles sign-ups per address: the 31st in a minute gets 429', async () => {
    const api = await service(await ownDatabase());
    const replies: number[] = [];
    for (let i = 0; i < 31; i++) {
      replies.push((await api.request('POST', '/api/v1/account/signup', { json: { username: aUsername('s'), password: 'secret1' } })).status);
    }
    expect(replies.slice(0, 30).every((status) => status === 201)).to.equal(true);
    expect(replies[30]).to.equal(429);
  });

  it('throttles a wrong current password on a password change as a failed log-in of that account', async () => {
    const api = await service(await ownDatabase());
    const user = await aUser(api);
    const token = await api.logIn(user.username, user.password);
    const change = (current: string) =>
      api.request('PUT', '/api/v1/account/password', { token, json: { current_password: current, new_password: 'another-password' } });
    for (let i = 1; i <= 5; i++) expect((await change(`wrong-${i}`)).status).to.equal(403);
    const refused = await change(user.password);
    expect(refused.status).to.equal(429);
    expect(refused.json).to.deep.equal(TOO_MANY);
    expect((await logIn(api, user.username, user.password)).status, 'log-in shares the account').to.equal(429);
  });

  it('keeps log-in answering during a flood of 200 concurrent sign-ups: sign-ups hash in a budget of their own', async () => {
    // This test is about the hasher's budgets, not the sign-up throttle, which would refuse most of the flood first.
    const api = await service({ ...(await ownDatabase()), THROTTLE_ADDRESS_SIGNUPS: '1000', THROTTLE_ACCOUNT_WRITES_PER_HOUR: '1000' });
    const user = await aUser(api);
    const flood = Promise.all(
      Array.from({ length: 200 }, () => api.request('POST', '/api/v1/account/signup', { json: { username: aUsername('f'), password: 'secret1' } })),
    );
    const login = await logIn(api, user.username, user.password);
    const statuses = (await flood).map((reply) => reply.status);
    expect(login.status, login.text).to.equal(204);
    expect(statuses.filter((status) => status !== 201 && status !== 503), 'only created or busy').to.deep.equal([]);
    expect(statuses, 'the sign-up queue is bounded: the excess is refused at once').to.include(503);
  });

  it('drops a sign-up whose client disconnected while it waited for a hash slot: it never reaches bcrypt', async () => {
    // One sign-up slot, and a cost that keeps it busy while the second sign-up waits and leaves.
    const api = await service({ ...(await ownDatabase()), HASHER_WORK_FACTOR: '14', HASHER_SIGNUP_CONCURRENCY: '1' });
    const hash = sinon.spy(bcrypt, 'hash');
    const asked = sinon.spy(Semaphore.prototype, 'run');
    const holder = api.request('POST', '/api/v1/account/signup', { json: { username: aUsername('h'), password: 'secret1' } });
    await eventually('the first sign-up to hold the slot', () => hash.callCount === 1);

    const leaver = aUsername('gone');
    const gone = new AbortController();
    const left = fetch(`${api.url}/api/v1/account/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: leaver, password: 'secret1' }),
      signal: gone.signal,
    }).catch((error: Error) => error.name);
    await eventually('the second sign-up to wait for the slot', () => asked.callCount === 2);
    expect(hash.callCount, 'still waiting').to.equal(1);
    gone.abort();
    expect(await left).to.equal('AbortError');

    expect((await holder).status).to.equal(201);
    // The slot is handed on in order: a sign-up sent after the one that left hashes next.
    const after = await api.request('POST', '/api/v1/account/signup', { json: { username: aUsername('n'), password: 'secret1' } });
    expect(after.status).to.equal(201);
    expect(hash.callCount, 'the holder and the one after, not the one that left').to.equal(2);
    expect((await logIn(api, leaver, 'secret1')).status, 'no user was created for it').to.equal(404);
  });

  it('answers 503 with the contract body when a read passes the statement timeout, and serves again after', async () => {
    const env = await ownDatabase();
    const api = await service({ ...env, READ_STATEMENT_TIMEOUT_MS: '300' });
    const token = await api.logIn(api.superAdmin.username, api.superAdmin.password);
    expect((await api.request('GET', '/api/v1/users/', { token })).status).to.equal(200);

    const locker = new Client({ connectionString: env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const blocked = await api.request('GET', '/api/v1/users/', { token });
      expect(blocked.status).to.equal(503);
      expect(blocked.json).to.deep.equal({ error: 'Service temporarily unavailable. Please try again later.', code: 'service.unavailable' });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await api.request('GET', '/api/v1/users/', { token })).status).to.equal(200);
  });
});
