import type { SubscribeOptions, Subscription } from './event-store';
import { catchUpSubscription, type CatchUpSource } from './catch-up-subscription';

/**
 * The catch-up subscriptions an adapter has handed out, so that closing the store ends
 * them all. Both adapters open subscriptions the same way; only their source differs.
 */
export class OpenSubscriptions {
  private readonly open = new Set<Subscription>();

  constructor(
    private readonly source: CatchUpSource,
    private readonly defaultBatchSize: number,
  ) {}

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = catchUpSubscription(this.source, {
      ...options,
      batchSize: options.batchSize ?? this.defaultBatchSize,
      onClose: () => this.open.delete(subscription),
    });
    this.open.add(subscription);
    return subscription;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((subscription) => subscription.close()));
  }
}
