import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../support/eventstoredb-double';
import { eventually } from '../support/eventually';
import { runTs, startServiceProcess, type ServiceProcess } from '../support/service-process';
import { createServerDatabase, freshDataDir, testServerUrl } from '../support/test-database';

const ADMIN = { username: 'admin', password: 'changeit-e2e-4b7a' };

/** The service as its own process on a secure EventStoreDB: TLS, the credentials in the connection string. */
describe('the service on a secure EventStoreDB node', function () {
  this.timeout(120_000);
  let double: EventStoreDbDouble;
  let dataDir: string;
  let database: { url: string; drop(): Promise<void> };
  const running: ServiceProcess[] = [];

  beforeEach(async () => {
    double = await startEventStoreDbDouble({ users: [ADMIN] });
    dataDir = freshDataDir();
    database = await createServerDatabase(await testServerUrl());
  });
  afterEach(async () => {
    for (const service of running.splice(0)) {
      if (service.child.exitCode === null) service.child.kill('SIGTERM');
      await service.exited;
    }
    await double.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (connectionString: string): NodeJS.ProcessEnv => ({
    APP_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    EVENT_STORE: 'eventstoredb',
    EVENTSTORE_CONNECTION_STRING: connectionString,
  });

  it('refuses to start with a wrong password, in one line that does not show it', async () => {
    const service = runTs('src/main.ts', [], env(double.connectionStringAs({ username: 'admin', password: 'wrong-pass-81' })));
    running.push(service);
    expect(await service.exited).to.equal(1);
    const lines = service.output().trim().split('\n');
    expect(lines.at(-1)).to.equal('userledger failed to start: EventStoreDB refused the credentials of the connection string (wrong username or password).');
    expect(service.output()).not.to.include('wrong-pass-81').and.not.include('    at ');
  });

  it('refuses to start without credentials, saying access was denied', async () => {
    const service = runTs('src/main.ts', [], env(double.connectionStringAs(undefined)));
    running.push(service);
    expect(await service.exited).to.equal(1);
    expect(service.output()).to.include('userledger failed to start: EventStoreDB denied access to');
  });

  it('serves with the right credentials, answers 503 once they stop working, and never logs them', async () => {
    const service = await startServiceProcess(env(double.connectionString));
    running.push(service);
    const signUp = (username: string): Promise<Response> =>
      fetch(`${service.url}/api/v1/account/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'secret1' }) });
    expect((await signUp('alice.secure')).status).to.equal(201);

    double.changePassword('admin', 'rotated-by-the-operator');
    const refused = await signUp('bobby.secure');
    expect({ status: refused.status, body: await refused.json() }).to.deep.equal({
      status: 503,
      body: { error: 'Service temporarily unavailable. Please try again later.', code: 'service.unavailable' },
    });
    await eventually('the refusal in the log', () => service.output().includes('"type":"EventStoreAccessDeniedError","message":"EventStoreDB refused the credentials of the connection string'));
    expect(service.output()).not.to.include(ADMIN.password);
  });
});
