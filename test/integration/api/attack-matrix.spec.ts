import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { apiSpecification, type ApiRequest } from '../../support/api-specification';
import { IDENTITIES, anAttackWorld, emptyUserDirectory, type AttackWorld, type Identity } from '../../support/attack-identities';

/**
 * The attack matrix: every route of the OpenAPI document × every kind of caller, each cell with
 * the status it must answer, on the real routes, authenticator and handlers (in-process, over the
 * in-memory event store). A cell starts from a world of its own, so no cell's side effects reach
 * another. A new route fails the coverage test until it has a row.
 */

type Statuses = Readonly<Record<Identity, number>>;

interface Row {
  /** As the OpenAPI document writes it: `PUT /api/v1/users/{user_id}/password`. */
  readonly route: string;
  readonly request: (world: AttackWorld) => Omit<ApiRequest, 'method' | 'path'> & { readonly path?: string };
  readonly expect: Statuses;
}

/** Any caller, the same answer: public routes. */
const everyone = (status: number): Statuses => Object.fromEntries(IDENTITIES.map((identity) => [identity, status])) as Record<Identity, number>;

/** For callers without a session (sign-up, log-in): a live session gets 403; any other cookie counts as none. */
const anonymousOnly = (status: number): Statuses => ({ ...everyone(status), user: 403, admin: 403, super_admin: 403 });

/** Needs a live session: every cookie that is not one gets 401, as no cookie does. */
const sessionRequired = (user: number, admin: number, superAdmin: number): Statuses => ({
  ...everyone(401),
  user,
  admin,
  super_admin: superAdmin,
});

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const aNewUser = () => json({ username: `new.${randomUUID().slice(0, 8)}`, password: 'secret1' });

const ROWS: readonly Row[] = [
  { route: 'GET /', request: () => ({}), expect: everyone(307) },
  { route: 'GET /api/v1/health', request: () => ({}), expect: everyone(200) },
  { route: 'GET /api/v1/ready', request: () => ({}), expect: everyone(200) },
  { route: 'GET /api/v1/health/projections', request: () => ({}), expect: everyone(200) },
  { route: 'POST /api/v1/account/signup', request: aNewUser, expect: anonymousOnly(201) },
  { route: 'POST /api/v1/account/login', request: ({ user }) => json({ username: user.username, password: user.password }), expect: anonymousOnly(204) },
  {
    route: 'PUT /api/v1/account/password',
    request: () => json({ current_password: 'secret1', new_password: 'secret2' }),
    expect: sessionRequired(204, 204, 204),
  },
  { route: 'DELETE /api/v1/account/logout', request: () => ({}), expect: sessionRequired(204, 204, 204) },
  { route: 'DELETE /api/v1/account/sessions', request: () => ({}), expect: sessionRequired(204, 204, 204) },
  { route: 'POST /api/v1/users/', request: aNewUser, expect: sessionRequired(403, 201, 201) },
  { route: 'GET /api/v1/users/', request: () => ({}), expect: sessionRequired(403, 200, 200) },
  { route: 'PUT /api/v1/users/{user_id}/password', request: () => json('secret2'), expect: sessionRequired(403, 204, 204) },
  { route: 'PUT /api/v1/users/{user_id}/roles/admin', request: () => ({}), expect: sessionRequired(403, 403, 204) },
  { route: 'DELETE /api/v1/users/{user_id}/roles/admin', request: () => ({}), expect: sessionRequired(403, 403, 204) },
  { route: 'PUT /api/v1/users/{user_id}/activation', request: () => ({}), expect: sessionRequired(403, 204, 204) },
  { route: 'DELETE /api/v1/users/{user_id}/activation', request: () => ({}), expect: sessionRequired(403, 204, 204) },
  { route: 'GET /api/v1/users/{user_id}', request: () => ({}), expect: sessionRequired(403, 200, 200) },
  { route: 'GET /api/v1/users/{user_id}/history', request: () => ({}), expect: sessionRequired(403, 200, 200) },
  { route: 'GET /api/v1/users/{user_id}/sessions/history', request: () => ({}), expect: sessionRequired(403, 200, 200) },
];

function requestOf(row: Row, world: AttackWorld, identity: Identity): ApiRequest {
  const [method, template] = row.route.split(' ') as [ApiRequest['method'], string];
  const { path, headers, ...rest } = row.request(world);
  const cookie = world.cookies[identity];
  return {
    method,
    path: path ?? template.replace('{user_id}', world.target.userId),
    headers: { ...headers, ...(cookie === undefined ? {} : { cookie: `access_token=${cookie}` }) },
    ...rest,
  };
}

describe('the attack matrix: every route × every kind of caller', () => {
  const api = apiSpecification({ allRoutes: { userDirectory: emptyUserDirectory } });
  after(() => api.close());

  it('has a row for every operation of the OpenAPI document, and none for an operation it lacks', async () => {
    const reply = await api.given().send({ method: 'GET', path: '/openapi.json' });
    const paths = (reply.json as { paths: Record<string, Record<string, unknown>> }).paths;
    const documented = Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(ROWS.map((row) => row.route).sort()).to.deep.equal([...documented].sort());
  });

  for (const row of ROWS) {
    it(`${row.route}: ${IDENTITIES.map((identity) => `${identity} ${row.expect[identity]}`).join(', ')}`, async () => {
      const answered: Partial<Record<Identity, number>> = {};
      for (const identity of IDENTITIES) {
        const world = anAttackWorld();
        const reply = await api.given(world.history).send(requestOf(row, world, identity));
        answered[identity] = reply.status;
        if (reply.status >= 400) expect(reply.json, `${row.route} as ${identity}: the contract's error body`).to.have.property('code').that.is.a('string');
      }
      expect(answered).to.deep.equal(row.expect);
    });
  }
});
