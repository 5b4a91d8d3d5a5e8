import { Gauge, type Registry } from 'prom-client';
import type { ProjectionState, ProjectionStatus } from '../../projections/operations/projection-status';

const STATES: readonly ProjectionState[] = ['running', 'catching_up', 'rebuilding', 'stopped'];

/** A scrape waits this long for the projection status; past it, the gauges report it unavailable. */
export const PROJECTION_STATUS_TIMEOUT_MS = 5_000;

/**
 * The gauges of one scrape share one read. When it fails or takes too long, the scrape still
 * answers: `userledger_projection_status_up` is 0 and the per-projection gauges are empty.
 */
export function registerProjectionGauges(
  registry: Registry,
  read: () => Promise<readonly ProjectionStatus[]>,
  onFailure: (error: unknown) => void = () => {},
): void {
  let pending: Promise<readonly ProjectionStatus[] | undefined> | undefined;
  const statuses = (): Promise<readonly ProjectionStatus[] | undefined> => {
    pending ??= boundedRead(read, onFailure).finally(() => {
      pending = undefined;
    });
    return pending;
  };

  const gauge = (name: string, help: string, value: (status: ProjectionStatus) => number | undefined): void => {
    new Gauge({
      name,
      help,
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        const current = await statuses();
        this.reset();
        for (const status of current ?? []) {
          const number = value(status);
          if (number !== undefined) this.set({ projection: status.name }, number);
        }
      },
    });
  };

  new Gauge({
    name: 'userledger_projection_status_up',
    help: 'Whether this scrape could read the projection status (1) or not (0: the database or the event store did not answer).',
    registers: [registry],
    async collect() {
      this.set((await statuses()) === undefined ? 0 : 1);
    },
  });
  gauge(
    'userledger_projection_lag_events',
    'Events of the log after the projection\'s checkpoint (counted up to 10000).',
    (status) => status.lag.events,
  );
  gauge(
    'userledger_projection_lag_seconds',
    'Age of the oldest event of the log that the projection has not yet handled (0 when it is up to date).',
    (status) => status.lag.seconds,
  );
  gauge(
    'userledger_projection_checkpoint',
    'Global log position up to which the projection has handled events (absent before its first).',
    (status) => (status.checkpoint === null ? undefined : Number(status.checkpoint)),
  );
  gauge(
    'userledger_projection_stopped',
    'Whether the projection is stopped (1): a failing event, an operator\'s pause, or no worker holding its lease.',
    (status) => (status.state === 'stopped' ? 1 : 0),
  );
  new Gauge({
    name: 'userledger_projection_state',
    help: 'The projection\'s state: 1 for the current one of running, catching_up, rebuilding, stopped.',
    labelNames: ['projection', 'state'],
    registers: [registry],
    async collect() {
      const current = await statuses();
      this.reset();
      for (const status of current ?? []) {
        for (const state of STATES) this.set({ projection: status.name, state }, status.state === state ? 1 : 0);
      }
    },
  });
}

async function boundedRead(
  read: () => Promise<readonly ProjectionStatus[]>,
  onFailure: (error: unknown) => void,
): Promise<readonly ProjectionStatus[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`projection status took longer than ${PROJECTION_STATUS_TIMEOUT_MS} ms`)), PROJECTION_STATUS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read(), timedOut]);
  } catch (error) {
    onFailure(error);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
