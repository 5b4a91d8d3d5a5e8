import type { SubscribeOptions, Subscription } from './event-store';
import { catchUpSubscription, type CatchUpSource } from './catch-up-subscription';

/** Opens one subscription; it calls `onClose` when it ends, so the registry can forget it. */
export type SubscriptionFactory = (options: SubscribeOptions, onClose: () => void) => Subscription;

/** The subscriptions an adapter has handed out, so that closing the store ends them all. */
export class OpenSubscriptions {
  private readonly open = new Set<Subscription>();

  constructor(private readonly factory: SubscriptionFactory) {}

  static catchUp(source: CatchUpSource, defaultBatchSize: number): OpenSubscriptions {
    return new OpenSubscriptions((options, onClose) =>
      catchUpSubscription(source, { ...options, batchSize: options.batchSize ?? defaultBatchSize, onClose }),
    );
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = this.factory(options, () => this.open.delete(subscription));
    this.open.add(subscription);
    return subscription;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((subscription) => subscription.close()));
  }
}
