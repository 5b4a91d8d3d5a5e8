import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Database } from '../../../../src/shared/database/database';
import { EmbeddedDatabaseInUseError } from '../../../../src/shared/database/embedded-server';
import { EMBEDDED_INSTANCE_FILE } from '../../../../src/shared/database/embedded-instance-file';
import { openDatabase } from '../../../../src/shared/database/open-database';
import { resolveDatabaseTarget } from '../../../../src/shared/database/resolve-database-target';
import { rejection } from '../event-store.contract';
import { freshPgliteDataDir } from '../../../support/test-database';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;

describe('the embedded database', () => {
  let dataDir: string;
  let db: Database | undefined;
  before(async () => {
    dataDir = await freshPgliteDataDir();
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('announces its socket in embedded-db.json, serves scripts through it, and refuses a second PGlite on the directory', async () => {
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0 });
    expect(db.kind).to.equal('embedded');
    const announced = JSON.parse(readFileSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE), 'utf8')) as Record<string, unknown>;
    expect(announced).to.include({ host: '127.0.0.1', port: db.socketAddress?.port, pid: process.pid });
    await db.transaction((trx) => trx.raw("CREATE TABLE IF NOT EXISTS notes (body text); INSERT INTO notes VALUES ('from the service')"));

    const target = resolveDatabaseTarget({ url: '', dataDir });
    expect(target).to.deep.equal({ kind: 'embedded-socket', ...db.socketAddress });
    const script = await openDatabase(target);
    try {
      const { rows } = await script.read((q) => q.raw('SELECT body FROM notes'));
      expect(rows).to.deep.equal([{ body: 'from the service' }]);
    } finally {
      await script.close();
    }
    expect(await rejection(openDatabase({ kind: 'embedded', dataDir, port: 0 }))).to.be.instanceOf(EmbeddedDatabaseInUseError);
  });

  it('lets only one of two openers starting together have the directory', async () => {
    const contenders = await Promise.allSettled([
      openDatabase({ kind: 'embedded', dataDir, port: 0 }),
      openDatabase({ kind: 'embedded', dataDir, port: 0 }),
    ]);
    const opened = contenders.filter((c): c is PromiseFulfilledResult<Database> => c.status === 'fulfilled');
    const refused = contenders.filter((c): c is PromiseRejectedResult => c.status === 'rejected');
    expect(opened).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0]?.reason).to.be.instanceOf(EmbeddedDatabaseInUseError);
    db = opened[0]?.value;
  });

  it('takes over a lock file left by a process that is gone', async () => {
    writeFileSync(path.join(dataDir, 'embedded-db.lock'), String(deadPid()));
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0 });
    await db.close();
    db = undefined;
    expect(existsSync(path.join(dataDir, 'embedded-db.lock'))).to.equal(false);
  });

  it('removes embedded-db.json on close and keeps its data across restarts', async () => {
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0 });
    await db.transaction((trx) => trx.raw('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)'));
    await db.close();
    expect(existsSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE))).to.equal(false);
    db = await openDatabase({ kind: 'embedded', dataDir, port: 0 });
    const { rows } = await db.read((q) => q.raw('SELECT n FROM kept'));
    expect(rows).to.deep.equal([{ n: 42 }]);
  });

  describe('resolveDatabaseTarget (for scripts)', () => {
    it('chooses the configured server first', () => {
      expect(resolveDatabaseTarget({ url: 'postgres://db/app', dataDir, poolMax: 3 })).to.deep.equal({ kind: 'server', url: 'postgres://db/app', poolMax: 3 });
    });

    it('ignores an instance file whose process is gone, and opens PGlite itself on any free port', () => {
      writeFileSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE), JSON.stringify({ host: '127.0.0.1', port: 1, pid: deadPid(), startedAt: '' }));
      try {
        expect(resolveDatabaseTarget({ url: '', dataDir, embeddedPort: 54329 })).to.deep.equal({ kind: 'embedded', dataDir, port: 0 });
      } finally {
        rmSync(path.join(dataDir, EMBEDDED_INSTANCE_FILE), { force: true });
      }
    });
  });
});
