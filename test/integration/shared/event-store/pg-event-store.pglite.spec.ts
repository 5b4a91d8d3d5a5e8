import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { openEmbeddedTestDatabase } from '../../../support/test-database';
import { eventStoreContract } from '../event-store.contract';

describe('PgEventStore on embedded PGlite (through pglite-socket)', () => {
  eventStoreContract(async () => new PgEventStore(await openEmbeddedTestDatabase(), { pollIntervalMs: 20 }));
});
