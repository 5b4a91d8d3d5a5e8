import { rmSync } from 'node:fs';
import type { Database } from '../../../../src/shared/database/database';
import { migrateToLatest } from '../../../../src/shared/database/migrate';
import { openDatabase } from '../../../../src/shared/database/open-database';
import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { freshDataDir, openTestDatabase } from '../../../support/test-database';
import { CONTRACT_SCAN_WINDOW, eventStoreContract } from '../event-store.contract';

const onServer = Boolean(process.env.DATABASE_URL);

describe(`PgEventStore on ${onServer ? 'the PostgreSQL server of DATABASE_URL' : 'the embedded PostgreSQL (the run’s test server)'}`, () => {
  eventStoreContract(async () => new PgEventStore(await openTestDatabase(), { pollIntervalMs: 20, scanWindow: CONTRACT_SCAN_WINDOW }), { idsUniquePerStream: true, scanWindow: CONTRACT_SCAN_WINDOW });
});

// When the run's server is another PostgreSQL, the embedded one that `npm start` runs (another
// major version, maybe) passes the contract too, with the stores' default scan window.
if (onServer) {
  describe('PgEventStore on the embedded PostgreSQL that npm start runs', function () {
    this.timeout(60_000);
    const dataDir = freshDataDir('ul-test-embedded-store-');
    let db: Database | undefined;
    after(async () => {
      await db?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    eventStoreContract(async () => {
      db = await openDatabase({ kind: 'embedded', dataDir, port: 0, durable: false });
      await migrateToLatest(db);
      return new PgEventStore(db, { pollIntervalMs: 20 });
    });
  });
}
