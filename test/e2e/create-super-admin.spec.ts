import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { runTs, startServiceProcess } from '../support/service-process';
import { freshDataDir, openTestDatabase, serverTestDatabaseUrl } from '../support/test-database';

const SCRIPT = 'scripts/create-super-admin.ts';

async function logIn(url: string, username: string, password: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/account/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return response.status;
}

describe('npm run create-super-admin', function () {
  this.timeout(120_000);
  let dataDir: string;

  beforeEach(() => {
    dataDir = freshDataDir();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints its usage and exits 2 without a username', async () => {
    const run = runTs(SCRIPT, [], { APP_ENV: 'test', DATA_DIR: dataDir, SUPER_ADMIN_PASSWORD: 'root-password' });
    expect(await run.exited).to.equal(2);
    expect(run.output()).to.include('--username NAME');
  });

  it('exits 2 when there is no password and no terminal to ask on', async () => {
    const run = runTs(SCRIPT, ['--username', 'script.root'], { APP_ENV: 'test', DATA_DIR: dataDir });
    expect(await run.exited).to.equal(2);
    expect(run.output()).to.include('SUPER_ADMIN_PASSWORD');
  });

  it("refuses a username that breaks the rules, with the rule's message", async () => {
    const run = runTs(SCRIPT, ['--username', '_bad'], { APP_ENV: 'test', DATA_DIR: dataDir, SUPER_ADMIN_PASSWORD: 'root-password' });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.include('Username must be between 5 and 20 characters.');
  });

  it('creates the super admin in the embedded database once, then reports it exists', async () => {
    const env = { APP_ENV: 'test', DATA_DIR: dataDir, SUPER_ADMIN_PASSWORD: 'root-password' };
    const first = runTs(SCRIPT, ['--username', 'script.root'], env);
    expect(await first.exited, first.output()).to.equal(0);
    expect(first.output()).to.match(/Created super admin 'script\.root' with id [0-9a-f-]{36}/);
    const again = runTs(SCRIPT, ['--username=script.root'], env);
    expect(await again.exited).to.equal(0);
    expect(again.output()).to.include("User 'script.root' already exists");

    const service = await startServiceProcess({ DATA_DIR: dataDir });
    try {
      expect(await logIn(service.url, 'script.root', 'root-password')).to.equal(204);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });

  it('refuses, in one line and with exit 1, a name that a plain user holds, at start-up and in the script', async () => {
    const service = await startServiceProcess({ DATA_DIR: dataDir });
    try {
      const signUp = await fetch(`${service.url}/api/v1/account/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'plain.user', password: 'plain-password' }),
      });
      expect(signUp.status).to.equal(201);
      const run = runTs(SCRIPT, ['--username', 'plain.user'], { APP_ENV: 'test', DATA_DIR: dataDir, SUPER_ADMIN_PASSWORD: 'root-password' });
      expect(await run.exited, run.output()).to.equal(1);
      expect(run.output()).to.equal(
        "create-super-admin: User 'plain.user' exists but is not a super admin (role user); nothing changed. Choose another username.\n",
      );
    } finally {
      service.child.kill('SIGTERM');
      expect(await service.exited).to.equal(0);
    }
    const bootstrap = runTs('src/main.ts', [], {
      APP_ENV: 'test',
      PORT: '0',
      DATA_DIR: dataDir,
      BOOTSTRAP_SUPER_ADMIN_USERNAME: 'plain.user',
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: 'root-password',
    });
    expect(await bootstrap.exited, bootstrap.output()).to.equal(1);
    expect(bootstrap.output()).to.include(
      "userledger failed to start: User 'plain.user' exists but is not a super admin (role user); nothing changed. Choose another username.\n",
    );
    expect(bootstrap.output()).to.not.include('super admin exists');
  });

  it('reaches the embedded database of a service that is running', async () => {
    const service = await startServiceProcess({ DATA_DIR: dataDir });
    try {
      const run = runTs(SCRIPT, ['--username', 'live.root'], { APP_ENV: 'test', DATA_DIR: dataDir, SUPER_ADMIN_PASSWORD: 'live-password' });
      expect(await run.exited, run.output()).to.equal(0);
      expect(await logIn(service.url, 'live.root', 'live-password')).to.equal(204);
    } finally {
      service.child.kill('SIGTERM');
      expect(await service.exited).to.equal(0);
    }
  });

  it('works against a PostgreSQL server named by DATABASE_URL', async () => {
    await openTestDatabase();
    const url = serverTestDatabaseUrl() as string;
    const env = { APP_ENV: 'test', DATABASE_URL: url, SUPER_ADMIN_PASSWORD: 'server-password' };
    const name = `srv${Date.now().toString(36)}`;
    const run = runTs(SCRIPT, ['--username', name], env);
    expect(await run.exited, run.output()).to.equal(0);
    const service = await startServiceProcess({ DATABASE_URL: url });
    try {
      expect(await logIn(service.url, name, 'server-password')).to.equal(204);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});
