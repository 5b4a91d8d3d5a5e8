import { startEventStoreDbDouble, type EventStoreDbDouble } from './eventstoredb-double';

/**
 * The EventStoreDB the tests talk to: a real one when EVENTSTORE_CONNECTION_STRING names it,
 * else one test double shared by the whole run (started on first use, closed by mocha's exit).
 */
export const eventStoreTarget = {
  description: process.env.EVENTSTORE_CONNECTION_STRING ? 'a real EventStoreDB' : 'the test double',
  async connectionString(): Promise<string> {
    const real = process.env.EVENTSTORE_CONNECTION_STRING;
    if (real) return real;
    shared ??= startEventStoreDbDouble();
    return (await shared).connectionString;
  },
};

let shared: Promise<EventStoreDbDouble> | undefined;
