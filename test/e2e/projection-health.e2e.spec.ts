import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';
import { eventually } from '../support/eventually';
import { runTs } from '../support/service-process';
import { createServerDatabase, testServerUrl } from '../support/test-database';

interface ProjectionStatusDocument {
  projections: {
    name: string;
    kind: string;
    version: number | null;
    table: string | null;
    checkpoint: string | null;
    lag: { events: number; seconds: number };
    lease: { owner: string | null; held: boolean };
    state: string;
    reason: string | null;
    stoppedEvent: { position: string; type: string; stream: string } | null;
  }[];
}

interface ReadyBody {
  status?: string;
  code?: string;
  problems?: string[];
}

/** The guard of every wait here: a service, its projector and an operator's command under load. */
const WAIT_MS = 30_000;

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: projection health and readiness (events in ${eventStore})`, function () {
    this.timeout(120_000);
    let service: E2eService;
    let database: { url: string; drop(): Promise<void> };
    let storeEnv: Record<string, string>;

    const health = async () => (await service.request('GET', '/api/v1/health/projections')).json as ProjectionStatusDocument;
    const users = async () => (await health()).projections.find((projection) => projection.name === 'users');
    const ready = async () => {
      const reply = await service.request('GET', '/api/v1/ready');
      return { status: reply.status, body: reply.json as ReadyBody };
    };

    before(async () => {
      // A database of its own: the poison event below must not reach other suites' folds.
      database = await createServerDatabase(await testServerUrl());
      service = await startE2eService({ DATABASE_URL: database.url }, eventStore);
      storeEnv =
        eventStore === 'eventstoredb'
          ? { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: service.eventStoreDouble?.connectionString ?? process.env.EVENTSTORE_CONNECTION_STRING ?? '' }
          : {};
    });
    after(async () => {
      await service?.stop();
      await database?.drop();
    });

    it('reports every projection and reaction with version, checkpoint, lag, lease and state', async () => {
      const signedUp = await service.request('POST', '/api/v1/account/signup', { json: { username: aUsername('hl'), password: 'secret1' } });
      expect(signedUp.status).to.equal(201);
      const position = BigInt(signedUp.headers.get('x-log-position') ?? '0');
      const live = await eventually('the users checkpoint to pass the sign-up', async () => {
        const status = await users();
        return status?.checkpoint !== null && BigInt(status?.checkpoint ?? '0') >= position ? status : undefined;
      }, WAIT_MS);
      expect(live).to.include({ kind: 'projection', version: 1, table: 'users_v1', state: 'running', reason: null });
      expect(live.lease.held).to.equal(true);
      expect(live.lease.owner).to.be.a('string');
      expect(live.lag.events).to.be.a('number');
      const names = (await health()).projections.map((projection) => projection.name);
      expect(names).to.include.members(['users', 'user_sessions']);
      expect(names.length).to.be.greaterThan(2);
      expect(await ready()).to.deep.equal({ status: 200, body: { status: 'ready' } });
    });

    it('stops the projection at an event it cannot apply, answers /ready 503 naming it, and recovers when an operator skips it', async () => {
      const bad = randomUUID();
      const metadata = { actorId: 'system:test', correlationId: bad, causationId: bad, occurredAt: new Date().toISOString() };
      const poison = await service.eventStore.append(`user-${bad}`, [
        { id: randomUUID(), type: 'UserCreated', data: { userId: bad, username: 'poisoned', role: 'root', passwordHash: 'x' }, metadata },
      ]);

      const stopped = await eventually('the users projection to stop', async () => {
        const status = await users();
        return status?.state === 'stopped' ? status : undefined;
      }, WAIT_MS);
      expect(stopped.reason).to.include(`cannot apply UserCreated at position ${poison.position}`);
      expect(stopped.stoppedEvent).to.deep.include({ position: poison.position.toString(), type: 'UserCreated', stream: `user-${bad}` });
      const notReady = await ready();
      expect(notReady.status).to.equal(503);
      expect(notReady.body.code).to.equal('service.unavailable');
      expect(notReady.body.problems?.find((problem) => problem.startsWith('projection users: stopped'))).to.include('cannot apply UserCreated');

      const resume = runTs('scripts/projections/main.ts', ['resume', 'users', '--skip', poison.position.toString()], {
        APP_ENV: 'test',
        DATABASE_URL: database.url,
        ...storeEnv,
      });
      expect(await resume.exited, resume.output()).to.equal(0);
      await eventually('the service to be ready again', async () => (await ready()).status === 200, WAIT_MS);
      const after = await service.request('POST', '/api/v1/account/signup', { json: { username: aUsername('hl'), password: 'secret1' } });
      const afterPosition = BigInt(after.headers.get('x-log-position') ?? '0');
      await eventually('the users projection to go on past the skipped event', async () => {
        const status = await users();
        return status?.state === 'running' && BigInt(status.checkpoint ?? '0') >= afterPosition;
      }, WAIT_MS);
    });

    it('is not made unready by an operator pause, which health shows', async () => {
      const pause = runTs('scripts/projections/main.ts', ['pause', 'users'], { APP_ENV: 'test', DATABASE_URL: database.url, ...storeEnv });
      expect(await pause.exited, pause.output()).to.equal(0);
      const paused = await eventually('health to show the pause', async () => {
        const status = await users();
        return status?.state === 'stopped' ? status : undefined;
      }, WAIT_MS);
      expect(paused.reason).to.equal('paused by an operator');
      expect((await ready()).status).to.equal(200);
      const resume = runTs('scripts/projections/main.ts', ['resume', 'users'], { APP_ENV: 'test', DATABASE_URL: database.url, ...storeEnv });
      expect(await resume.exited, resume.output()).to.equal(0);
      await eventually('the users projection to run again', async () => (await users())?.state === 'running', WAIT_MS);
    });
  });
}
