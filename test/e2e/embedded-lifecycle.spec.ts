import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { isAlive, readPostmasterPid } from '../../src/shared/database/embedded/postmaster-pid';
import { eventually } from '../support/eventually';
import { runTs, startServiceProcess, type ServiceProcess } from '../support/service-process';
import { freshDataDir } from '../support/test-database';

const json = { 'content-type': 'application/json' };

async function signUp(url: string, username: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/account/signup`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: 'secret1' }) });
  return response.status;
}

async function logIn(url: string, username: string, password = 'secret1'): Promise<number> {
  const response = await fetch(`${url}/api/v1/account/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
  return response.status;
}

/**
 * `npm start` with no DATABASE_URL runs a real PostgreSQL server of its own under DATA_DIR.
 * These tests run the service as its own process and kill it for real.
 */
describe('the service on its embedded PostgreSQL, as a process', function () {
  this.timeout(120_000);
  let dataDir: string;
  const running: ServiceProcess[] = [];
  const clusterDir = (): string => path.join(dataDir, 'postgres');

  beforeEach(() => {
    dataDir = freshDataDir('ul-test-lifecycle-');
  });
  afterEach(async () => {
    for (const service of running.splice(0)) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
    // A server orphaned on purpose and not taken over must not outlive the test.
    const record = readPostmasterPid(clusterDir());
    if (record !== undefined && isAlive(record.pid)) {
      process.kill(record.pid, 'SIGINT');
      await eventually('the orphaned server to stop', () => !isAlive(record.pid), 30_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (): Promise<ServiceProcess & { url: string }> => {
    const service = await startServiceProcess({ DATA_DIR: dataDir });
    running.push(service);
    return service;
  };

  it('stops its PostgreSQL on SIGTERM after draining, leaving nothing running', async () => {
    const service = await start();
    const postmaster = readPostmasterPid(clusterDir());
    expect(postmaster?.status).to.equal('ready');
    service.child.kill('SIGTERM');
    expect(await service.exited).to.equal(0);
    expect(isAlive(postmaster?.pid as number), 'the postmaster is gone').to.equal(false);
    expect(existsSync(path.join(clusterDir(), 'postmaster.pid'))).to.equal(false);
    expect(existsSync(path.join(dataDir, 'embedded-db.json'))).to.equal(false);
  });

  it('after a SIGKILL, the next start takes over the server left running, with every write kept', async () => {
    const first = await start();
    expect(await signUp(first.url, 'before.kill')).to.equal(201);
    const orphan = readPostmasterPid(clusterDir());
    first.child.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    expect(isAlive(orphan?.pid as number), 'the server outlives its owner').to.equal(true);

    const second = await start();
    expect(second.output()).to.include(`stopping the embedded PostgreSQL (pid ${orphan?.pid})`);
    expect(isAlive(orphan?.pid as number)).to.equal(false);
    expect(await logIn(second.url, 'before.kill')).to.equal(204);
    expect(await signUp(second.url, 'after.kill')).to.equal(201);
    second.child.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
  });

  it('refuses a second start on the same DATA_DIR in one line, and leaves the first serving', async () => {
    const first = await start();
    const second = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', DATA_DIR: dataDir });
    expect(await second.exited).to.equal(1);
    const lines = second.output().trim().split('\n');
    expect(lines).to.deep.equal([
      `userledger failed to start: The embedded database in ${dataDir} is already in use by process ${first.child.pid}; stop it first, or set DATA_DIR to another folder.`,
    ]);
    expect(await signUp(first.url, 'still.serving')).to.equal(201);
  });

  it('prints a URL for psql with the password from its data folder, which the log never shows', async () => {
    const service = await start();
    const password = readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim();
    expect(service.output()).to.not.include(password);
    const script = runTs('scripts/database-url.ts', [], { APP_ENV: 'test', DATA_DIR: dataDir });
    expect(await script.exited, script.output()).to.equal(0);
    const url = new URL(script.output().trim());
    expect(url.password).to.equal(password);
    expect(url.hostname).to.equal('127.0.0.1');
  });
});
