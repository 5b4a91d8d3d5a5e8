import type { Logger } from 'pino';
import { isConnectionError } from '../src/shared/database/connection-errors';
import type { Database } from '../src/shared/database/database';
import { EventSchemaVersionError, type EventCoordinates } from '../src/shared/event-schemas';
import { EventStoreUnavailableError, type EventStore, type GlobalPosition, type RecordedEvent } from '../src/shared/event-store/event-store';
import { CheckpointConflictError, isLease } from './checkpoint-store';
import type { CheckpointStore, Lease, Presence, StoppedEvent } from './checkpoint-store';
import { versionTable, type Processor, type ProjectionDefinition } from './projection';
import type { ProjectionPositions } from './projection-positions';
import type { ProjectionVersions } from './projection-versions';
import { ReadModelsFromAnotherLogError } from './read-model-source';
import { backoffMs, sleep } from './sleep';

/** What one runner keeps up to date: a read model (its live version), or a reaction with only a checkpoint. */
export type Job =
  | { readonly kind: 'projection'; readonly projection: ProjectionDefinition }
  | { readonly kind: 'processor'; readonly processor: Processor };

export interface RunnerDependencies {
  readonly db: Database;
  readonly eventStore: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly versions: ProjectionVersions;
  readonly positions: ProjectionPositions;
  readonly logger: Logger;
  /** The worker's database session, named in its leases. */
  readonly presence: () => Promise<Presence | undefined>;
  /** Throws when the event store no longer serves the log the read tables came from. */
  readonly checkLog: () => Promise<void>;
  /** Registers for the operator tools' announcements (the projection or checkpoint named). */
  readonly onChange: (listener: (name: string) => void) => void;
}

export interface RunnerSettings {
  readonly owner: string;
  readonly leaseTtlMs: number;
  readonly renewEveryMs: number;
  /** How often to try again for a lease another worker holds, or a checkpoint that is stopped. */
  readonly leaseRetryMs: number;
  readonly batchSize: number | undefined;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Failed attempts at one batch before the runner finds the event that fails and stops there. */
  readonly maxAttempts: number;
  /**
   * How often an active runner checks again that the event store serves the log its checkpoint
   * points into. A subscription that reconnects by itself (EventStoreDB) to a server restarted
   * empty would otherwise wait, silently, past every position of the new log.
   */
  readonly logCheckEveryMs: number;
}

/** What a runner is doing, for health and status. */
export interface RunnerState {
  readonly name: string;
  readonly kind: 'projection' | 'reaction';
  /** The checkpoint row it runs (a projection's live version, e.g. `users_v1`). */
  readonly checkpoint: string | undefined;
  readonly role: 'starting' | 'active' | 'standby' | 'stopped';
  readonly since: Date;
  /** Who holds the lease while this runner stands by. */
  readonly holder?: string;
  /** Why it stopped. */
  readonly reason?: string;
  readonly position?: GlobalPosition;
}

/** A batch failed for a reason other than the infrastructure or a lost lease. */
class BatchFailure extends Error {
  constructor(override readonly cause: unknown, readonly event: EventCoordinates | undefined, message = cause instanceof Error ? cause.message : String(cause)) {
    super(message);
  }
}

/**
 * Runs one projection or processor: take the lease, subscribe from the checkpoint, and at each
 * subscription checkpoint commit the batch and the new checkpoint together. A failure of the
 * infrastructure, or a lost lease, ends the subscription; the runner backs off, re-reads its
 * checkpoint and goes on. A batch that keeps failing on its own is taken apart: what comes
 * before the failing event is committed, and the checkpoint stops at that event, named.
 */
export class ProjectionRunner {
  readonly name: string;
  private readonly stopping = new AbortController();
  private readonly log: Logger;
  private current: AbortController | undefined;
  private closeSubscription: (() => Promise<void>) | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;
  private attemptsAt: { position: GlobalPosition | undefined; attempts: number } = { position: undefined, attempts: 0 };
  private state: RunnerState;

  constructor(
    private readonly job: Job,
    private readonly deps: RunnerDependencies,
    private readonly settings: RunnerSettings,
  ) {
    this.name = job.kind === 'projection' ? job.projection.name : job.processor.name;
    this.log = deps.logger.child({ projection: this.name });
    this.state = { name: this.name, kind: job.kind === 'projection' ? 'projection' : 'reaction', checkpoint: undefined, role: 'starting', since: new Date() };
    // A switch, pause or reset of this projection: let go of the subscription now and take
    // the lease again (a new version, a stop, a checkpoint back at the start).
    deps.onChange((name) => {
      if (name !== this.name && name !== this.state.checkpoint) return;
      this.current?.abort();
      void this.closeSubscription?.();
    });
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

  snapshot(): RunnerState {
    return this.state;
  }

  private become(change: Omit<RunnerState, 'name' | 'kind' | 'since'>): void {
    const same = this.state.role === change.role && this.state.checkpoint === change.checkpoint && this.state.holder === change.holder;
    const previous = this.state;
    this.state = { ...this.state, ...change, since: same ? this.state.since : new Date() };
    if (!same) {
      if (change.role === 'active' && previous.role === 'standby') {
        this.log.info({ checkpoint: change.checkpoint, position: change.position?.toString(), previousHolder: previous.holder }, `active: took over ${this.name} from ${previous.holder ?? 'another worker'}`);
      } else if (change.role === 'active') this.log.info({ checkpoint: change.checkpoint, position: change.position?.toString() }, 'active: took the lease');
      if (change.role === 'standby') this.log.info({ checkpoint: change.checkpoint, holder: change.holder }, 'standby: another worker holds the lease');
      if (change.role === 'stopped') this.log.warn({ checkpoint: change.checkpoint, reason: change.reason }, 'stopped');
    }
  }

  private async checkpointName(): Promise<string> {
    if (this.job.kind === 'processor') return this.job.processor.name;
    const record = await this.deps.versions.ensure(this.job.projection);
    return versionTable(this.job.projection.name, record.liveVersion);
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let held: Lease | undefined;
    while (!signal.aborted) {
      let checkpoint: string | undefined;
      let outcome: Awaited<ReturnType<CheckpointStore['acquire']>>;
      try {
        checkpoint = await this.checkpointName();
        outcome = await this.deps.checkpoints.acquire(checkpoint, this.settings.owner, this.settings.leaseTtlMs, await this.deps.presence());
      } catch (error) {
        this.log.error({ err: error }, 'could not take the projection lease; retrying');
        await sleep(this.backoff(), signal);
        continue;
      }
      if (!isLease(outcome)) {
        held = undefined;
        if (outcome.kind === 'held') this.become({ role: 'standby', checkpoint, holder: outcome.owner });
        else this.become({ role: 'stopped', checkpoint, reason: outcome.reason });
        await sleep(this.settings.leaseRetryMs, signal);
        continue;
      }
      held = outcome;
      this.become({ role: 'active', checkpoint, ...(outcome.position === undefined ? {} : { position: outcome.position }) });
      const result = await this.consume(outcome);
      if (result === 'lease_lost') held = undefined;
      if (result === 'failed') await sleep(this.backoff(), signal);
    }
    if (held !== undefined) await this.release(held);
  }

  private async consume(lease: Lease): Promise<'stopped' | 'lease_lost' | 'failed'> {
    const current = new AbortController();
    this.current = current;
    if (this.stopping.signal.aborted) current.abort();
    const renewal = setInterval(() => void this.renew(lease, current), this.settings.renewEveryMs);
    renewal.unref();
    let mismatch: ReadModelsFromAnotherLogError | undefined;
    const logCheck = setInterval(() => {
      this.deps.checkLog().catch((error: unknown) => {
        if (!(error instanceof ReadModelsFromAnotherLogError) || current.signal.aborted) return;
        mismatch = error;
        current.abort();
        void this.closeSubscription?.();
      });
    }, this.settings.logCheckEveryMs);
    logCheck.unref();
    try {
      await this.deps.checkLog();
      await this.follow(lease, current.signal);
      if (mismatch !== undefined) return this.stopForLogMismatch(lease, mismatch);
      if (this.stopping.signal.aborted) return 'stopped';
      if (current.signal.aborted) return 'lease_lost';
      this.log.warn('subscription ended; resubscribing from the checkpoint');
      return 'failed';
    } catch (error) {
      if (error instanceof CheckpointConflictError) {
        this.log.warn({ err: error }, 'checkpoint compare failed; batch rolled back, re-reading the checkpoint');
        return 'lease_lost';
      }
      if (error instanceof BatchFailure) return this.onBatchFailure(lease, error);
      // The subscription could not upcast it: this release cannot apply it, like a poison event.
      if (error instanceof EventSchemaVersionError) return this.onBatchFailure(lease, new BatchFailure(error, error.event, error.problem));
      if (error instanceof ReadModelsFromAnotherLogError) return this.stopForLogMismatch(lease, error);
      if (mismatch !== undefined) return this.stopForLogMismatch(lease, mismatch);
      this.log.error({ err: error }, 'projection batch failed; rolled back, retrying from the checkpoint');
      return 'failed';
    } finally {
      clearInterval(renewal);
      clearInterval(logCheck);
      this.current = undefined;
    }
  }

  /** The event store serves another log: stop here, named, for status, health, /ready and the log to show. */
  private async stopForLogMismatch(lease: Lease, error: ReadModelsFromAnotherLogError): Promise<'lease_lost'> {
    this.log.error({ err: error }, 'projection stopped: the event store serves another log than the read tables came from');
    await this.deps.checkpoints.stop(lease.name, `event log mismatch: ${error.message}`).catch(() => undefined);
    return 'lease_lost';
  }

  /** Subscribes from the lease's checkpoint and commits page by page until aborted or failed. */
  private async follow(lease: Lease, signal: AbortSignal): Promise<void> {
    let position = lease.position;
    const filter = this.job.kind === 'projection' ? this.job.projection.filter : this.job.processor.filter;
    const subscription = this.deps.eventStore.subscribe({
      ...(position === undefined ? {} : { after: position }),
      ...(filter === undefined ? {} : { filter }),
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
          if (event.position === lease.skipPosition) {
            this.log.warn({ position: event.position.toString(), type: event.type, stream: event.streamName }, 'skipping the event an operator chose to skip');
            continue;
          }
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
    } catch (error) {
      // An event this release cannot read ends the subscription at it: what precedes it is committed first.
      const last = batch[batch.length - 1];
      if (error instanceof EventSchemaVersionError && last !== undefined) await this.commit(lease, position, last.position, batch);
      throw error;
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
    try {
      await processor.handle(event);
    } catch (error) {
      if (isInfrastructure(error)) throw error;
      throw new BatchFailure(error, event);
    }
    return true;
  }

  private async commit(lease: Lease, from: GlobalPosition | undefined, to: GlobalPosition, batch: readonly RecordedEvent[]): Promise<void> {
    try {
      await this.deps.db.transaction(async (trx) => {
        if (this.job.kind === 'projection' && batch.length > 0) await this.job.projection.apply(trx, lease.name, batch);
        await this.deps.checkpoints.advance(trx, lease, from, to, this.settings.leaseTtlMs);
      });
    } catch (error) {
      if (error instanceof CheckpointConflictError || isInfrastructure(error)) throw error;
      throw new BatchFailure(error, batch.length === 1 ? batch[0] : undefined);
    }
    this.failures = 0;
    this.attemptsAt = { position: undefined, attempts: 0 };
    this.deps.positions.observe(this.name, to);
    this.state = { ...this.state, position: to };
  }

  /**
   * The same batch failed again. Below the limit: retry it, backing off. At the limit: apply its
   * events one at a time, so what precedes the failing event is committed, then stop the
   * checkpoint at that event, with the reason, for an operator to see.
   */
  private async onBatchFailure(lease: Lease, failure: BatchFailure): Promise<'failed' | 'lease_lost'> {
    const at = this.state.position ?? lease.position;
    this.attemptsAt = this.attemptsAt.position === at ? { position: at, attempts: this.attemptsAt.attempts + 1 } : { position: at, attempts: 1 };
    this.log.warn({ err: failure.cause, attempt: this.attemptsAt.attempts, position: at?.toString() }, 'batch could not be applied; retrying');
    if (this.attemptsAt.attempts < this.settings.maxAttempts) return 'failed';
    const poison = failure.event ?? (await this.findFailingEvent(lease));
    if (poison === undefined) return 'failed';
    const event: StoppedEvent = {
      position: poison.position.toString(),
      id: poison.id,
      stream: poison.streamName,
      type: poison.type,
      revision: poison.revision.toString(),
    };
    const reason = `cannot apply ${poison.type} at position ${poison.position} (stream ${poison.streamName}): ${failure.message}`;
    this.log.error({ event, err: failure.cause }, `projection stopped: ${reason}`);
    await this.deps.checkpoints.stop(lease.name, reason, event);
    this.attemptsAt = { position: undefined, attempts: 0 };
    return 'lease_lost';
  }

  /** Applies the next page's events one by one, committing each, and answers the first that fails. */
  private async findFailingEvent(lease: Lease): Promise<RecordedEvent | undefined> {
    if (this.job.kind !== 'projection') return undefined;
    const filter = this.job.projection.filter;
    let position = this.state.position ?? lease.position;
    const page = await this.deps.eventStore.readAll({
      ...(position === undefined ? {} : { after: position }),
      ...(filter === undefined ? {} : { filter }),
      maxCount: this.settings.batchSize ?? 500,
    });
    for (const event of page.events) {
      if (event.position === lease.skipPosition) continue;
      try {
        await this.commit(lease, position, event.position, [event]);
      } catch (error) {
        if (error instanceof BatchFailure) return event;
        throw error;
      }
      position = event.position;
    }
    return undefined;
  }

  private async renew(lease: Lease, current: AbortController): Promise<void> {
    try {
      if (await this.deps.checkpoints.renew(lease, this.settings.leaseTtlMs, await this.deps.presence())) return;
      this.log.warn('projection lease was taken by another worker, or the projection was stopped; stepping back');
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

  /** The next wait after a failure; consecutive failures (no commit between them) double it. */
  private backoff(): number {
    this.failures++;
    return backoffMs(this.failures, this.settings.retryInitialMs, this.settings.retryMaxMs);
  }
}

/** Failures of the database or the event store: the batch is retried for as long as they last, never called poison. */
function isInfrastructure(error: unknown): boolean {
  return error instanceof EventStoreUnavailableError || isConnectionError(error);
}
