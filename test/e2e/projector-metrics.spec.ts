import { expect } from 'chai';
import { projectionCatalog, REACTIONS } from '../../projections';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { samplesNamed, valueOf } from '../support/prometheus-text';
import { runTs, type ServiceProcess } from '../support/service-process';
import { createServerDatabase, testServerUrl } from '../support/test-database';

const PROJECTION_NAMES = [...projectionCatalog().map((definition) => definition.name), ...REACTIONS];

/** Polls the health port until `path` answers (the projector migrates and subscribes first). */
async function fetchWhenUp(projector: ServiceProcess, url: string): Promise<Response> {
  return eventually(`${url} to answer`, async () => {
    try {
      return await fetch(url);
    } catch (error) {
      if (projector.child.exitCode !== null) throw new Error(`the projector exited early:\n${projector.output()}`, { cause: error });
      return undefined;
    }
  }, { timeoutMs: 30_000, intervalMs: 100, detail: projector.output });
}

/** `npm run projector` with PROJECTOR_HEALTH_PORT: GET /metrics beside GET /health. */
describe('the projector process serves /metrics on its health port', function () {
  this.timeout(90_000);
  let database: { url: string; drop(): Promise<void> };
  const running: ServiceProcess[] = [];

  before(async () => {
    database = await createServerDatabase(await testServerUrl());
  });
  afterEach(async () => {
    for (const projector of running.splice(0)) {
      if (projector.child.exitCode === null) projector.child.kill('SIGTERM');
      await projector.exited;
    }
  });
  after(() => database?.drop());

  const startProjector = async (env: Record<string, string> = {}): Promise<{ projector: ServiceProcess; base: string }> => {
    const port = await freePort();
    const projector = runTs('src/projector-main.ts', [], {
      APP_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      PROJECTOR_HEALTH_PORT: String(port),
      ...env,
    });
    running.push(projector);
    return { projector, base: `http://127.0.0.1:${port}` };
  };

  it('with the process metrics and the same projection gauges as the API, and no request timings', async () => {
    const { projector, base } = await startProjector();
    const reply = await fetchWhenUp(projector, `${base}/metrics`);
    expect(reply.status, projector.output()).to.equal(200);
    expect(reply.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
    const text = await reply.text();
    expect(valueOf(text, 'process_resident_memory_bytes')).to.be.greaterThan(0);
    expect(valueOf(text, 'userledger_projection_status_up')).to.equal(1);
    expect(samplesNamed(text, 'userledger_projection_lag_events').map((sample) => sample.labels.projection)).to.have.members(PROJECTION_NAMES);
    for (const projection of PROJECTION_NAMES) {
      expect(valueOf(text, 'userledger_projection_stopped', { projection }), projection).to.be.oneOf([0, 1]);
    }
    expect(text).to.include('# TYPE userledger_events_appended_total counter');
    expect(samplesNamed(text, 'http_request_duration_seconds_count')).to.deep.equal([]);

    const health = await fetch(`${base}/health`);
    expect(health.status).to.equal(200);
    expect(((await health.json()) as { status: string }).status).to.equal('ok');
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).to.equal(404);
  });

  it('and not with METRICS_ENABLED=false, where /health still answers', async () => {
    const { projector, base } = await startProjector({ METRICS_ENABLED: 'false' });
    const health = await fetchWhenUp(projector, `${base}/health`);
    expect(health.status, projector.output()).to.equal(200);
    expect((await fetch(`${base}/metrics`)).status).to.equal(404);
  });
});
