import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { projectionCatalog, REACTIONS } from '../../../projections';
import { eventually } from '../../support/eventually';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../../support/http-e2e-service';
import { samplesNamed, valueOf } from '../../support/prometheus-text';

const PROJECTION_NAMES = [...projectionCatalog().map((definition) => definition.name), ...REACTIONS];
const DURATION_COUNT = 'http_request_duration_seconds_count';

for (const eventStore of E2E_EVENT_STORES) {
  describe(`GET /metrics on the API (events in ${eventStore})`, function () {
    this.timeout(60_000);
    let service: E2eService;
    const metrics = async (): Promise<string> => {
      const reply = await service.request('GET', '/metrics');
      expect(reply.status, reply.text).to.equal(200);
      return reply.text;
    };

    before(async () => {
      service = await startE2eService({}, eventStore);
    });
    after(() => service?.stop());

    it('answers the Prometheus text format with the process metrics', async () => {
      const reply = await service.request('GET', '/metrics');
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
      expect(reply.text).to.include('# TYPE process_cpu_user_seconds_total counter');
      expect(valueOf(reply.text, 'process_resident_memory_bytes')).to.be.greaterThan(0);
      expect(valueOf(reply.text, 'nodejs_eventloop_lag_seconds')).to.be.a('number');
    });

    it('times requests by route template, never by the path with its ids', async () => {
      const token = await service.logIn(service.superAdmin.username, service.superAdmin.password);
      const userId = randomUUID();
      const reply = await service.request('PUT', `/api/v1/users/${userId}/activation`, { token });
      const labels = { method: 'PUT', route: '/api/v1/users/{user_id}/activation', status: String(reply.status) };

      const text = await metrics();
      expect(valueOf(text, DURATION_COUNT, labels), text).to.be.at.least(1);
      expect(valueOf(text, 'http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).to.be.at.least(1);
      expect(valueOf(text, 'http_request_duration_seconds_sum', labels)).to.be.greaterThan(0);
      expect(text).to.not.include(userId);
    });

    it('puts requests that no route took under route="unmatched", whatever their path', async () => {
      const seriesBefore = samplesNamed(await metrics(), DURATION_COUNT).length;
      const hostile = [`/no/such/${randomUUID()}`, `/api/v1/users/${randomUUID()}/nothing`, `/api/v1/${'x'.repeat(500)}`, '/%zz%C0'];
      for (const path of hostile) expect((await service.request('GET', path)).status).to.equal(404);

      const text = await metrics();
      expect(valueOf(text, DURATION_COUNT, { method: 'GET', route: 'unmatched', status: '404' })).to.be.at.least(hostile.length);
      const routes = new Set(samplesNamed(text, DURATION_COUNT).map((sample) => sample.labels.route));
      for (const route of routes) expect(route).to.satisfy((name: string) => name === 'unmatched' || name.startsWith('/'));
      for (const path of hostile) expect(text).to.not.include(path);
      // At most one new series (the first 404s), not one per path.
      expect(samplesNamed(text, DURATION_COUNT).length).to.be.at.most(seriesBefore + 1);
    });

    it('puts the Swagger UI files under one route, and a missing one under "unmatched"', async () => {
      const count = (text: string, route: string, status: string) => valueOf(text, DURATION_COUNT, { method: 'GET', route, status }) ?? 0;
      const before = await metrics();
      expect((await service.request('GET', '/docs/swagger-ui.css')).status).to.equal(200);
      expect((await service.request('GET', '/docs/swagger-ui-bundle.js')).status).to.equal(200);
      expect((await service.request('GET', `/docs/${randomUUID()}.js`)).status).to.equal(404);
      const text = await metrics();
      expect(count(text, '/docs/{asset}', '200')).to.equal(count(before, '/docs/{asset}', '200') + 2);
      expect(count(text, 'unmatched', '404')).to.equal(count(before, 'unmatched', '404') + 1);
    });

    it('counts appended events by stream category: a sign-up in `user` and `username`, a log-in in `session`', async () => {
      const appended = (text: string, category: string): number => valueOf(text, 'userledger_events_appended_total', { category }) ?? 0;
      const before = await metrics();
      const username = aUsername('m');
      const signup = await service.request('POST', '/api/v1/account/signup', { json: { username, password: 'secret1' } });
      expect(signup.status, signup.text).to.equal(201);
      const afterSignUp = await metrics();
      expect(appended(afterSignUp, 'user')).to.be.at.least(appended(before, 'user') + 1);
      expect(appended(afterSignUp, 'username')).to.be.at.least(appended(before, 'username') + 1);

      await service.logIn(username, 'secret1');
      const afterLogIn = await metrics();
      expect(appended(afterLogIn, 'session')).to.be.at.least(appended(afterSignUp, 'session') + 1);
      for (const sample of samplesNamed(afterLogIn, 'userledger_events_appended_total')) {
        expect(sample.labels.category).to.match(/^[a-z_]+$/);
      }
    });

    it('reports every projection and reaction by its catalog name: lag, checkpoint and state', async () => {
      const signup = await service.request('POST', '/api/v1/account/signup', { json: { username: aUsername('p'), password: 'secret1' } });
      expect(signup.status).to.equal(201);
      // The in-process projector folds the sign-up; then the users projection has no lag left.
      const text = await eventually('the users projection to catch up', async () => {
        const scraped = await metrics();
        return valueOf(scraped, 'userledger_projection_lag_events', { projection: 'users' }) === 0 && scraped;
      });

      expect(valueOf(text, 'userledger_projection_status_up')).to.equal(1);
      for (const projection of PROJECTION_NAMES) {
        expect(valueOf(text, 'userledger_projection_lag_events', { projection }), projection).to.be.a('number');
        expect(valueOf(text, 'userledger_projection_lag_seconds', { projection }), projection).to.be.a('number');
        expect(valueOf(text, 'userledger_projection_stopped', { projection }), projection).to.be.oneOf([0, 1]);
        const states = samplesNamed(text, 'userledger_projection_state', { projection });
        expect(states.map((sample) => sample.value).reduce((sum, value) => sum + value, 0), projection).to.equal(1);
      }
      expect(valueOf(text, 'userledger_projection_checkpoint', { projection: 'users' })).to.be.greaterThan(0);
      expect(valueOf(text, 'userledger_projection_stopped', { projection: 'users' })).to.equal(0);
      expect(samplesNamed(text, 'userledger_projection_lag_events').map((sample) => sample.labels.projection)).to.have.members(PROJECTION_NAMES);
    });

    it('refuses other methods with 405, as every known path does', async () => {
      const reply = await service.request('POST', '/metrics');
      expect(reply.status).to.equal(405);
      expect(reply.headers.get('allow')).to.equal('GET, HEAD');
    });
  });
}

describe('GET /metrics with METRICS_ENABLED=false', function () {
  this.timeout(60_000);
  let service: E2eService;
  before(async () => {
    service = await startE2eService({ METRICS_ENABLED: 'false' });
  });
  after(() => service?.stop());

  it('is not served: 404 like any unknown path, and the API works as before', async () => {
    const reply = await service.request('GET', '/metrics');
    expect(reply.status).to.equal(404);
    expect(reply.json).to.deep.equal({ detail: 'Not Found' });
    expect((await service.request('GET', '/api/v1/health')).status).to.equal(200);
    const signup = await service.request('POST', '/api/v1/account/signup', { json: { username: aUsername('n'), password: 'secret1' } });
    expect(signup.status).to.equal(201);
  });
});
