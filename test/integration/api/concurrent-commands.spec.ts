import { expect } from 'chai';
import { apiSpecification } from '../../support/api-specification';
import { anAttackWorld, emptyUserDirectory } from '../../support/attack-identities';

/**
 * Many commands on one user at once, as the super admin: each is applied (204 with
 * X-Log-Position), a no-op (204 without one) or refused (409 after its retries), never lost and
 * never a 5xx. The user's stream, read back through the audit route, holds exactly one event per
 * applied command, at the position its reply gave, alternating as the state machine allows, and
 * the last of them decides the final state.
 */

interface HistoryEvent {
  readonly type: string;
  readonly position: string;
}

const PARALLEL = 40;

for (const pair of [
  { name: 'grant and revoke admin', path: 'roles/admin', events: { PUT: 'AdminGranted', DELETE: 'AdminRevoked' } },
  { name: 'activate and deactivate', path: 'activation', events: { PUT: 'UserActivated', DELETE: 'UserDeactivated' } },
] as const) {
  describe(`concurrent ${pair.name} on one user`, () => {
    const api = apiSpecification({ allRoutes: { userDirectory: emptyUserDirectory } });
    after(() => api.close());

    it(`${PARALLEL} in parallel: every command applied, a no-op or refused; none lost; the last applied decides`, async () => {
      const world = anAttackWorld();
      const scenario = api.given(world.history);
      const cookie = `access_token=${world.cookies.super_admin}`;
      const methods = Array.from({ length: PARALLEL }, (_, n) => (n % 2 === 0 ? 'PUT' : 'DELETE') as 'PUT' | 'DELETE');
      const replies = await Promise.all(
        methods.map((method) => scenario.send({ method, path: `/api/v1/users/${world.target.userId}/${pair.path}`, headers: { cookie } })),
      );

      expect(replies.map((reply) => reply.status).filter((status) => status !== 204 && status !== 409), 'statuses other than 204 and 409').to.deep.equal([]);
      const applied = replies.flatMap((reply, n) => {
        const position = reply.headers.get('x-log-position');
        return reply.status === 204 && position !== null ? [{ type: pair.events[methods[n] as 'PUT' | 'DELETE'], position }] : [];
      });
      expect(applied.length, 'some commands were applied').to.be.greaterThan(0);

      const history = await scenario.send({ method: 'GET', path: `/api/v1/users/${world.target.userId}/history?limit=1000`, headers: { cookie } });
      const written = (history.json as { events: HistoryEvent[] }).events.filter((event) => Object.values(pair.events).includes(event.type as never));
      const byPosition = (events: readonly HistoryEvent[]) => [...events].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1)).map(({ type, position }) => ({ type, position }));
      expect(byPosition(applied), 'one event per applied command, at the position its reply gave').to.deep.equal(byPosition(written));
      written.slice(1).forEach((event, n) => expect(event.type, `event ${n + 1} follows ${written[n]?.type}`).not.to.equal(written[n]?.type));

      const last = written.at(-1)?.type;
      // The final state, as the next command sees it: repeating the last applied command is a no-op.
      const lastMethod = last === pair.events.PUT ? 'PUT' : 'DELETE';
      const repeat = await scenario.send({ method: lastMethod, path: `/api/v1/users/${world.target.userId}/${pair.path}`, headers: { cookie } });
      expect({ status: repeat.status, position: repeat.headers.get('x-log-position') }).to.deep.equal({ status: 204, position: null });
    });
  });
}
