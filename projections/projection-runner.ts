import type { Logger } from 'pino';
import type { Database } from '../src/shared/database/database';
import type { EventStore, GlobalPosition, RecordedEvent } from '../src/shared/event-store/event-store';
import { CheckpointConflictError } from './checkpoint-store';
import type { CheckpointStore, Lease } from './checkpoint-store';
import type { Processor, Projection } from './projection';
import type { ProjectionPositions } from './projection-positions';
import { backoffMs, sleep } from './sleep';

/** What one runner keeps up to date: a read model, or a reaction with only a checkpoint. */
export type Job =
  | { readonly kind: 'projection'; readonly projection: Projection }
  | { readonly kind: 'processor'; readonly processor: Processor };

export interface RunnerDependencies {
  readonly db: Database;
  readonly eventStore: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly positions: ProjectionPositions;
  readonly logger: Logger;
}

export interface RunnerSettings {
  readonly owner: string;
  readonly leaseTtlMs: number;
  readonly renewEveryMs: number;
  /** How often to try again for a lease another worker holds. */
  readonly leaseRetryMs: number;
  readonly batchSize: number | undefined;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/**
 * Runs one projection or processor: take the lease, subscribe from the checkpoint, and at each
 * subscription checkpoint commit the batch and the new checkpoint together. Any failure ends
 * the subscription; the runner backs off, re-reads its checkpoint and goes on.
 */
export class ProjectionRunner {
  readonly name: string;
  private readonly stopping = new AbortController();
  private readonly log: Logger;
  private current: AbortController | undefined;
  private closeSubscription: (() => Promise<void>) | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly job: Job,
    private readonly deps: RunnerDependencies,
    private readonly settings: RunnerSettings,
  ) {
    this.name = job.kind === 'projection' ? job.projection.name : job.processor.name;
    this.log = deps.logger.child({ projection: this.name });
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Lets an in-flight commit finish, commits what was already handled, and releases the lease. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.current?.abort();
    await this.closeSubscription?.();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let held: Lease | undefined;
    while (!signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await this.deps.checkpoints.acquire(this.name, this.settings.owner, this.settings.leaseTtlMs);
      } catch (error) {
        this.log.error({ err: error }, 'could not take the projection lease; retrying');
        await sleep(this.backoff(), signal);
        continue;
      }
      held = lease;
      if (lease === undefined) {
        await sleep(this.settings.leaseRetryMs, signal);
        continue;
      }
      this.log.debug({ token: lease.token.toString(), position: lease.position?.toString() }, 'projection lease taken');
      const outcome = await this.consume(lease);
      if (outcome === 'lease_lost') held = undefined;
      if (outcome === 'failed') await sleep(this.backoff(), signal);
    }
    if (held !== undefined) await this.release(held);
  }

  private async consume(lease: Lease): Promise<'stopped' | 'lease_lost' | 'failed'> {
    const current = new AbortController();
    this.current = current;
    if (this.stopping.signal.aborted) current.abort();
    const renewal = setInterval(() => void this.renew(lease, current), this.settings.renewEveryMs);
    renewal.unref();
    try {
      await this.follow(lease, current.signal);
      if (this.stopping.signal.aborted) return 'stopped';
      if (current.signal.aborted) return 'lease_lost';
      this.log.warn('subscription ended; resubscribing from the checkpoint');
      return 'failed';
    } catch (error) {
      if (error instanceof CheckpointConflictError) {
        this.log.warn({ err: error }, 'checkpoint compare failed; batch rolled back, re-reading the checkpoint');
      } else {
        this.log.error({ err: error }, 'projection batch failed; rolled back, retrying from the checkpoint');
      }
      return 'failed';
    } finally {
      clearInterval(renewal);
      this.current = undefined;
    }
  }

  /** Subscribes from the lease's checkpoint and commits page by page until aborted or failed. */
  private async follow(lease: Lease, signal: AbortSignal): Promise<void> {
    let position = lease.position;
    const subscription = this.deps.eventStore.subscribe({
      ...(position === undefined ? {} : { after: position }),
      ...(this.filter === undefined ? {} : { filter: this.filter }),
      ...(this.settings.batchSize === undefined ? {} : { batchSize: this.settings.batchSize }),
    });
    this.closeSubscription = () => subscription.close();
    const batch: RecordedEvent[] = [];
    try {
      if (signal.aborted) return;
      for await (const message of subscription) {
        if (message.type === 'event') {
          const { event } = message;
          if (position !== undefined && event.position <= position) continue;
          if (!(await this.handle(event, signal))) break;
          batch.push(event);
          continue;
        }
        const to = message.position;
        if (to === undefined || (position !== undefined && to <= position)) continue;
        await this.commit(lease, position, to, batch);
        position = to;
        batch.length = 0;
        if (signal.aborted) break;
      }
      const last = batch[batch.length - 1];
      if (last !== undefined && this.stopping.signal.aborted) await this.commit(lease, position, last.position, batch);
    } finally {
      this.closeSubscription = undefined;
      await subscription.close();
    }
  }

  /** Processors act on each event before the checkpoint may pass it; projections act at commit. */
  private async handle(event: RecordedEvent, signal: AbortSignal): Promise<boolean> {
    if (this.job.kind === 'projection') return true;
    const { processor } = this.job;
    for (const dependency of processor.waitFor ?? []) {
      while (!(await this.deps.positions.waitUntilPassed(dependency, event.position, { timeoutMs: 10_000, signal }))) {
        if (signal.aborted) return false;
        this.log.warn({ dependency, position: event.position.toString() }, 'waiting for a projection to pass the event');
      }
    }
    if (signal.aborted) return false;
    await processor.handle(event);
    return true;
  }

  private async commit(lease: Lease, from: GlobalPosition | undefined, to: GlobalPosition, batch: readonly RecordedEvent[]): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      if (this.job.kind === 'projection' && batch.length > 0) await this.job.projection.apply(trx, batch);
      await this.deps.checkpoints.advance(trx, lease, from, to, this.settings.leaseTtlMs);
    });
    this.failures = 0;
    this.deps.positions.observe(this.name, to);
  }

  private async renew(lease: Lease, current: AbortController): Promise<void> {
    try {
      if (await this.deps.checkpoints.renew(lease, this.settings.leaseTtlMs)) return;
      this.log.warn('projection lease was taken by another worker; stepping back');
      current.abort();
      await this.closeSubscription?.();
    } catch (error) {
      this.log.warn({ err: error }, 'could not renew the projection lease');
    }
  }

  private async release(lease: Lease): Promise<void> {
    try {
      await this.deps.checkpoints.release(lease);
    } catch (error) {
      this.log.warn({ err: error }, 'could not release the projection lease; it will expire');
    }
  }

  private get filter(): Projection['filter'] {
    return this.job.kind === 'projection' ? this.job.projection.filter : this.job.processor.filter;
  }

  /** The next wait after a failure; consecutive failures (no commit between them) double it. */
  private backoff(): number {
    this.failures++;
    return backoffMs(this.failures, this.settings.retryInitialMs, this.settings.retryMaxMs);
  }
}
