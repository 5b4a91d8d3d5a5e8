import type { GlobalPosition } from '../src/shared/event-store/event-store';
import type { CheckpointStore } from './checkpoint-store';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * How far each projection has come, for read-your-writes: commits of this process wake waiters
 * at once; projections run by another process are seen by polling their checkpoint row.
 */
export class ProjectionPositions {
  private readonly local = new Map<string, GlobalPosition>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly store: CheckpointStore,
    private readonly pollIntervalMs = 100,
  ) {}

  /** Records a checkpoint seen committed (by this process, or read from the database). */
  observe(name: string, position: GlobalPosition): void {
    const known = this.local.get(name);
    if (known === undefined || position > known) this.local.set(name, position);
    for (const wake of [...this.waiters]) wake();
  }

  /** The last position this process saw committed for the projection. */
  positionOf(name: string): GlobalPosition | undefined {
    return this.local.get(name);
  }

  /** Resolves true once the projection's checkpoint is at or past `position`, false on timeout or abort. */
  async waitUntilPassed(name: string, position: GlobalPosition, options: WaitOptions): Promise<boolean> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      if (this.hasPassed(name, position)) return true;
      const stored = await this.store.positionOf(name);
      if (stored !== undefined) this.observe(name, stored);
      if (this.hasPassed(name, position)) return true;
      const left = deadline - Date.now();
      if (left <= 0 || options.signal?.aborted === true) return false;
      await this.nextChange(Math.min(left, this.pollIntervalMs), options.signal);
    }
  }

  private hasPassed(name: string, position: GlobalPosition): boolean {
    const known = this.local.get(name);
    return known !== undefined && known >= position;
  }

  private nextChange(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
