import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { runTs, startServiceProcess } from '../support/service-process';
import { freshDataDir } from '../support/test-database';

const json = { 'content-type': 'application/json' };

async function logIn(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/api/v1/account/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
}

describe('the service as a process (npm start)', function () {
  this.timeout(120_000);
  let dataDir: string;

  beforeEach(() => {
    dataDir = freshDataDir();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start on a bad setting, naming the key', async () => {
    const run = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: 'eighty', DATA_DIR: dataDir });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.include('server.port').and.include('must be an integer from 0 to 65535');
  });

  it('refuses to start in production with the development secrets', async () => {
    const run = runTs('src/main.ts', [], {
      APP_ENV: 'prod',
      DATA_DIR: dataDir,
      JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789abcdef',
      PASSWORD_PEPPER: 'a-production-pepper-that-is-long-enough-1234',
    });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.include('APP_ENV=prod refuses this secret');
  });

  it('bootstraps the super admin once, keeps data across restarts, and drains requests on SIGTERM', async () => {
    const env = {
      DATA_DIR: dataDir,
      BOOTSTRAP_SUPER_ADMIN_USERNAME: 'first.root',
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: 'root-password',
      // Slow, one-at-a-time hashing, so that sign-ups are still in flight when SIGTERM arrives.
      HASHER_WORK_FACTOR: '13',
      HASHER_MAX_CONCURRENCY: '1',
      HASHER_WAIT_TIMEOUT_S: '60',
      SHUTDOWN_GRACE_MS: '60000',
    };
    const first = await startServiceProcess(env);
    expect(first.output()).to.include('super admin created');
    expect((await logIn(first.url, 'first.root', 'root-password')).status).to.equal(204);

    const signUps = ['late.one', 'late.two', 'late.three'].map((username) =>
      fetch(`${first.url}/api/v1/account/signup`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username, password: 'secret1' }),
      }),
    );
    // One hash at a time: once a sign-up is answered, the others are in, waiting for the hasher.
    await Promise.race(signUps);
    first.child.kill('SIGTERM');
    const statuses = (await Promise.all(signUps)).map((response) => response.status);
    expect(statuses).to.deep.equal([201, 201, 201]);
    expect(await first.exited).to.equal(0);
    expect(first.output()).to.include('userledger stopped');

    const second = await startServiceProcess({ ...env, HASHER_WORK_FACTOR: '10' });
    try {
      expect(second.output()).to.include('super admin exists');
      expect((await logIn(second.url, 'late.three', 'secret1')).status).to.equal(204);
      expect((await logIn(second.url, 'first.root', 'root-password')).status).to.equal(204);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).to.equal(0);
    }
  });
});
