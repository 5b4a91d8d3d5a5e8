import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventStore } from '../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';
import { openTestDatabase } from '../support/test-database';

const SCHEMA_VERSION_UNSUPPORTED = { error: 'Service temporarily unavailable. Please try again later.', code: 'event.schema_version_unsupported' };
const METADATA = { actorId: 'system:newer-release', correlationId: 'c-1', causationId: 'c-1', occurredAt: '2026-01-01T12:00:00.000Z' };

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: event schema versions in the running service (events in ${eventStore})`, function () {
    this.timeout(120_000);
    let service: E2eService;
    /** The service's log through a bare adapter: the events as stored, and as another release writes them. */
    let stored: EventStore;

    before(async () => {
      service = await startE2eService({}, eventStore);
      const double = service.eventStoreDouble?.connectionString ?? process.env.EVENTSTORE_CONNECTION_STRING;
      stored = eventStore === 'postgres' ? new PgEventStore(await openTestDatabase()) : EventStoreDbEventStore.fromConnectionString(double as string);
    });
    after(async () => {
      await stored?.close();
      await service?.stop();
    });

    it('stores what a sign-up appends stamped with each schema version', async () => {
      const username = aUsername('v');
      const reply = await service.request('POST', '/api/v1/account/signup', { json: { username, password: 'secret1' } });
      expect(reply.status, reply.text).to.equal(201);
      const userId = (reply.json as { id: string }).id;
      const events = [...(await stored.readStream(`username-${username}`)), ...(await stored.readStream(`user-${userId}`))];
      expect(events.map((event) => [event.type, event.metadata.schemaVersion])).to.deep.equal([['UsernameReserved', 1], ['UserCreated', 1]]);
    });

    // A reservation stream, which no projection reads, so the shared read tables stay as they are.
    it("answers 503 with the code to a sign-up and a log-in that meet a newer release's version, and appends nothing", async () => {
      const username = aUsername('f');
      const stream = `username-${username}`;
      await stored.append(stream, [{ id: randomUUID(), type: 'UsernameReserved', data: { username, userId: randomUUID() }, metadata: { ...METADATA, schemaVersion: 2 } }]);
      const signUp = await service.request('POST', '/api/v1/account/signup', { json: { username, password: 'secret1' } });
      expect([signUp.status, signUp.json]).to.deep.equal([503, SCHEMA_VERSION_UNSUPPORTED]);
      const logIn = await service.request('POST', '/api/v1/account/login', { json: { username, password: 'secret1' } });
      expect([logIn.status, logIn.json]).to.deep.equal([503, SCHEMA_VERSION_UNSUPPORTED]);
      expect(await stored.readStream(stream)).to.have.length(1);
    });
  });
}
