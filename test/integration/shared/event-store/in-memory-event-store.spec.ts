import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { CONTRACT_SCAN_WINDOW, eventStoreContract } from '../event-store.contract';

describe('InMemoryEventStore', () => {
  eventStoreContract(async () => new InMemoryEventStore({ scanWindow: CONTRACT_SCAN_WINDOW }), { idsUniquePerStream: true, scanWindow: CONTRACT_SCAN_WINDOW });
});
