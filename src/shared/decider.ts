import { randomUUID } from 'node:crypto';
import type {
  AppendResult,
  EventData,
  EventMetadata,
  EventStore,
  RecordedEvent,
  StreamRevision,
} from './event-store/event-store';
import { WrongExpectedVersionError } from './event-store/event-store';
import type { CommandContext } from './command-context';

export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/** Pure decision logic of one aggregate: no I/O, no clock, no id generation. */
export interface Decider<State, Command, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  /** Returns the events the command causes (possibly none), or throws a domain error. */
  decide(command: Command, state: State): Event | readonly Event[];
}

export interface LoadedAggregate<State> {
  readonly state: State;
  /** Revision of the last folded event; undefined when the stream has no events. */
  readonly revision: StreamRevision | undefined;
}

export async function loadAggregate<State, Event extends DomainEvent>(
  store: EventStore,
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  streamName: string,
): Promise<LoadedAggregate<State>> {
  const recorded = await store.readStream(streamName);
  return foldRecorded(decider, recorded);
}

export function foldRecorded<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  recorded: readonly RecordedEvent[],
): LoadedAggregate<State> {
  let state = decider.initialState();
  for (const event of recorded) state = decider.evolve(state, event as unknown as Event);
  const last = recorded[recorded.length - 1];
  return { state, revision: last?.revision };
}

export interface CommandOutcome<State> {
  readonly state: State;
  readonly events: readonly DomainEvent[];
  /** Revision of the stream after the command (unchanged on a no-op). */
  readonly revision: StreamRevision | undefined;
  /** Global position of the last appended event; undefined on a no-op. */
  readonly position: bigint | undefined;
}

export interface HandleCommandOptions {
  /** How often to re-read and re-decide after losing an optimistic-concurrency race (3). */
  readonly maxAttempts?: number;
  /**
   * Each new event's id. Random by default; a reaction derives them from what it reacts to,
   * so that a replay cannot append twice.
   */
  readonly eventId?: (index: number) => string;
  /**
   * The revision (or any of the revisions) the caller pinned, e.g. from `If-Match`. The stream
   * must be at it when the decision is made, else a WrongExpectedVersionError; the append then
   * expects exactly it, and a lost race is not retried: the caller decided on what it saw.
   * The decision runs first, so its own refusals (403, 404) win over the mismatch.
   */
  readonly expectedRevision?: StreamRevision | readonly StreamRevision[];
}

/** What a use case decides on the one state it loaded: checks, hashing and the decision. */
export type Decision<State, Event extends DomainEvent> = (state: State) => Event | readonly Event[] | Promise<Event | readonly Event[]>;

/**
 * Read the stream once → fold → `decide` on that state → append with the revision read. On a
 * lost race the stream is read again and `decide` runs again on fresh state, a bounded number of
 * times; then the race error escapes. No use case reads its stream twice.
 */
export async function handle<State, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  evolution: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  decide: Decision<State, Event>,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandOutcome<State>> {
  const pinned = options.expectedRevision === undefined ? undefined : ([] as StreamRevision[]).concat(options.expectedRevision);
  const maxAttempts = pinned === undefined ? (options.maxAttempts ?? 3) : 1;
  const eventId = options.eventId ?? (() => randomUUID());
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadAggregate(store, evolution, streamName);
    const decided = await decide(state);
    if (pinned !== undefined && (revision === undefined || !pinned.includes(revision))) {
      throw new WrongExpectedVersionError(streamName, pinned[0] ?? 'stream_exists', revision ?? 'no_stream');
    }
    const events: readonly Event[] = Array.isArray(decided) ? decided : [decided as Event];
    if (events.length === 0) return { state, events, revision, position: undefined };
    const metadata = toMetadata(context);
    const toAppend: EventData[] = events.map((event, index) => ({ id: eventId(index), type: event.type, data: event.data, metadata }));
    try {
      const result: AppendResult = await store.append(streamName, toAppend, { expectedRevision: revision ?? 'no_stream' });
      const next = events.reduce(evolution.evolve, state);
      return { state: next, events, revision: result.nextRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw error;
    }
  }
}

export function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  decider: Decider<State, Command, Event>,
  streamName: string,
  command: Command,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandOutcome<State>> {
  return handle(store, streamName, decider, (state) => decider.decide(command, state), context, options);
}

export function toMetadata(context: CommandContext): EventMetadata {
  return {
    actorId: context.actorId,
    correlationId: context.correlationId,
    causationId: context.causationId,
    occurredAt: context.now.toISOString(),
  };
}
