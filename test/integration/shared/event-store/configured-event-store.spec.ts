import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pino from 'pino';
import { loadSettings } from '../../../../src/config/load-settings';
import { eventStoreFor } from '../../../../src/configured-stores';
import { EventSchemaVersionError } from '../../../../src/shared/event-schemas';
import { eventStoreTarget } from '../../../support/eventstoredb-target';
import { rejection } from '../../../support/rejection';
import { openTestDatabase } from '../../../support/test-database';

const METADATA = { actorId: 'system:test', correlationId: 'c-1', causationId: 'c-1', occurredAt: '2026-01-01T12:00:00.000Z' };

// The store every process opens (the service, the projector, the scripts) is in current shapes,
// whichever adapter the settings name.
describe('the configured event store', () => {
  const kinds = [
    { kind: 'postgres', env: async () => ({}) },
    { kind: 'eventstoredb', env: async () => ({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: await eventStoreTarget.connectionString() }) },
  ] as const;

  for (const { kind, env } of kinds) {
    it(`on ${kind}: stamps what it appends and refuses a user event of a newer release's version`, async () => {
      const { settings } = loadSettings({ APP_ENV: 'test', ...(await env()) });
      const store = eventStoreFor(settings, await openTestDatabase(), pino({ level: 'silent' }));
      try {
        const stream = `user-${randomUUID()}`;
        await store.append(stream, [{ id: randomUUID(), type: 'AdminGranted', data: { userId: 'u' }, metadata: METADATA }]);
        expect((await store.stored.readStream(stream))[0]?.metadata).to.deep.equal({ ...METADATA, schemaVersion: 1 });
        await store.stored.append(stream, [{ id: randomUUID(), type: 'AdminRevoked', data: { userId: 'u' }, metadata: { ...METADATA, schemaVersion: 2 } }]);
        expect(await rejection(store.readStream(stream))).to.be.instanceOf(EventSchemaVersionError);
      } finally {
        await store.close();
      }
    });
  }
});
