import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';
import { createServerDatabase, freshDataDir, testServerUrl } from '../support/test-database';

const ROOT = { username: 'revocation.root', password: 'root-password' };

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly cookie: string | undefined;
}

async function call(url: string, method: string, path: string, options: { cookie?: string; json?: unknown } = {}): Promise<Reply> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), cookie: response.headers.get('set-cookie')?.split(';')[0] };
}

/**
 * Each API process keeps the streams it has read in memory and asks the store only for their
 * tails. Two processes on one log, with no projector running: a revocation written through one
 * must bite on the very next request to the other, whatever that one has read before.
 */
describe('revocation across two API processes, with the projectors stopped', function () {
  this.timeout(120_000);
  const dataDir = freshDataDir();
  let database: { url: string; drop(): Promise<void> };
  let writer: ServiceProcess & { url: string };
  let reader: ServiceProcess & { url: string };

  before(async () => {
    database = await createServerDatabase(await testServerUrl());
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      PROJECTIONS_IN_PROCESS: 'false',
      BOOTSTRAP_SUPER_ADMIN_USERNAME: ROOT.username,
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: ROOT.password,
    };
    writer = await startServiceProcess(env);
    reader = await startServiceProcess(env);
  });

  after(async () => {
    for (const service of [reader, writer]) {
      if (service !== undefined && service.child.exitCode === null) {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signUp = async (username: string): Promise<string> => {
    const reply = await call(writer.url, 'POST', '/api/v1/account/signup', { json: { username, password: 'secret12' } });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
    return (reply.body as { id: string }).id;
  };
  const logIn = async (credentials: { username: string; password: string }): Promise<string> => {
    const reply = await call(writer.url, 'POST', '/api/v1/account/login', { json: credentials });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(204);
    return reply.cookie as string;
  };
  /** The reader's answer to an authenticated read that no projection serves, asked twice to warm its memory. */
  const readerSees = async (cookie: string, userId: string): Promise<number> =>
    (await call(reader.url, 'GET', `/api/v1/users/${userId}/history`, { cookie })).status;

  it('a log-out through one process ends the session on the other at its next request', async () => {
    const id = await signUp('revocation.logout');
    const cookie = await logIn({ username: 'revocation.logout', password: 'secret12' });
    expect([await readerSees(cookie, id), await readerSees(cookie, id)]).to.deep.equal([200, 200]);
    expect((await call(writer.url, 'DELETE', '/api/v1/account/logout', { cookie })).status).to.equal(204);
    expect(await readerSees(cookie, id)).to.equal(401);
  });

  it('a deactivation through one process refuses the user on the other at its next request', async () => {
    const id = await signUp('revocation.gone');
    const cookie = await logIn({ username: 'revocation.gone', password: 'secret12' });
    expect([await readerSees(cookie, id), await readerSees(cookie, id)]).to.deep.equal([200, 200]);
    const root = await logIn(ROOT);
    expect((await call(writer.url, 'DELETE', `/api/v1/users/${id}/activation`, { cookie: root })).status).to.equal(204);
    // Started before the deactivation: ended by it, whether or not anything has written SessionEnded yet.
    expect(await readerSees(cookie, id)).to.equal(401);
  });

  it('a demotion through one process takes the admin right away on the other at its next request', async () => {
    const adminId = await signUp('revocation.admin');
    const subjectId = await signUp('revocation.other');
    const root = await logIn(ROOT);
    expect((await call(writer.url, 'PUT', `/api/v1/users/${adminId}/roles/admin`, { cookie: root })).status).to.equal(204);
    const cookie = await logIn({ username: 'revocation.admin', password: 'secret12' });
    expect([await readerSees(cookie, subjectId), await readerSees(cookie, subjectId)]).to.deep.equal([200, 200]);
    expect((await call(writer.url, 'DELETE', `/api/v1/users/${adminId}/roles/admin`, { cookie: root })).status).to.equal(204);
    const after = await call(reader.url, 'GET', `/api/v1/users/${subjectId}/history`, { cookie });
    expect(after.status).to.equal(403);
    expect(after.body).to.have.property('code', 'auth.not_authorized');
  });
});
