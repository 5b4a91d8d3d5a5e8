import { expect } from 'chai';
import pino from 'pino';
import { loadSettings } from '../../src/config/load-settings';
import { withProcessMetrics } from '../../src/metrics/process-metrics';
import { startServiceOn, type RunningService } from '../../src/service';
import type { Database } from '../../src/shared/database';
import type { EventStore } from '../../src/shared/event-store/event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { valueOf } from '../support/prometheus-text';
import { eventually } from '../support/eventually';
import type { TcpProxy } from '../support/tcp-proxy';
import { openTestDatabaseThroughProxy } from '../support/test-database';

/** PostgreSQL goes away (a TCP proxy in front of it is cut) while something scrapes /metrics. */
describe('GET /metrics when the database is unreachable', function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let database: Database;
  let store: EventStore;
  let service: RunningService;

  before(async () => {
    ({ proxy, database } = await openTestDatabaseThroughProxy());
    const logger = pino({ level: 'silent' });
    const { eventStore, metrics } = withProcessMetrics(true, database, new PgEventStore(database), logger);
    store = eventStore;
    const { settings } = loadSettings({ APP_ENV: 'test', PORT: '0' });
    service = await startServiceOn({ settings, logger, database, eventStore, ...(metrics ? { metrics } : {}) }, { host: '127.0.0.1' });
  });

  after(async () => {
    await service?.stop();
    await store?.close();
    await database?.close();
    await proxy?.close();
  });

  const scrape = async (): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${service.url}/metrics`);
    return { status: response.status, text: await response.text() };
  };

  it('still answers with the process metrics, says the projection status is down, and recovers', async () => {
    const before = await scrape();
    expect(before.status).to.equal(200);
    expect(valueOf(before.text, 'userledger_projection_status_up')).to.equal(1);

    proxy.cut();
    const during = await scrape();
    expect(during.status).to.equal(200);
    expect(valueOf(during.text, 'userledger_projection_status_up')).to.equal(0);
    expect(valueOf(during.text, 'userledger_projection_lag_events', { projection: 'users' })).to.equal(undefined);
    expect(valueOf(during.text, 'process_resident_memory_bytes')).to.be.greaterThan(0);

    proxy.restore();
    const after = await eventually('the projection status gauge to be up again', async () => {
      const scraped = await scrape();
      return valueOf(scraped.text, 'userledger_projection_status_up') === 1 && scraped;
    }, 15_000);
    expect(valueOf(after.text, 'userledger_projection_lag_events', { projection: 'users' })).to.be.a('number');
  });
});
