import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { eventStoreTarget } from '../../../support/eventstoredb-target';
import { eventStoreContract } from '../event-store.contract';

describe(`EventStoreDbEventStore through @eventstore/db-client over gRPC (${eventStoreTarget.description})`, () => {
  let connectionString: string;
  before(async () => {
    connectionString = await eventStoreTarget.connectionString();
  });

  eventStoreContract(async () => EventStoreDbEventStore.fromConnectionString(connectionString), { idsUniquePerStream: false });
});
