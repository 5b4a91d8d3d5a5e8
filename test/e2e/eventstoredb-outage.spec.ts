import { expect } from 'chai';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../support/eventstoredb-double';
import { eventually } from '../support/eventually';
import type { HttpReply } from '../support/http-client';
import { aUsername, startE2eService, tokenFrom, type E2eService } from '../support/http-e2e-service';

const UNAVAILABLE = { error: 'Service temporarily unavailable. Please try again later.', code: 'service.unavailable' };

/** Retries a request until it stops answering 503 (the client reconnecting), at most ~10 s. */
async function once503sEnd(send: () => Promise<HttpReply>): Promise<HttpReply> {
  return eventually('an answer other than 503', async () => {
    const reply = await send();
    return reply.status !== 503 && reply;
  }, { timeoutMs: 10_000, intervalMs: 50 });
}

/**
 * EventStoreDB goes away under the running service (its test double is stopped as if killed):
 * commands and session checks get 503 and write nothing; once it is back, the client reconnects,
 * the projector's subscription resumes, and the same commands succeed.
 */
describe('e2e: when EventStoreDB is unreachable', function () {
  this.timeout(60_000);
  let double: EventStoreDbDouble;
  let service: E2eService;

  before(async () => {
    double = await startEventStoreDbDouble();
    service = await startE2eService({ EVENTSTORE_CONNECTION_STRING: double.connectionString }, 'eventstoredb');
  });

  after(async () => {
    await service?.stop();
    await double?.close();
  });

  it('answers 503 with the contract body, writes nothing, and resumes cleanly when it is back', async () => {
    const token = await service.logIn(service.superAdmin.username, service.superAdmin.password);
    const cookie = `access_token=${token}`;
    const wanted = aUsername('made');
    const signUp = aUsername('self');

    await double.stop();
    const duringOutage = [
      await service.request('POST', '/api/v1/users/', { json: { username: wanted, password: 'secret1' }, headers: { cookie } }),
      await service.request('GET', '/api/v1/users/', { headers: { cookie } }),
      await service.request('POST', '/api/v1/account/signup', { json: { username: signUp, password: 'secret1' } }),
      await service.request('POST', '/api/v1/account/login', { json: { username: signUp, password: 'secret1' } }),
    ];
    for (const reply of duringOutage) {
      expect({ status: reply.status, json: reply.json }).to.deep.equal({ status: 503, json: UNAVAILABLE });
    }
    expect((await service.request('GET', '/api/v1/ready')).status).to.equal(503);
    expect((await service.request('GET', '/api/v1/health')).status).to.equal(200);

    await double.start();
    const created = await once503sEnd(() =>
      service.request('POST', '/api/v1/users/', { json: { username: wanted, password: 'secret1' }, headers: { cookie } }));
    expect(created.status).to.equal(201);
    const signedUp = await service.request('POST', '/api/v1/account/signup', { json: { username: signUp, password: 'secret1' } });
    expect(signedUp.status).to.equal(201);
    const login = await service.request('POST', '/api/v1/account/login', { json: { username: signUp, password: 'secret1' } });
    expect(login.status).to.equal(204);
    expect(tokenFrom(login)).to.be.a('string').and.not.equal('');
    expect((await service.request('GET', '/api/v1/ready')).status).to.equal(200);

    // Nothing from the failed attempts: one reservation per name, one creation per user.
    for (const username of [wanted, signUp]) {
      const reservation = await service.eventStore.readStream(`username-${username}`);
      expect(reservation.map((e) => e.type), username).to.deep.equal(['UsernameReserved']);
      const userId = (reservation[0]?.data as { userId: string }).userId;
      expect((await service.eventStore.readStream(`user-${userId}`)).map((e) => e.type)).to.deep.equal(['UserCreated']);
    }

    // The projector's subscription came back too: the list shows both users once it has caught up.
    const position = signedUp.headers.get('x-log-position') as string;
    const list = await service.request('GET', `/api/v1/users/?limit=1000&min_position=${position}`, { headers: { cookie } });
    expect(list.status).to.equal(200);
    expect(list.headers.get('x-read-model-stale')).to.equal(null);
    const names = (list.json as { users: Array<{ username: string }> }).users.map((u) => u.username);
    expect(names).to.include.members([wanted, signUp]);
  });
});
