import { expect } from 'chai';
import { aRegisteredUser, aSessionOf, type GivenUser } from '../../support/api-histories';
import { apiSpecification, type ApiRequest, type History } from '../../support/api-specification';
import { fakeHashOf } from '../../support/in-process-ports';
import { T0 } from '../../support/builders';

const SCHEMA_VERSION_UNSUPPORTED = { error: 'Service temporarily unavailable. Please try again later.', code: 'event.schema_version_unsupported' };

/** The same user, but as a newer release wrote its UserCreated: at a schema version this one does not know. */
function writtenByANewerRelease(user: GivenUser): History {
  const stream = `user-${user.userId}`;
  const [created, ...rest] = user.history[stream] ?? [];
  return { ...user.history, [stream]: [{ ...created!, metadata: { schemaVersion: 2 } }, ...rest] };
}

describe('API: event schema versions', () => {
  const api = apiSpecification();
  after(() => api.close());

  const root = aRegisteredUser('root.admin', { role: 'super_admin' });
  const user = aRegisteredUser('alice.smith');

  function signedInAsRoot(...more: History[]) {
    const session = aSessionOf(root);
    const scenario = api.given(root.history, ...more, session.history);
    const token = scenario.tokenFor(session);
    return { scenario, as: (request: ApiRequest): ApiRequest => ({ ...request, token }) };
  }

  it('stamps every event a request appends with its schema version', async () => {
    const { scenario, as } = signedInAsRoot(user.history);
    await scenario.when(as({ method: 'PUT', path: `/api/v1/users/${user.userId}/password`, json: 'new-secret' })).then({
      status: 204,
      events: [{ stream: `user-${user.userId}`, type: 'PasswordSet', data: { userId: user.userId, passwordHash: fakeHashOf('new-secret'), setBy: root.userId, setAt: T0.toISOString() }, metadata: { schemaVersion: 1 } }],
    });
  });

  it('reads events written before versions existed, and at version 1, alike', async () => {
    const stream = `user-${user.userId}`;
    const mixed: History = { ...user.history, [stream]: [...(user.history[stream] ?? []), { type: 'AdminGranted', data: { userId: user.userId }, metadata: { schemaVersion: 1 } }] };
    const { scenario, as } = signedInAsRoot(mixed);
    const { reply } = await scenario.when(as({ method: 'GET', path: `/api/v1/users/${user.userId}/history` })).then({ status: 200, events: [] });
    expect((reply.json as { events: { type: string }[] }).events.map((event) => event.type)).to.deep.equal(['UserCreated', 'AdminGranted']);
  });

  describe("when a user's stream holds an event of a newer release's schema version", () => {
    it('answers its history with 503 and the machine-readable code, never a guess at the shape', async () => {
      const { scenario, as } = signedInAsRoot(writtenByANewerRelease(user));
      await scenario.when(as({ method: 'GET', path: `/api/v1/users/${user.userId}/history` })).then({ status: 503, body: SCHEMA_VERSION_UNSUPPORTED, events: [] });
    });

    it('refuses a write on that user with 503 and appends nothing', async () => {
      const { scenario, as } = signedInAsRoot(writtenByANewerRelease(user));
      await scenario.when(as({ method: 'DELETE', path: `/api/v1/users/${user.userId}/activation` })).then({ status: 503, body: SCHEMA_VERSION_UNSUPPORTED, events: [] });
    });

    it('refuses the log-in of that user with 503, not as bad credentials', async () => {
      const scenario = api.given(writtenByANewerRelease(user));
      await scenario
        .when({ method: 'POST', path: '/api/v1/account/login', json: { username: user.username, password: user.password } })
        .then({ status: 503, body: SCHEMA_VERSION_UNSUPPORTED, cookie: 'none', events: [] });
    });
  });

  it("answers 503 to a request whose session a newer release's version started, not 401", async () => {
    const session = aSessionOf(user);
    const stream = `session-${session.sessionId}`;
    const started = session.history[stream]![0]!;
    const scenario = api.given(user.history, { [stream]: [{ ...started, metadata: { schemaVersion: 5 } }] });
    const token = scenario.tokenFor(session);
    await scenario.when({ method: 'DELETE', path: '/api/v1/account/logout', token }).then({ status: 503, body: SCHEMA_VERSION_UNSUPPORTED, events: [] });
  });
});
