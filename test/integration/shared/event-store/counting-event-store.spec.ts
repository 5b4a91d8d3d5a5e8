import { ProcessMetrics } from '../../../../src/metrics/process-metrics';
import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { eventStoreContract } from '../event-store.contract';

// The counting decorator that every process puts around its store keeps the port's contract.
describe('an event store counting its appends for /metrics', () => {
  eventStoreContract(async () => new ProcessMetrics().countingAppends(new InMemoryEventStore()));
});
