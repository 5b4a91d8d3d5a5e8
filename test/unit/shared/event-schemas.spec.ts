import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventSchemas } from '../../../src/configured-stores';
import { authSessionEventSchemas } from '../../../src/features/sessions';
import { userEventSchemas } from '../../../src/features/users';
import { EventSchemaRegistry, EventSchemaVersionError, type EventSchemas } from '../../../src/shared/event-schemas';
import type { EventData, EventMetadata, RecordedEvent } from '../../../src/shared/event-store/event-store';
import { rejection } from '../../support/rejection';
import { nameV1ToV2, nameV2ToV3, testSchemas, TEST_TYPE } from '../../support/test-event-schemas';

const METADATA: EventMetadata = { actorId: 'system:test', correlationId: 'c-1', causationId: 'c-1', occurredAt: '2026-01-01T12:00:00.000Z' };

function stored(type: string, data: unknown, schemaVersion?: unknown): RecordedEvent {
  const metadata = schemaVersion === undefined ? METADATA : { ...METADATA, schemaVersion };
  return { id: randomUUID(), type, data, metadata, streamName: `person-${randomUUID()}`, revision: 3n, position: 42n, recordedAt: new Date() };
}
const toAppend = (type: string, metadata: EventMetadata = METADATA): EventData => ({ id: randomUUID(), type, data: {}, metadata });
const registry = new EventSchemaRegistry([testSchemas]);
const failureOf = async (action: () => unknown): Promise<unknown> => rejection((async () => action())());

describe('event schema versions: the registry', () => {
  describe('stamping what is written', () => {
    it("stamps each event with its type's current version, and a type no feature declares with 1", () => {
      expect(registry.stamp(toAppend(TEST_TYPE)).metadata).to.deep.equal({ ...METADATA, schemaVersion: 3 });
      expect(registry.stamp(toAppend('SomethingElse')).metadata).to.deep.equal({ ...METADATA, schemaVersion: 1 });
    });

    it('keeps an event the writer stamped with the current version as it is', () => {
      const event = toAppend(TEST_TYPE, { ...METADATA, schemaVersion: 3 });
      expect(registry.stamp(event)).to.equal(event);
    });

    it('refuses a writer that stamped another version: the code writes only current shapes', async () => {
      const error = await failureOf(() => registry.stamp(toAppend(TEST_TYPE, { ...METADATA, schemaVersion: 2 })));
      expect((error as Error).message).to.equal(`${TEST_TYPE} is written at schema version 3; the writer stamped 2.`);
    });
  });

  describe('upcasting what is read', () => {
    it('turns version 1 into the current shape through every step, in order', () => {
      const event = stored(TEST_TYPE, { name: 'Ada Lovelace' }, 1);
      const upcast = registry.upcast(event);
      expect(upcast.data).to.deep.equal({ givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace' });
      expect(upcast.metadata).to.deep.equal({ ...METADATA, schemaVersion: 3 });
      expect({ ...upcast, data: event.data, metadata: event.metadata }).to.deep.equal(event);
      expect(event.data, 'the stored event is left alone').to.deep.equal({ name: 'Ada Lovelace' });
    });

    it('reads an event without a version (written before versions existed) as version 1', () => {
      expect(registry.upcast(stored(TEST_TYPE, { name: 'Grace Hopper' })).data).to.deep.equal({ givenName: 'Grace', familyName: 'Hopper', displayName: 'Grace Hopper' });
    });

    it('starts the chain at the stored version: version 2 takes only the last step', () => {
      expect(registry.upcast(stored(TEST_TYPE, { givenName: 'Alan', familyName: 'Turing' }, 2)).data).to.deep.equal({ givenName: 'Alan', familyName: 'Turing', displayName: 'Alan Turing' });
    });

    it('hands an event of the current version on untouched', () => {
      const event = stored(TEST_TYPE, { givenName: 'Ada', familyName: 'Lovelace', displayName: 'Countess' }, 3);
      expect(registry.upcast(event)).to.equal(event);
    });

    it('hands an event of a type no feature declares on untouched, whatever its version', () => {
      const event = stored('NewerReleasesEvent', { x: 1 }, 7);
      expect(registry.upcast(event)).to.equal(event);
    });

    it('gives each upcaster the metadata of the event', () => {
      const seen: EventMetadata[] = [];
      const recording = new EventSchemaRegistry([{ Seen: { version: 2, upcasters: { 1: (data: object, metadata: EventMetadata) => (seen.push(metadata), { ...data, at: metadata.occurredAt }) } } }]);
      expect(recording.upcast(stored('Seen', { a: 1 })).data).to.deep.equal({ a: 1, at: METADATA.occurredAt });
      expect(seen).to.deep.equal([METADATA]);
    });

    it('refuses a version newer than the code knows, naming the event and both versions', async () => {
      const event = stored(TEST_TYPE, { whatever: true }, 4);
      const error = await failureOf(() => registry.upcast(event));
      expect(error).to.be.instanceOf(EventSchemaVersionError);
      expect((error as EventSchemaVersionError).message).to.equal(
        `${TEST_TYPE} at position 42 (stream ${event.streamName}, revision 3): schema version 4 is newer than this release knows (3); deploy a release that knows it`,
      );
      expect((error as EventSchemaVersionError).event).to.deep.equal({ id: event.id, type: TEST_TYPE, streamName: event.streamName, revision: 3n, position: 42n });
      expect(JSON.stringify((error as EventSchemaVersionError).event, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.to.include('whatever');
    });

    for (const version of [0, -1, 1.5, '2', null, true]) {
      it(`refuses a stored version that is not a positive integer: ${JSON.stringify(version)}`, async () => {
        const error = await failureOf(() => registry.upcast(stored(TEST_TYPE, {}, version)));
        expect(error).to.be.instanceOf(EventSchemaVersionError);
        expect((error as Error).message).to.match(new RegExp(`schema version ${JSON.stringify(version)} is not a version \\(a positive integer\\)$`));
      });
    }
  });

  describe('declarations, checked when the registry is built', () => {
    const refusal = async (declarations: readonly EventSchemas[]): Promise<string> => ((await failureOf(() => new EventSchemaRegistry(declarations))) as Error).message;

    it('refuses a version without an upcaster from each version below it', async () => {
      expect(await refusal([{ T: { version: 3, upcasters: { 1: nameV1ToV2 } } }])).to.equal('Event type T is at version 3 but has no upcaster from version 2.');
      expect(await refusal([{ T: { version: 2 } }])).to.equal('Event type T is at version 2 but has no upcaster from version 1.');
    });

    it('refuses upcasters that lead past the current version', async () => {
      expect(await refusal([{ T: { version: 2, upcasters: { 1: nameV1ToV2, 2: nameV2ToV3 } } }])).to.equal('Event type T is at version 2; upcasters from 2 lead past it.');
      expect(await refusal([{ T: { version: 1, upcasters: { 0: nameV1ToV2 } } }])).to.equal('Event type T is at version 1; upcasters from 0 lead past it.');
    });

    it('refuses a version that is not a positive integer', async () => {
      expect(await refusal([{ T: { version: 0 } }])).to.equal('Event type T: schema version 0 is not a positive integer.');
      expect(await refusal([{ T: { version: 2.5 } }])).to.equal('Event type T: schema version 2.5 is not a positive integer.');
    });

    it('refuses one type declared by two features', async () => {
      expect(await refusal([{ T: { version: 1 } }, { T: { version: 1 } }])).to.equal('Event type T has two schema declarations.');
    });
  });

  describe("the service's own declarations", () => {
    it("declare every event type of both features, each at the version its writers stamp", () => {
      const declared = { ...userEventSchemas, ...authSessionEventSchemas };
      expect(Object.keys(declared)).to.have.members([
        'UserCreated', 'PasswordChanged', 'PasswordSet', 'SessionsRevoked', 'AdminGranted', 'AdminRevoked', 'UserActivated', 'UserDeactivated', 'UserCreationAbandoned', 'UsernameReserved',
        'SessionStarted', 'SessionExtended', 'SessionEnded',
      ]);
      for (const [type, schema] of Object.entries(declared)) expect(eventSchemas.currentVersion(type), type).to.equal(schema.version);
    });

    it("refuse a user event written by a newer release's version of it", async () => {
      const error = await failureOf(() => eventSchemas.upcast(stored('UserCreated', {}, userEventSchemas.UserCreated.version + 1)));
      expect(error).to.be.instanceOf(EventSchemaVersionError);
    });
  });
});
