import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { eventStoreTarget } from '../../../support/eventstoredb-target';
import { CONTRACT_SCAN_WINDOW, eventStoreContract } from '../event-store.contract';

describe(`EventStoreDbEventStore through @eventstore/db-client over gRPC (${eventStoreTarget.description})`, () => {
  let connectionString: string;
  before(async () => {
    connectionString = await eventStoreTarget.connectionString();
  });

  eventStoreContract(async () => EventStoreDbEventStore.fromConnectionString(connectionString, { scanWindow: CONTRACT_SCAN_WINDOW }), { idsUniquePerStream: false, scanWindow: CONTRACT_SCAN_WINDOW });
});
