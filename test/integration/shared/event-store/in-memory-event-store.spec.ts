import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { eventStoreContract } from '../event-store.contract';

describe('InMemoryEventStore', () => {
  eventStoreContract(async () => new InMemoryEventStore());
});
