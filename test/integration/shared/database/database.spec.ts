import { expect } from 'chai';
import { Client } from 'pg';
import { isConnectionError } from '../../../../src/shared/database/connection-errors';
import type { Database } from '../../../../src/shared/database/database';
import { migrateToLatest } from '../../../../src/shared/database/migrate';
import { openDatabase } from '../../../../src/shared/database/open-database';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { openTestDatabase, serverTestDatabaseUrl } from '../../../support/test-database';
import { freePort } from '../../../support/free-port';
import { rejection } from '../event-store.contract';
import { anEvent, aStream } from '../event-store/event-fixtures';

describe('Database', () => {
  let db: Database;
  before(async () => {
    db = await openTestDatabase();
  });

  it('is migrated, and migrating again applies nothing', async () => {
    expect(await migrateToLatest(db)).to.deep.equal([]);
    const { rows } = await db.knex.raw("SELECT to_regclass('events') IS NOT NULL AS present");
    expect(rows).to.deep.equal([{ present: true }]);
  });

  it('commits a transaction, and rolls it back when the work throws', async () => {
    const name = `t_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await db.transaction((trx) => trx.raw(`CREATE TABLE ${name} (n int)`));
    const error = await rejection(db.transaction(async (trx) => {
      await trx.raw(`INSERT INTO ${name} VALUES (1)`);
      throw new Error('abandon');
    }));
    expect(error.message).to.equal('abandon');
    const { rows } = await db.knex.raw(`SELECT count(*)::int AS n FROM ${name}`);
    expect(rows).to.deep.equal([{ n: 0 }]);
    await db.transaction((trx) => trx.raw(`DROP TABLE ${name}`));
  });

  it("keeps a failed statement's values out of its error message (knex's compileSqlOnError is off)", async () => {
    const secret = `session-${'s3cr3t'.repeat(7)}`;
    const error = await rejection(db.knex('no_such_table_for_this_test').insert({ stream_name: secret }));
    expect(error.message).to.include('no_such_table_for_this_test');
    expect(error.message).to.not.include(secret);
    expect(error.message).to.include('$1');
  });

  describe('when PostgreSQL cannot be reached', () => {
    for (const kind of ['server', 'embedded-attached'] as const) {
      it(`reports a connection error (${kind})`, async () => {
        const port = await freePort();
        const unreachable = kind === 'server'
          ? await openDatabase({ kind, url: `postgres://postgres@127.0.0.1:${port}/postgres` })
          : await openDatabase({ kind, dataDir: '/nowhere', connection: { host: '127.0.0.1', port, user: 'postgres', password: 'x', database: 'userledger' } });
        try {
          const error = await rejection(unreachable.knex.raw('SELECT 1'));
          expect(isConnectionError(error), String(error)).to.equal(true);
          const appendError = await rejection(new PgEventStore(unreachable).append(aStream(), [anEvent()]));
          expect(appendError).to.be.instanceOf(EventStoreUnavailableError);
        } finally {
          await unreachable.close();
        }
      });
    }

    it('recovers once the server has terminated its connections (57P01)', async () => {
      const store = new PgEventStore(db);
      const stream = aStream();
      await Promise.all([store.append(stream, [anEvent()]), store.append(stream, [anEvent()])]);
      const admin = new Client({ connectionString: serverTestDatabaseUrl() });
      await admin.connect();
      try {
        // With a timeout, pg_terminate_backend returns once the backend has exited, not when it has been signalled.
        await admin.query('SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      } finally {
        await admin.end();
      }
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => store.append(stream, [anEvent()])));
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).to.be.instanceOf(EventStoreUnavailableError);
      }
      await store.append(stream, [anEvent()]);
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.revision)).to.deep.equal(stored.map((_, i) => BigInt(i)));
    });

    it('does not count a failing statement as a connection error', async () => {
      const error = await rejection(db.knex.raw('SELECT * FROM no_such_table'));
      expect(isConnectionError(error)).to.equal(false);
    });
  });
});
