import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { CommandContext } from '../../../src/shared/command-context';
import { handleCommand, type Decider, type DomainEvent } from '../../../src/shared/decider';
import { EventSchemaRegistry, EventSchemaVersionError } from '../../../src/shared/event-schemas';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';
import { UpcastingEventStore } from '../../../src/shared/event-store/upcasting-event-store';
import { rejection } from '../../support/rejection';
import { testSchemas, TEST_TYPE, type PersonNamed } from '../../support/test-event-schemas';

/** A test-only aggregate folding the test event type, whose evolve knows only the current shape. */
type PersonEvent = DomainEvent<typeof TEST_TYPE, PersonNamed>;
interface PersonState { readonly displayName: string | undefined }
interface Rename { readonly givenName: string; readonly familyName: string }

const personDecider: Decider<PersonState, Rename, PersonEvent> = {
  initialState: () => ({ displayName: undefined }),
  evolve: (_state, event) => ({ displayName: event.data.displayName }),
  decide: (command, state) => {
    const displayName = `${command.givenName} ${command.familyName}`;
    return state.displayName === displayName ? [] : [{ type: TEST_TYPE, data: { ...command, displayName } }];
  },
};

const context: CommandContext = { actorId: 'system:test', correlationId: 'c-1', causationId: 'c-1', now: new Date('2026-01-01T12:00:00.000Z') };
const METADATA = { actorId: 'system:test', correlationId: 'c-0', causationId: 'c-0', occurredAt: '2025-01-01T12:00:00.000Z' };

describe('a decider folding events of older schema versions', () => {
  let raw: InMemoryEventStore;
  let store: UpcastingEventStore;
  const stream = `person-${randomUUID()}`;
  beforeEach(async () => {
    raw = new InMemoryEventStore();
    store = new UpcastingEventStore(raw, new EventSchemaRegistry([testSchemas]));
    // Written by a release from before versions existed: one `name`, no schemaVersion.
    await raw.append(stream, [{ id: randomUUID(), type: TEST_TYPE, data: { name: 'Ada Lovelace' }, metadata: METADATA }]);
  });

  it('decides on the state folded from the upcast events: the same name again changes nothing', async () => {
    const outcome = await handleCommand(store, personDecider, stream, { givenName: 'Ada', familyName: 'Lovelace' }, context);
    expect(outcome.events).to.deep.equal([]);
    expect(outcome.state).to.deep.equal({ displayName: 'Ada Lovelace' });
    expect(await raw.readStream(stream)).to.have.length(1);
  });

  it('appends its decision in the current shape, stamped with the current version, after the old event', async () => {
    const outcome = await handleCommand(store, personDecider, stream, { givenName: 'Ada', familyName: 'King' }, context);
    expect(outcome.state).to.deep.equal({ displayName: 'Ada King' });
    expect(outcome.revision).to.equal(1n);
    const [, appended] = await raw.readStream(stream);
    expect(appended?.data).to.deep.equal({ givenName: 'Ada', familyName: 'King', displayName: 'Ada King' });
    expect(appended?.metadata).to.deep.include({ schemaVersion: 3, correlationId: 'c-1' });
  });

  it('refuses to decide on a stream holding a version from a newer release, and appends nothing', async () => {
    await raw.append(stream, [{ id: randomUUID(), type: TEST_TYPE, data: { name: { given: 'Ada' } }, metadata: { ...METADATA, schemaVersion: 4 } }]);
    const error = await rejection(handleCommand(store, personDecider, stream, { givenName: 'Ada', familyName: 'King' }, context));
    expect(error).to.be.instanceOf(EventSchemaVersionError);
    expect(await raw.readStream(stream)).to.have.length(2);
  });
});
