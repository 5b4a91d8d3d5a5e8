import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import sinon from 'sinon';
import { ProcessMetrics } from '../../../src/metrics/process-metrics';
import { PROJECTION_STATUS_TIMEOUT_MS } from '../../../src/metrics/projection-gauges';
import type { ProjectionStatus } from '../../../projections/operations/projection-status';
import { WrongExpectedVersionError, type EventData } from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';
import { samplesNamed, valueOf } from '../../support/prometheus-text';
import { rejection } from '../../support/rejection';

const anEvent = (): EventData => ({
  id: crypto.randomUUID(),
  type: 'ThingHappened',
  data: {},
  metadata: { actorId: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T12:00:00.000Z' },
});

/** What `send` writes: the status, the content type and the body. */
async function scrape(metrics: ProcessMetrics): Promise<{ status: number; contentType: string; text: string }> {
  let reply = { status: 0, contentType: '', text: '' };
  const response = {
    writeHead(status: number, headers: Record<string, string>) {
      reply = { ...reply, status, contentType: headers['content-type'] ?? '' };
      return this;
    },
    end(body: string) {
      reply = { ...reply, text: body };
      return this;
    },
  };
  await metrics.send(response as unknown as ServerResponse);
  return reply;
}

const aStatus = (name: string, overrides: Partial<ProjectionStatus> = {}): ProjectionStatus => ({
  name,
  kind: 'projection',
  version: 1,
  table: `${name}_v1`,
  checkpoint: '42',
  lag: { events: 3, atLeast: false, seconds: 1.5 },
  lease: { owner: 'w', expiresAt: null, activeSince: null, held: true },
  state: 'running',
  reason: null,
  stoppedEvent: null,
  rebuild: null,
  ...overrides,
});

describe('ProcessMetrics', () => {
  it('answers the Prometheus text format with Node process metrics', async () => {
    const reply = await scrape(new ProcessMetrics());
    expect(reply.status).to.equal(200);
    expect(reply.contentType).to.equal('text/plain; version=0.0.4; charset=utf-8');
    expect(valueOf(reply.text, 'process_cpu_user_seconds_total')).to.be.a('number');
    expect(valueOf(reply.text, 'nodejs_heap_size_used_bytes')).to.be.greaterThan(0);
  });

  it('counts the events of successful appends by stream category, and not failed ones', async () => {
    const metrics = new ProcessMetrics();
    const store = metrics.countingAppends(new InMemoryEventStore());
    await store.append('user-0190a1', [anEvent(), anEvent()]);
    await store.append('user-0190b2', [anEvent()], { expectedRevision: 'no_stream' });
    await store.append('session-77', [anEvent()]);
    await store.append('standalone', [anEvent()]);
    expect(await rejection(store.append('session-77', [anEvent()], { expectedRevision: 'no_stream' }))).to.be.instanceOf(WrongExpectedVersionError);

    const { text } = await scrape(metrics);
    expect(valueOf(text, 'userledger_events_appended_total', { category: 'user' })).to.equal(3);
    expect(valueOf(text, 'userledger_events_appended_total', { category: 'session' })).to.equal(1);
    expect(valueOf(text, 'userledger_events_appended_total', { category: 'standalone' })).to.equal(1);
    expect(samplesNamed(text, 'userledger_events_appended_total')).to.have.length(3);
    // The store itself is unchanged: what was appended reads back.
    expect(await store.readStream('user-0190a1')).to.have.length(2);
  });

  it('keeps the counts of each instance apart, so several apps can run in one process', async () => {
    const first = new ProcessMetrics();
    const second = new ProcessMetrics();
    await first.countingAppends(new InMemoryEventStore()).append('user-1', [anEvent()]);
    expect(valueOf((await scrape(first)).text, 'userledger_events_appended_total', { category: 'user' })).to.equal(1);
    expect(valueOf((await scrape(second)).text, 'userledger_events_appended_total', { category: 'user' })).to.equal(undefined);
  });

  describe('projection gauges', () => {
    it('show each projection\'s lag, checkpoint and state, read once per scrape', async () => {
      const metrics = new ProcessMetrics();
      const read = sinon.stub().resolves([
        aStatus('users'),
        aStatus('user_sessions', { checkpoint: null, state: 'stopped', lag: { events: 10_000, atLeast: true, seconds: 90 } }),
      ]);
      metrics.watchProjections(read);

      const { text } = await scrape(metrics);
      expect(read.callCount).to.equal(1);
      expect(valueOf(text, 'userledger_projection_status_up')).to.equal(1);
      expect(valueOf(text, 'userledger_projection_lag_events', { projection: 'users' })).to.equal(3);
      expect(valueOf(text, 'userledger_projection_lag_seconds', { projection: 'users' })).to.equal(1.5);
      expect(valueOf(text, 'userledger_projection_checkpoint', { projection: 'users' })).to.equal(42);
      expect(valueOf(text, 'userledger_projection_stopped', { projection: 'users' })).to.equal(0);
      expect(valueOf(text, 'userledger_projection_state', { projection: 'users', state: 'running' })).to.equal(1);
      expect(valueOf(text, 'userledger_projection_state', { projection: 'users', state: 'stopped' })).to.equal(0);

      expect(valueOf(text, 'userledger_projection_lag_events', { projection: 'user_sessions' })).to.equal(10_000);
      expect(valueOf(text, 'userledger_projection_checkpoint', { projection: 'user_sessions' })).to.equal(undefined);
      expect(valueOf(text, 'userledger_projection_stopped', { projection: 'user_sessions' })).to.equal(1);
      expect(valueOf(text, 'userledger_projection_state', { projection: 'user_sessions', state: 'stopped' })).to.equal(1);
    });

    it('follow the status from one scrape to the next', async () => {
      const metrics = new ProcessMetrics();
      const read = sinon.stub();
      read.onFirstCall().resolves([aStatus('users', { lag: { events: 5, atLeast: false, seconds: 2 } })]);
      read.onSecondCall().resolves([aStatus('users', { lag: { events: 0, atLeast: false, seconds: 0 }, checkpoint: '47' })]);
      metrics.watchProjections(read);
      expect(valueOf((await scrape(metrics)).text, 'userledger_projection_lag_events', { projection: 'users' })).to.equal(5);
      const { text } = await scrape(metrics);
      expect(valueOf(text, 'userledger_projection_lag_events', { projection: 'users' })).to.equal(0);
      expect(valueOf(text, 'userledger_projection_checkpoint', { projection: 'users' })).to.equal(47);
    });

    it('still answer, with status_up 0 and the process metrics, when the status cannot be read', async () => {
      const metrics = new ProcessMetrics();
      const failures: unknown[] = [];
      metrics.watchProjections(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')), (error) => failures.push(error));

      const reply = await scrape(metrics);
      expect(reply.status).to.equal(200);
      expect(valueOf(reply.text, 'userledger_projection_status_up')).to.equal(0);
      expect(samplesNamed(reply.text, 'userledger_projection_lag_events')).to.deep.equal([]);
      expect(valueOf(reply.text, 'process_cpu_user_seconds_total')).to.be.a('number');
      expect(failures).to.have.length(1);
    });

    it('give up on a status read that hangs, so the scrape still answers in time', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const metrics = new ProcessMetrics();
        metrics.watchProjections(() => new Promise<never>(() => {}));
        const reply = scrape(metrics);
        await clock.tickAsync(PROJECTION_STATUS_TIMEOUT_MS);
        expect(valueOf((await reply).text, 'userledger_projection_status_up')).to.equal(0);
      } finally {
        clock.restore();
      }
    });
  });
});
