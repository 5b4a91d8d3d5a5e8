import type { EventStore, RecordedEvent, SubscribeOptions, Subscription, SubscriptionMessage } from '../../../../src/shared/event-store/event-store';

/** Guards against a hang only; no test asserts on how fast anything is. */
const GUARD_MS = 10_000;

/** Consumes a subscription in the background so a test can wait for what it has seen so far. */
export class SubscriptionProbe {
  readonly messages: SubscriptionMessage[] = [];
  readonly ended: Promise<void>;
  private readonly subscription: Subscription;
  private wake: () => void = () => undefined;
  private failure: unknown;

  constructor(store: EventStore, options: SubscribeOptions = {}) {
    const subscription = store.subscribe(options);
    this.subscription = subscription;
    this.ended = (async () => {
      try {
        for await (const message of subscription) {
          this.messages.push(message);
          this.wake();
        }
      } catch (error) {
        this.failure = error;
      } finally {
        this.wake();
      }
    })();
  }

  get events(): RecordedEvent[] {
    return this.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
  }

  async waitFor(description: string, done: (probe: SubscriptionProbe) => boolean): Promise<void> {
    const deadline = Date.now() + GUARD_MS;
    while (!done(this)) {
      if (this.failure !== undefined) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Subscription never showed ${description}; saw ${JSON.stringify(this.summary())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  waitForEvents(count: number): Promise<void> {
    return this.waitFor(`${count} events`, (p) => p.events.length >= count);
  }

  waitForCaughtUp(): Promise<void> {
    return this.waitFor('caught_up', (p) => p.messages.some((m) => m.type === 'caught_up'));
  }

  summary(): string[] {
    return this.messages.map((m) => (m.type === 'event' ? `event:${m.event.streamName}@${m.event.revision}` : m.type));
  }

  async close(): Promise<void> {
    await this.subscription.close();
    await this.ended;
  }
}
