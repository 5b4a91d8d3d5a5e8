import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import type { CommandContext } from '../../../src/shared/command-context';
import { handle, handleCommand, type Decider } from '../../../src/shared/decider';
import { WrongExpectedVersionError, type EventStore } from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';
import { StreamTailCache } from '../../../src/shared/event-store/stream-tail-cache';
import { rejection } from '../../support/rejection';
import { aStream } from './event-store/event-fixtures';

/** A switch: turning it on when on, or off when off, changes nothing; turning off a switch never turned on is refused. */
type SwitchEvent = { type: 'TurnedOn'; data: Record<string, never> } | { type: 'TurnedOff'; data: Record<string, never> };
type SwitchCommand = { type: 'TurnOn' } | { type: 'TurnOff' };
type SwitchState = 'never' | 'on' | 'off';

class NeverOnError extends Error {}

const switchDecider: Decider<SwitchState, SwitchCommand, SwitchEvent> = {
  initialState: () => 'never',
  evolve: (_state, event) => (event.type === 'TurnedOn' ? 'on' : 'off'),
  decide(command, state) {
    if (command.type === 'TurnOn') return state === 'on' ? [] : { type: 'TurnedOn', data: {} };
    if (state === 'never') throw new NeverOnError();
    return state === 'off' ? [] : { type: 'TurnedOff', data: {} };
  },
};

const context = (): CommandContext => ({ actorId: 'system:test', correlationId: randomUUID(), causationId: randomUUID(), now: new Date() });
const event = (type: SwitchEvent['type']) => ({ id: randomUUID(), type, data: {}, metadata: { actorId: 'system:other', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() } });

describe('handleCommand over the stream tail cache: deciding on remembered state', () => {
  let store: InMemoryEventStore;
  let cached: EventStore;
  let stream: string;
  beforeEach(async () => {
    store = new InMemoryEventStore();
    cached = new StreamTailCache(store);
    stream = aStream();
    await handleCommand(cached, switchDecider, stream, { type: 'TurnOn' }, context());
    await cached.readStream(stream);
  });

  const types = async (): Promise<string[]> => (await store.readStream(stream)).map((e) => e.type);

  it('appends on the remembered revision without reading the store first', async () => {
    const reads = sinon.spy(store, 'readStreams');
    const outcome = await handleCommand(cached, switchDecider, stream, { type: 'TurnOff' }, context());
    expect(reads.called).to.equal(false);
    expect(outcome.state).to.equal('off');
    expect(await types()).to.deep.equal(['TurnedOn', 'TurnedOff']);
  });

  it('decides again on fresh state when another writer moved the stream, without counting it as an attempt', async () => {
    await store.append(stream, [event('TurnedOff')]);
    const outcome = await handleCommand(cached, switchDecider, stream, { type: 'TurnOn' }, context(), { maxAttempts: 1 });
    expect(outcome.state).to.equal('on');
    expect(await types()).to.deep.equal(['TurnedOn', 'TurnedOff', 'TurnedOn']);
  });

  it('checks a remembered "no change" against the store: the command is applied when the state has moved', async () => {
    await store.append(stream, [event('TurnedOff')]);
    // Remembered: on, so TurnOn would change nothing; the store says off.
    const outcome = await handleCommand(cached, switchDecider, stream, { type: 'TurnOn' }, context());
    expect(outcome.events.map((e) => e.type)).to.deep.equal(['TurnedOn']);
    expect(await types()).to.deep.equal(['TurnedOn', 'TurnedOff', 'TurnedOn']);
  });

  it('checks a remembered refusal against the store: the command is applied when the state allows it', async () => {
    const fresh = aStream();
    await cached.readStream(fresh);
    await store.append(fresh, [event('TurnedOn')]);
    await cached.readStream(fresh);
    await store.append(fresh, [event('TurnedOff'), event('TurnedOn')]);
    const outcome = await handleCommand(cached, switchDecider, fresh, { type: 'TurnOff' }, context());
    expect(outcome.state).to.equal('off');
  });

  it('still refuses, and still answers no change, when the store agrees', async () => {
    expect((await handleCommand(cached, switchDecider, stream, { type: 'TurnOn' }, context())).events).to.deep.equal([]);
    expect(await rejection(handleCommand(cached, switchDecider, aStream(), { type: 'TurnOff' }, context()))).to.be.instanceOf(NeverOnError);
    expect(await types()).to.deep.equal(['TurnedOn']);
  });

  it('after its own append, reads the tail before deciding again: it never races itself', async () => {
    await handleCommand(cached, switchDecider, stream, { type: 'TurnOff' }, context());
    const appends = sinon.spy(store, 'append');
    await handleCommand(cached, switchDecider, stream, { type: 'TurnOn' }, context());
    expect(appends.callCount).to.equal(1);
    expect(await types()).to.deep.equal(['TurnedOn', 'TurnedOff', 'TurnedOn']);
  });

  it('lets a lost race on fresh state escape after its attempts', async () => {
    const racing = sinon.stub(store, 'append').rejects(new WrongExpectedVersionError(stream, 0n, 5n));
    const error = await rejection(handleCommand(cached, switchDecider, stream, { type: 'TurnOff' }, context(), { maxAttempts: 2 }));
    expect(error).to.be.instanceOf(WrongExpectedVersionError);
    // Once on the remembered revision, then twice on fresh state.
    expect(racing.callCount).to.equal(3);
  });

  it('a decision that is not pure (handle without decideOnRemembered) always reads the store first', async () => {
    await store.append(stream, [event('TurnedOff')]);
    const seen: SwitchState[] = [];
    await handle(cached, stream, switchDecider, (state) => {
      seen.push(state);
      return { type: 'TurnedOn', data: {} };
    }, context());
    expect(seen).to.deep.equal(['off']);
  });
});
