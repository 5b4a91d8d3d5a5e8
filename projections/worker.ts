import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../src/shared/database/database';
import type { EventStore, GlobalPosition } from '../src/shared/event-store/event-store';
import { CheckpointStore, DEFAULT_LEASE_TTL_MS } from './checkpoint-store';
import type { Processor, ProjectionDefinition } from './projection';
import { ProjectionPositions } from './projection-positions';
import { ProjectionRunner } from './projection-runner';
import type { Job, RunnerSettings, RunnerState } from './projection-runner';
import { ProjectionVersions } from './projection-versions';
import { WorkerPresence } from './worker-presence';

export interface ProjectionWorkerOptions {
  readonly db: Database;
  readonly eventStore: EventStore;
  readonly logger: Logger;
  readonly projections?: readonly ProjectionDefinition[];
  readonly processors?: readonly Processor[];
  /** Throws when the event store serves another log than the read tables came from; checked at every (re)subscription. */
  readonly checkLog?: () => Promise<void>;
  /** Positions shared with readers that wait for read-your-writes; one is made when omitted. */
  readonly positions?: ProjectionPositions;
  /** Lease owner name; defaults to host, pid and a random suffix. */
  readonly owner?: string;
  /**
   * How long a lease outlives its last renewal (DEFAULT_LEASE_TTL_MS, 10 s, by default): the failover time when the
   * holder hangs. A holder that dies is replaced sooner: its database session ends with it.
   */
  readonly leaseTtlMs?: number;
  /** Defaults to a third of the lease time. */
  readonly renewEveryMs?: number;
  /** How often a worker without the lease tries again; defaults to 250 ms. */
  readonly leaseRetryMs?: number;
  /** Events per subscription page, hence per transaction at most; the store's default when omitted. */
  readonly batchSize?: number;
  /** Backoff after a failed batch: doubles from the initial value up to the maximum (100 ms, 10 s). */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Failed attempts at one batch before the worker stops the projection at the failing event (5). */
  readonly maxAttempts?: number;
  /** How often an active runner checks the log identity again (5 s). */
  readonly logCheckEveryMs?: number;
}

/**
 * Runs projections and processors, each under its own lease so that exactly one worker across
 * processes runs it, with rows and checkpoint committed together.
 */
export class ProjectionWorker {
  readonly positions: ProjectionPositions;
  private readonly runners: ProjectionRunner[];
  private readonly presence: WorkerPresence;
  private started = false;

  constructor(options: ProjectionWorkerOptions) {
    const checkpoints = new CheckpointStore(options.db);
    this.positions = options.positions ?? new ProjectionPositions(checkpoints);
    this.presence = new WorkerPresence(options.db);
    const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const settings: RunnerSettings = {
      owner: options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseTtlMs,
      renewEveryMs: options.renewEveryMs ?? Math.max(1, Math.floor(leaseTtlMs / 3)),
      leaseRetryMs: options.leaseRetryMs ?? 250,
      batchSize: options.batchSize ?? 1_000,
      retryInitialMs: options.retryInitialMs ?? 100,
      retryMaxMs: options.retryMaxMs ?? 10_000,
      maxAttempts: options.maxAttempts ?? 5,
      logCheckEveryMs: options.logCheckEveryMs ?? 5_000,
    };
    const jobs: Job[] = [
      ...(options.projections ?? []).map((projection): Job => ({ kind: 'projection', projection })),
      ...(options.processors ?? []).map((processor): Job => ({ kind: 'processor', processor })),
    ];
    const dependencies = {
      db: options.db,
      eventStore: options.eventStore,
      logger: options.logger,
      checkpoints,
      versions: new ProjectionVersions(options.db),
      positions: this.positions,
      presence: () => this.presence.presence(),
      checkLog: options.checkLog ?? (async () => undefined),
      onChange: (listener: (name: string) => void) => this.presence.onChange(listener),
    };
    this.runners = jobs.map((job) => new ProjectionRunner(job, dependencies, settings));
    const names = this.runners.map((runner) => runner.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new Error(`Projection '${duplicate}' is registered twice.`);
  }

  /** Starts every runner in the background; failures are logged and retried, never thrown. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const runner of this.runners) runner.start();
  }

  /** Finishes the batches in flight and releases the leases. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.presence.close();
  }

  /** What each runner is doing (active, standby, stopped), for health. */
  states(): RunnerState[] {
    return this.runners.map((runner) => runner.snapshot());
  }

  /** The projections' and processors' names, i.e. their checkpoint rows. */
  get names(): readonly string[] {
    return this.runners.map((runner) => runner.name);
  }

  /** The last checkpoint this process saw for the projection. */
  positionOf(name: string): GlobalPosition | undefined {
    return this.positions.positionOf(name);
  }

  /** True once the projection has passed `position` (inclusive), false after the timeout. */
  waitUntilPassed(name: string, position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return this.positions.waitUntilPassed(name, position, { timeoutMs });
  }
}
