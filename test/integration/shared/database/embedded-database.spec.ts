import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import type { Database } from '../../../../src/shared/database/database';
import { EmbeddedPostgresStartError } from '../../../../src/shared/database/embedded/embedded-cluster';
import { EMBEDDED_INSTANCE_FILE } from '../../../../src/shared/database/embedded/instance-file';
import { EmbeddedDatabaseInUseError } from '../../../../src/shared/database/embedded/owner-lock';
import { openDatabase } from '../../../../src/shared/database/open-database';
import { resolveDatabaseTarget } from '../../../../src/shared/database/resolve-database-target';
import { rejection } from '../../../support/rejection';
import { freshDataDir } from '../../../support/test-database';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;
const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8);

interface Announced {
  pid: number;
  port: number;
  socketDir: string | null;
  database: string;
  user: string;
}

const announced = (dataDir: string): Announced => JSON.parse(readFileSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE), 'utf8')) as Announced;
const passwordOf = (dataDir: string): string => readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim();

async function connect(config: ConstructorParameters<typeof Client>[0]): Promise<Client> {
  const client = new Client(config);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('the embedded PostgreSQL', function () {
  this.timeout(60_000);
  let dataDir: string;
  let db: Database | undefined;
  before(() => {
    dataDir = freshDataDir('ul-test-embedded-');
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('initialises a private cluster: a 0700 data folder, a 0600 password file, 127.0.0.1 and a socket inside the folder', async () => {
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
    expect(mode(dataDir)).to.equal('700');
    expect(mode(path.join(dataDir, 'postgres-password'))).to.equal('600');
    expect(passwordOf(dataDir)).to.match(/^[A-Za-z0-9_-]{32}$/);
    const instance = announced(dataDir);
    expect(instance).to.include({ pid: process.pid, socketDir: dataDir, database: 'userledger', user: 'postgres' });
    expect(existsSync(path.join(dataDir, `.s.PGSQL.${instance.port}`))).to.equal(true);
    const [settings] = await db.query<{ listen: string; version: string }>(
      "SELECT current_setting('listen_addresses') AS listen, current_setting('server_version_num') AS version",
      [],
    );
    expect(settings).to.deep.include({ listen: '127.0.0.1' });
    expect(Number(settings?.version)).to.be.at.least(180000);
    expect(db.location).to.include(`127.0.0.1:${instance.port}/userledger`).and.not.include(passwordOf(dataDir));
  });

  it('asks every client for the password, over TCP and through the socket', async () => {
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
    const { port } = announced(dataDir);
    const base = { user: 'postgres', database: 'userledger', port, connectionTimeoutMillis: 5_000 };
    for (const host of ['127.0.0.1', dataDir]) {
      const refused = await rejection(connect({ ...base, host, password: 'not-the-password' }));
      expect(refused.message, host).to.match(/password authentication failed/);
      const client = await connect({ ...base, host, password: passwordOf(dataDir) });
      await client.end();
    }
  });

  it('serves scripts beside the service, with transactions of their own that do not wait for each other', async () => {
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
    await db.transaction((trx) => trx.raw('CREATE TABLE IF NOT EXISTS notes (body text)'));
    const target = resolveDatabaseTarget({ url: '', dataDir });
    expect(target.kind).to.equal('embedded-attached');
    const script = await openDatabase(target);
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedInScript = new Promise<void>((resolve) => (inserted = resolve));
      const scriptTransaction = script.transaction(async (trx) => {
        await trx.raw("INSERT INTO notes VALUES ('from the script')");
        inserted();
        await held;
      });
      await insertedInScript;
      // While the script's transaction is open, the service commits and reads on its own session.
      await db.transaction((trx) => trx.raw("INSERT INTO notes VALUES ('from the service')"));
      const whileOpen = await db.query<{ body: string }>('SELECT body FROM notes ORDER BY body', []);
      expect(whileOpen.map((row) => row.body)).to.deep.equal(['from the service']);
      release();
      await scriptTransaction;
      const after = await db.query<{ body: string }>('SELECT body FROM notes ORDER BY body', []);
      expect(after.map((row) => row.body)).to.deep.equal(['from the script', 'from the service']);
    } finally {
      await script.close();
    }
    expect(announced(dataDir).pid, 'a script attached does not take the database over').to.equal(process.pid);
  });

  it('lets only one of two openers starting together own the folder', async () => {
    const contenders = await Promise.allSettled([
      openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false }),
      openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false }),
    ]);
    const opened = contenders.filter((c): c is PromiseFulfilledResult<Database> => c.status === 'fulfilled');
    const refused = contenders.filter((c): c is PromiseRejectedResult => c.status === 'rejected');
    expect(opened).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0]?.reason).to.be.instanceOf(EmbeddedDatabaseInUseError);
    expect((refused[0]?.reason as Error).message).to.equal(
      `The embedded database in ${dataDir} is already in use by process ${process.pid}; stop it first, or set DATA_DIR to another folder.`,
    );
    db = opened[0]?.value;
  });

  it('takes over a lock file left by a process that is gone', async () => {
    writeFileSync(path.join(dataDir, 'embedded-db.lock'), String(deadPid()));
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
    await db.close();
    db = undefined;
    expect(existsSync(path.join(dataDir, 'embedded-db.lock'))).to.equal(false);
  });

  it('stops the server on close, and keeps its data across restarts', async () => {
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
    await db.transaction((trx) => trx.raw('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)'));
    const { port } = announced(dataDir);
    await db.close();
    db = undefined;
    expect(existsSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE))).to.equal(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).to.equal(false);
    const gone = await rejection(connect({ host: '127.0.0.1', port, user: 'postgres', password: passwordOf(dataDir), database: 'userledger' }));
    expect(gone.message).to.match(/ECONNREFUSED/);
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
    expect(await db.query('SELECT n FROM kept', [])).to.deep.equal([{ n: 42 }]);
  });

  it('names the port when another program holds it', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as { port: number };
    try {
      const error = await rejection(openDatabase({ kind: 'embedded', dataDir, port, durable: false }));
      expect(error).to.be.instanceOf(EmbeddedPostgresStartError);
      expect(error.message).to.equal(`Port ${port} on 127.0.0.1 is taken by another program: set EMBEDDED_DB_PORT to a free port (0 picks one).`);
      expect(existsSync(path.join(dataDir, 'embedded-db.lock')), 'the folder is free again').to.equal(false);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  describe('resolveDatabaseTarget (for scripts)', () => {
    it('chooses the configured server first', () => {
      expect(resolveDatabaseTarget({ url: 'postgres://db/app', dataDir, poolMax: 3 })).to.deep.equal({ kind: 'server', url: 'postgres://db/app', poolMax: 3 });
    });

    it('ignores an instance file whose process is gone, and starts the embedded server itself', () => {
      writeFileSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE), JSON.stringify({ pid: deadPid(), port: 1, socketDir: null, database: 'userledger', user: 'postgres' }));
      try {
        expect(resolveDatabaseTarget({ url: '', dataDir, embeddedPort: 54329 })).to.deep.equal({ kind: 'embedded', dataDir, port: 54329, poolMax: 10 });
      } finally {
        rmSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE), { force: true });
      }
    });
  });
});
