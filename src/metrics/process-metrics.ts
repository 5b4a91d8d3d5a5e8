import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { readProjectionStatus, type ProjectionStatus } from '../../projections/operations/projection-status';
import type { Database } from '../shared/database';
import type { EventStore } from '../shared/event-store/event-store';
import type { Logger } from '../shared/logger';
import { CountingEventStore, streamCategory } from './counting-event-store';
import { registerProjectionGauges } from './projection-gauges';

/** A registry of its own, never prom-client's global one, so that each app a test process builds counts only its own. */
export class ProcessMetrics {
  readonly registry = new Registry();
  private readonly appended: Counter<'category'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.appended = new Counter({
      name: 'userledger_events_appended_total',
      help: 'Events appended to the event store, by stream category (the stream name before its first "-").',
      labelNames: ['category'],
      registers: [this.registry],
    });
  }

  countingAppends(store: EventStore): EventStore {
    return new CountingEventStore(store, (streamName, count) => this.appended.inc({ category: streamCategory(streamName) }, count));
  }

  watchProjections(read: () => Promise<readonly ProjectionStatus[]>, onFailure?: (error: unknown) => void): void {
    registerProjectionGauges(this.registry, read, onFailure);
  }

  async send(response: ServerResponse): Promise<void> {
    let body: string;
    try {
      body = await this.registry.metrics();
    } catch {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      return;
    }
    response.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
  }
}

export function withProcessMetrics(
  enabled: boolean,
  database: Database,
  eventStore: EventStore,
  logger: Logger,
): { eventStore: EventStore; metrics: ProcessMetrics | undefined } {
  if (!enabled) return { eventStore, metrics: undefined };
  const metrics = new ProcessMetrics();
  metrics.watchProjections(
    () => readProjectionStatus(database, eventStore),
    (error) => logger.warn({ err: error }, 'metrics: the projection status could not be read'),
  );
  return { eventStore: metrics.countingAppends(eventStore), metrics };
}
