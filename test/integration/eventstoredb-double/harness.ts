import { randomUUID } from 'node:crypto';
import type { AllStreamResolvedEvent, ResolvedEvent, StreamSubscription, AllStreamSubscription } from '@eventstore/db-client';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStoreDbDouble, EventStoreDbDoubleOptions } from '../../support/eventstoredb-double';
import { startEventStoreDbDouble } from '../../support/eventstoredb-double';
import { eventually } from '../../support/eventually';
import { rejection } from '../../support/rejection';

export { rejection };

/** Set to run the rule tests against a real EventStoreDB instead of the double (proves the double's fidelity). */
const REAL_SERVER = process.env.EVENTSTORE_CONNECTION_STRING;

/** Tests that need a knob only the double has are registered only when the double is the target. */
export const againstTheDouble = REAL_SERVER === undefined || REAL_SERVER === '';

export interface Target {
  readonly client: EventStoreDBClient;
  /** Only when the double is the target. */
  readonly double: EventStoreDbDouble | undefined;
  /** A client of the same server whose appends answer `success: false` instead of throwing. */
  readonly lenientClient: EventStoreDBClient;
}

/**
 * Mocha hooks giving each describe block a server (a fresh double, or the real server) and clients of it.
 * Double options only apply to the double; blocks that need them are registered only against it.
 */
export function useEventStore(options: EventStoreDbDoubleOptions = {}): Target {
  const state: { client?: EventStoreDBClient; lenient?: EventStoreDBClient; double?: EventStoreDbDouble } = {};
  before(async () => {
    if (againstTheDouble) state.double = await startEventStoreDbDouble(options);
    const connectionString = state.double?.connectionString ?? (REAL_SERVER as string);
    state.client = EventStoreDBClient.connectionString(connectionString);
    const separator = connectionString.includes('?') ? '&' : '?';
    state.lenient = EventStoreDBClient.connectionString(`${connectionString}${separator}throwOnAppendFailure=false`);
  });
  after(async () => {
    await state.client?.dispose();
    await state.lenient?.dispose();
    await state.double?.close();
  });
  return {
    get client() {
      return state.client as EventStoreDBClient;
    },
    get lenientClient() {
      return state.lenient as EventStoreDBClient;
    },
    get double() {
      return state.double;
    },
  };
}

/** Unique per test, so a real server's other streams never interfere. */
export const aStreamName = (prefix = 'rule'): string => `${prefix}-${randomUUID()}`;

/** A type nobody else writes, for `$all` assertions scoped to this test. */
export const aUniqueType = (prefix = 'Rule'): string => `${prefix}${randomUUID().replace(/-/g, '')}`;


export async function collect<E>(iterable: AsyncIterable<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export async function readStreamEvents(client: EventStoreDBClient, streamName: string, options: Parameters<EventStoreDBClient['readStream']>[1] = {}): Promise<ResolvedEvent[]> {
  return collect(client.readStream(streamName, options));
}

export type ProbeEntry = { readonly kind: 'confirmation' } | { readonly kind: 'caughtUp' } | { readonly kind: 'event'; readonly event: AllStreamResolvedEvent | ResolvedEvent } | { readonly kind: 'error'; readonly error: Error } | { readonly kind: 'end' };

/** Records what a subscription surfaces, in order, keeping only events `keep` accepts (a real server has others). */
export class SubscriptionProbe {
  readonly entries: ProbeEntry[] = [];

  constructor(
    readonly subscription: StreamSubscription | AllStreamSubscription,
    keep: (event: AllStreamResolvedEvent | ResolvedEvent) => boolean = () => true,
  ) {
    subscription.on('confirmation', () => this.entries.push({ kind: 'confirmation' }));
    subscription.on('caughtUp', () => this.entries.push({ kind: 'caughtUp' }));
    subscription.on('data', (event: AllStreamResolvedEvent | ResolvedEvent) => {
      if (keep(event)) this.entries.push({ kind: 'event', event });
    });
    subscription.on('error', (error: Error) => this.entries.push({ kind: 'error', error }));
    subscription.on('end', () => this.entries.push({ kind: 'end' }));
  }

  get events(): (AllStreamResolvedEvent | ResolvedEvent)[] {
    return this.entries.flatMap((entry) => (entry.kind === 'event' ? [entry.event] : []));
  }

  /** The sequence as short labels: `confirmation`, `caughtUp`, or the event's type. */
  get labels(): string[] {
    return this.entries.map((entry) => (entry.kind === 'event' ? (entry.event.event?.type ?? '<unresolved>') : entry.kind));
  }

  get error(): Error | undefined {
    const entry = this.entries.find((candidate) => candidate.kind === 'error');
    return entry?.kind === 'error' ? entry.error : undefined;
  }

  has(kind: ProbeEntry['kind']): boolean {
    return this.entries.some((entry) => entry.kind === kind);
  }

  async until(condition: (probe: SubscriptionProbe) => boolean, what: string): Promise<void> {
    await eventually(what, () => condition(this));
  }

  async stop(): Promise<void> {
    await this.subscription.unsubscribe();
  }
}
