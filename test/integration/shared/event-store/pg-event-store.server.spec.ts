import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { openTestDatabase } from '../../../support/test-database';
import { eventStoreContract } from '../event-store.contract';

// Runs when DATABASE_URL names a PostgreSQL server (CI sets it); PGlite covers the rest.
if (process.env.DATABASE_URL) {
  describe('PgEventStore on a PostgreSQL server', () => {
    eventStoreContract(async () => new PgEventStore(await openTestDatabase(), { pollIntervalMs: 20 }));
  });
}
