import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadSettings } from '../../src/config/load-settings';
import { startServiceOn, type RunningService } from '../../src/service';
import type { Database } from '../../src/shared/database';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { eventually } from '../support/eventually';
import type { TcpProxy } from '../support/tcp-proxy';
import { openTestDatabaseThroughProxy } from '../support/test-database';

const UNAVAILABLE = { error: 'Service temporarily unavailable. Please try again later.', code: 'service.unavailable' };
const name = (prefix: string): string => `${prefix}${randomBytes(5).toString('hex')}`;

/**
 * The database goes away under a running service (a TCP proxy in front of it is cut): requests
 * get 503 and the process stays up; once it is back, work resumes and nothing is half-written.
 */
describe('when the database is unreachable', function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let database: Database;
  let store: PgEventStore;
  let service: RunningService;
  const root = { username: name('root'), password: 'root-password' };

  before(async () => {
    ({ proxy, database } = await openTestDatabaseThroughProxy());
    store = new PgEventStore(database);
    const { settings } = loadSettings({
      APP_ENV: 'test',
      PORT: '0',
      BOOTSTRAP_SUPER_ADMIN_USERNAME: root.username,
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: root.password,
    });
    service = await startServiceOn({ settings, logger: pino({ level: 'silent' }), database, eventStore: store }, { host: '127.0.0.1' });
  });

  after(async () => {
    await service.stop();
    await store.close();
    await database.close();
    await proxy.close();
  });

  const call = async (method: string, path: string, body?: unknown, cookie?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (cookie !== undefined) headers.cookie = cookie;
    const response = await fetch(`${service.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown), response };
  };

  it('answers 503 with the contract body, stays up, and resumes cleanly when it is back', async () => {
    const login = await call('POST', '/api/v1/account/login', root);
    expect(login.status).to.equal(204);
    const cookie = (login.response.headers.get('set-cookie') ?? '').split(';')[0];
    const wanted = name('outage');

    proxy.cut();
    const duringOutage = [
      await call('POST', '/api/v1/users/', { username: wanted, password: 'secret1' }, cookie),
      await call('GET', '/api/v1/users/', undefined, cookie),
      await call('POST', '/api/v1/account/signup', { username: name('signup'), password: 'secret1' }),
    ];
    for (const reply of duringOutage) {
      expect(reply.status).to.equal(503);
      expect(reply.json).to.deep.equal(UNAVAILABLE);
    }
    expect((await call('GET', '/api/v1/health')).status).to.equal(200);

    proxy.restore();
    const created = await call('POST', '/api/v1/users/', { username: wanted, password: 'secret1' }, cookie);
    expect(created.status, JSON.stringify(created.json)).to.equal(201);
    const id = (created.json as { id: string }).id;
    expect(await store.readStream(`username-${wanted}`)).to.have.length(1);

    const matches = await eventually('the user created after the outage to reach the list', async () => {
      const page = await call('GET', `/api/v1/users/?limit=1000`, undefined, cookie);
      const found = (page.json as { users: { id_: string; username: string }[] }).users.filter((u) => u.username === wanted);
      return found.length > 0 && found;
    });
    expect(matches.map((u) => u.id_)).to.deep.equal([id]);
  });
});
