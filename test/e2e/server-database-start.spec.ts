import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Client } from 'pg';
import { runTs, startServiceProcess, type ServiceProcess } from '../support/service-process';
import { testServerSocketUrl, testServerUrl } from '../support/test-database';
import { freePort } from '../support/free-port';

const json = { 'content-type': 'application/json' };

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: await testServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A URL on the test server for a database (and role) that may not exist yet. */
async function urlFor(database: string, role?: { name: string; password: string }): Promise<string> {
  const url = new URL(await testServerUrl());
  url.pathname = `/${database}`;
  if (role !== undefined) {
    url.username = role.name;
    url.password = role.password;
  }
  return url.toString();
}

/** `DATABASE_URL=… npm start` as a new user tries it: a database that is not there yet, several processes at once. */
describe('the service on a PostgreSQL server, at start', function () {
  this.timeout(180_000);
  const running: ServiceProcess[] = [];
  const databases: string[] = [];
  const roles: string[] = [];

  afterEach(async () => {
    for (const service of running.splice(0)) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
    await admin(async (client) => {
      for (const name of databases.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const name of roles.splice(0)) await client.query(`DROP ROLE IF EXISTS ${name}`);
    });
  });

  it('creates a missing database, and three processes started at once on it all come up and serve', async () => {
    const name = `ul_fresh_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    const env = {
      DATABASE_URL: await urlFor(name),
      BOOTSTRAP_SUPER_ADMIN_USERNAME: 'first.root',
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: 'root-password',
    };
    const services = await Promise.all([1, 2, 3].map(() => startServiceProcess(env)));
    running.push(...services);
    for (const service of services) {
      expect(service.output()).to.match(/super admin (created|exists)/);
      const response = await fetch(`${service.url}/api/v1/account/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: 'first.root', password: 'root-password' }),
      });
      expect(response.status, service.output()).to.equal(204);
    }
    expect(services.filter((service) => service.output().includes('super admin created'))).to.have.length(1);
    const signUps = await Promise.all(
      services.map((service, i) =>
        fetch(`${service.url}/api/v1/account/signup`, { method: 'POST', headers: json, body: JSON.stringify({ username: `scaled.${i}`, password: 'secret1' }) }),
      ),
    );
    expect(signUps.map((response) => response.status)).to.deep.equal([201, 201, 201]);
  });

  it('reaches the server through its Unix socket, given as DATABASE_URL=postgres:///<db>?host=<folder>', async () => {
    const name = `ul_socket_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    const url = await testServerSocketUrl(name);
    if (url === undefined) throw new Error('the test server has no Unix socket on this machine');
    const service = await startServiceProcess({ DATABASE_URL: url });
    running.push(service);
    const response = await fetch(`${service.url}/api/v1/account/signup`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'via.socket', password: 'secret1' }) });
    expect(response.status).to.equal(201);
    const clients = await admin((client) =>
      client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND client_addr IS NULL AND backend_type = 'client backend'", [name]),
    );
    expect(clients.rows[0]?.n, 'connections through the socket').to.be.greaterThan(0);
  });

  it("says in one line how to create a database its role may not create", async () => {
    const role = { name: `ul_role_${randomBytes(4).toString('hex')}`, password: `pw-${randomBytes(6).toString('hex')}` };
    roles.push(role.name);
    await admin((client) => client.query(`CREATE ROLE ${role.name} LOGIN NOCREATEDB PASSWORD '${role.password}'`));
    const name = `ul_missing_${randomBytes(4).toString('hex')}`;
    const run = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', DATABASE_URL: await urlFor(name, role) });
    expect(await run.exited).to.equal(1);
    const lines = run.output().trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(`The database '${name}' does not exist at`).and.include(`${role.name}:***@`).and.include(`createdb ${name}`);
    expect(run.output()).to.not.include(role.password);
  });

  it('names an unreachable server in one line, its password masked, with no stack trace', async () => {
    const port = await freePort();
    const run = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', DATABASE_URL: `postgres://someone:s3cret-pw@127.0.0.1:${port}/app` });
    expect(await run.exited).to.equal(1);
    expect(run.output().trim()).to.equal(
      `userledger failed to start: Cannot reach PostgreSQL at postgres://someone:***@127.0.0.1:${port}/app: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
