import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { eventually } from '../support/eventually';
import { runTs, startServiceProcess, type ServiceProcess } from '../support/service-process';
import { createServerDatabase, freshDataDir, testServerUrl } from '../support/test-database';
import { freePort } from '../support/free-port';
import { startDoubleProcess } from '../support/projector-cluster';

const json = { 'content-type': 'application/json' };

async function stop(process: ServiceProcess): Promise<number | string> {
  process.child.kill('SIGTERM');
  return process.exited;
}

const post = (url: string, body: unknown, cookie?: string) =>
  fetch(url, { method: 'POST', headers: { ...json, ...(cookie === undefined ? {} : { cookie }) }, body: JSON.stringify(body) });

/**
 * The processes an operator runs on EventStoreDB: the README's two commands (the test double,
 * then `npm start` pointed at it), the super-admin script, and the projector as its own process.
 */
describe('the service on EventStoreDB, as processes', function () {
  this.timeout(120_000);
  let dataDir: string;
  let database: { url: string; drop(): Promise<void> } | undefined;
  const running: ServiceProcess[] = [];

  beforeEach(async () => {
    dataDir = freshDataDir();
    database = await createServerDatabase(await testServerUrl());
  });

  afterEach(async () => {
    for (const child of running.splice(0).reverse()) if (child.child.exitCode === null) await stop(child);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const storeEnv = (connectionString: string) => ({
    DATA_DIR: dataDir,
    ...(database === undefined ? {} : { DATABASE_URL: database.url }),
    EVENT_STORE: 'eventstoredb',
    EVENTSTORE_CONNECTION_STRING: connectionString,
  });

  /** Read tables folded from one double's log, then a new double (a new log) to point at them. */
  const readTablesOfAnotherLog = async (): Promise<ServiceProcess & { connectionString: string }> => {
    const first = await startDoubleProcess();
    running.push(first);
    const service = await startServiceProcess(storeEnv(first.connectionString));
    running.push(service);
    expect(await stop(service)).to.equal(0);
    expect(await stop(first)).to.equal(0);
    const second = await startDoubleProcess();
    running.push(second);
    return second;
  };

  it('refuses EVENT_STORE=eventstoredb without a connection string, saying what to set', async () => {
    const run = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', DATA_DIR: dataDir, EVENT_STORE: 'eventstoredb' });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.include('EVENTSTORE_CONNECTION_STRING');
  });

  it('refuses to start, and the script to run, when EventStoreDB cannot be reached, saying so', async () => {
    const nobody = `esdb://127.0.0.1:${await freePort()}?tls=false`;
    const service = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', ...storeEnv(nobody) });
    expect(await service.exited).to.equal(1);
    expect(service.output()).to.include('userledger failed to start: EventStoreDB is unavailable');
    const script = runTs('scripts/create-super-admin.ts', ['--username', 'script.root'], { APP_ENV: 'test', SUPER_ADMIN_PASSWORD: 'root-password', ...storeEnv(nobody) });
    expect(await script.exited).to.equal(1);
    expect(script.output()).to.include('create-super-admin: EventStoreDB is unavailable').and.not.include('    at ');
  });

  it('refuses to start the projector when EventStoreDB cannot be reached, in one line', async () => {
    const nobody = `esdb://127.0.0.1:${await freePort()}?tls=false`;
    const projector = runTs('src/projector-main.ts', [], { APP_ENV: 'test', ...storeEnv(nobody) });
    expect(await projector.exited).to.equal(1);
    expect(projector.output()).to.include('userledger projector failed to start: EventStoreDB is unavailable').and.not.include('    at ');
  });

  it('runs from the README\'s two commands; the super-admin script writes to the same store', async () => {
    const double = await startDoubleProcess();
    running.push(double);
    // With credentials in the string, as a secured server needs: the log must not show them.
    const withCredentials = double.connectionString.replace('esdb://', 'esdb://admin:s3cret-pass@');
    const service = await startServiceProcess(storeEnv(withCredentials));
    running.push(service);
    expect(service.output()).to.include('events in EventStoreDB').and.include('esdb://***@127.0.0.1').and.not.include('s3cret-pass');

    const script = runTs('scripts/create-super-admin.ts', ['--username', 'script.root'], {
      APP_ENV: 'test',
      SUPER_ADMIN_PASSWORD: 'root-password',
      ...storeEnv(double.connectionString),
    });
    expect(await script.exited, script.output()).to.equal(0);
    expect(script.output()).to.include("Created super admin 'script.root'");

    const login = await post(`${service.url}/api/v1/account/login`, { username: 'script.root', password: 'root-password' });
    expect(login.status).to.equal(204);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect((await post(`${service.url}/api/v1/users/`, { username: 'made.here', password: 'secret1' }, cookie)).status).to.equal(201);
    expect((await fetch(`${service.url}/api/v1/ready`)).status).to.equal(200);

    expect(await stop(service)).to.equal(0);
    expect(await stop(double)).to.equal(0);
  });

  it('refuses to start when the read tables were folded from another log (a restarted in-memory double)', async () => {
    const second = await readTablesOfAnotherLog();
    const refused = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', ...storeEnv(second.connectionString) });
    expect(await refused.exited).to.equal(1);
    expect(refused.output()).to.include('built from another event log').and.include('fresh database');
  });

  it('refuses to run the super-admin script when the read tables were folded from another log, in one line', async () => {
    const second = await readTablesOfAnotherLog();
    const script = runTs('scripts/create-super-admin.ts', ['--username', 'script.root'], { APP_ENV: 'test', SUPER_ADMIN_PASSWORD: 'root-password', ...storeEnv(second.connectionString) });
    expect(await script.exited).to.equal(1);
    expect(script.output()).to.include('create-super-admin: The read tables in this database were built from another event log').and.not.include('    at ');
  });

  it('serves the list from a projector process when the API runs without one', async () => {
    const double = await startDoubleProcess();
    running.push(double);
    const service = await startServiceProcess({
      ...storeEnv(double.connectionString),
      PROJECTIONS_IN_PROCESS: 'false',
      READ_YOUR_WRITES_WAIT_MS: '0',
      BOOTSTRAP_SUPER_ADMIN_USERNAME: 'first.root',
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: 'root-password',
    });
    running.push(service);
    const login = await post(`${service.url}/api/v1/account/login`, { username: 'first.root', password: 'root-password' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const list = () => fetch(`${service.url}/api/v1/users/`, { headers: { cookie } }).then((r) => r.json() as Promise<{ total: number }>);
    expect((await list()).total).to.equal(0);

    const healthPort = await freePort();
    const projector = runTs('src/projector-main.ts', [], {
      APP_ENV: 'test',
      LOG_LEVEL: 'info',
      PROJECTOR_HEALTH_PORT: String(healthPort),
      ...storeEnv(double.connectionString),
    });
    running.push(projector);
    const total = await eventually('the projector to fold the user', async () => {
      const { total } = await list();
      return total > 0 && total;
    }, { timeoutMs: 30_000, detail: projector.output });
    expect(total, projector.output()).to.equal(1);
    const health = (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as {
      status: string;
      checkpoints: Record<string, string | null>;
      roles: Record<string, string>;
      runners: { name: string; role: string; since: string; checkpoint_table: string | null }[];
    };
    expect(health.status).to.equal('ok');
    expect(health.checkpoints.users).to.match(/^\d+$/);
    expect(health.runners.find((runner) => runner.name === 'users')).to.include({ role: 'active', checkpoint_table: 'users_v1' });
    expect(Date.parse(health.runners[0]?.since ?? '')).to.be.greaterThan(0);
    expect(health.roles).to.include({ users: 'active', user_sessions: 'active' });
    expect(await stop(projector)).to.equal(0);
    // Read once it has exited: lines reach stdout in batches, and the last ones on exit.
    const lines = projector.output().split('\n').filter((line) => line.includes('"component"'));
    expect(lines.length).to.be.greaterThan(0);
    for (const line of lines) expect(line.match(/"component"/g), line).to.have.length(1);
    expect(projector.output()).to.include('active: took the lease');
  });
  it('stops the projections and answers /ready 503 when EventStoreDB comes back empty under a running service', async () => {
    const first = await startDoubleProcess();
    running.push(first);
    const service = await startServiceProcess({ ...storeEnv(first.connectionString), LOG_LEVEL: 'info' });
    running.push(service);
    expect((await post(`${service.url}/api/v1/account/signup`, { username: 'old.log.user', password: 'secret1' })).status).to.equal(201);
    expect((await fetch(`${service.url}/api/v1/ready`)).status).to.equal(200);

    // The same address, a new and empty log: what an in-memory EventStoreDB restarted looks like.
    expect(await stop(first)).to.equal(0);
    const second = await startDoubleProcess(first.port);
    running.push(second);

    type Ready = { code: string; problems?: string[] };
    const ready = await eventually('/ready to name the users projection stopped', async () => {
      const reply = await fetch(`${service.url}/api/v1/ready`);
      const answer = { status: reply.status, body: (await reply.json()) as Ready };
      return answer.body.problems?.some((problem) => problem.startsWith('projection users: stopped')) === true && answer;
    }, { timeoutMs: 30_000, intervalMs: 100, detail: service.output });
    expect(ready.status, service.output()).to.equal(503);
    expect(ready.body.code).to.equal('service.unavailable');
    expect(ready.body.problems?.some((problem) => problem.startsWith('event_log: the event store serves another log'))).to.equal(true);
    expect(ready.body.problems?.find((problem) => problem.startsWith('projection users: stopped'))).to.include('event log mismatch');

    const health = (await (await fetch(`${service.url}/api/v1/health/projections`)).json()) as { projections: { name: string; state: string; reason: string | null }[] };
    const users = health.projections.find((projection) => projection.name === 'users');
    expect(users?.state).to.equal('stopped');
    expect(users?.reason).to.include('event log mismatch');
    // Lines reach stdout in batches, up to 100 ms after /ready changed.
    await eventually('the log to say why', () => service.output().includes('the event store serves another log than the read tables came from'), {
      timeoutMs: 2_000,
      detail: service.output,
    });
  });
});
