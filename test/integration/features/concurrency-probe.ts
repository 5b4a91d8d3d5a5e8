import type { EventStore } from '../../../src/shared/event-store/event-store';
import type { InterceptableStore } from './interceptable-store';

/**
 * Stages a lost race: once armed, the next append to `stream` first lets `rival` write to it,
 * so the append carries a revision that is no longer the stream's. Counts the appends tried.
 */
export class ConcurrencyProbe {
  appendsTried = 0;
  private armed = false;

  constructor(
    store: InterceptableStore & EventStore,
    private readonly stream: string,
    rival: () => Promise<unknown>,
  ) {
    store.intercept(async (streamName) => {
      if (streamName !== this.stream) return;
      this.appendsTried++;
      if (!this.armed) return;
      this.armed = false;
      store.intercept(undefined);
      await rival();
      store.intercept(async (name) => {
        if (name === this.stream) this.appendsTried++;
      });
    });
  }

  arm(): void {
    this.armed = true;
  }
}
