import { expect } from 'chai';
import { CheckpointStore, versionTable } from '../../projections';
import { E2E_EVENT_STORES, aUsername, startE2eService, type E2eService } from '../support/http-e2e-service';
import { eventually } from '../support/eventually';

interface AuditEventJson {
  type: string;
  revision: string;
  position: string;
  recorded_at: string;
}
interface SessionJson {
  session: string;
  end_reason: string | null;
  events: AuditEventJson[];
}

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: a user as of a moment, If-Match, and the complete sessions history (events in ${eventStore})`, function () {
    this.timeout(120_000);
    let service: E2eService;
    let root: string;

    const createUser = async (token: string, role = 'user') => {
      const username = aUsername();
      const reply = await service.request('POST', '/api/v1/users/', { json: { username, password: 'secret1', role }, token });
      expect(reply.status, reply.text).to.equal(201);
      return { id: (reply.json as { id: string }).id, username };
    };
    const stateOf = (token: string, id: string, query = '') => service.request('GET', `/api/v1/users/${id}${query}`, { token });

    before(async () => {
      service = await startE2eService({}, eventStore);
      root = await service.logIn(service.superAdmin.username, service.superAdmin.password);
    });
    after(() => service?.stop());

    it('folds the state from the stream at once, now, as of a recorded time and as of a revision, with the ETag of each', async () => {
      const user = await createUser(root);
      const now = await stateOf(root, user.id);
      expect(now.status, now.text).to.equal(200);
      expect(now.json).to.deep.equal({ id_: user.id, username: user.username, role: 'user', is_active: true });
      expect(now.headers.get('etag')).to.equal('"0"');

      const deactivated = await service.request('DELETE', `/api/v1/users/${user.id}/activation`, { token: root, headers: { 'if-match': '"0"' } });
      expect(deactivated.status, deactivated.text).to.equal(204);
      expect(deactivated.headers.get('etag')).to.equal('"1"');
      const after = await stateOf(root, user.id);
      expect(after.json, 'strongly consistent: no projection in between').to.deep.include({ is_active: false });
      expect(after.headers.get('etag')).to.equal('"1"');

      const history = (await service.request('GET', `/api/v1/users/${user.id}/history`, { token: root })).json as { events: AuditEventJson[] };
      const [created, deactivation] = history.events as [AuditEventJson, AuditEventJson];
      const asOfCreation = await stateOf(root, user.id, `?as_of=${created.recorded_at}`);
      expect(asOfCreation.status, asOfCreation.text).to.equal(200);
      // Recorded times are to the millisecond: when both events share one, the moment holds both.
      expect(asOfCreation.json).to.deep.include({ is_active: created.recorded_at !== deactivation.recorded_at });
      const asOfLast = await stateOf(root, user.id, `?as_of=${deactivation.recorded_at}`);
      expect(asOfLast.headers.get('etag')).to.equal('"1"');
      const asOfRevision = await stateOf(root, user.id, '?as_of_revision=0');
      expect(asOfRevision.json).to.deep.include({ is_active: true });
      expect(asOfRevision.headers.get('etag')).to.equal('"0"');

      const before = new Date(new Date(created.recorded_at).getTime() - 1).toISOString();
      const early = await stateOf(root, user.id, `?as_of=${before}`);
      expect(early.status).to.equal(404);
      expect(early.json).to.deep.include({ code: 'user.not_yet_created' });
      const ahead = await stateOf(root, user.id, '?as_of_revision=2');
      expect(ahead.status).to.equal(404);
      expect(ahead.json).to.deep.include({ code: 'user.revision_not_found' });
      const bad = await stateOf(root, user.id, '?as_of=soon');
      expect(bad.status).to.equal(422);
      expect((bad.json as { detail: Array<{ loc: unknown[] }> }).detail[0]?.loc).to.deep.equal(['query', 'as_of']);
    });

    it('refuses a write whose ETag went stale after a concurrent change with 412, and appends nothing', async () => {
      const admin = await createUser(root, 'admin');
      const adminToken = await service.logIn(admin.username, 'secret1');
      const user = await createUser(root);
      const etag = (await stateOf(adminToken, user.id)).headers.get('etag') as string;
      const concurrent = await service.request('PUT', `/api/v1/users/${user.id}/password`, { json: 'changed-by-root', token: root });
      expect(concurrent.status, concurrent.text).to.equal(204);
      expect(concurrent.headers.get('etag')).to.equal('"1"');
      const stale = await service.request('DELETE', `/api/v1/users/${user.id}/activation`, { token: adminToken, headers: { 'if-match': etag } });
      expect(stale.status).to.equal(412);
      expect(stale.json).to.deep.equal({ error: `User with UUID('${user.id}') has changed since the revision If-Match names.`, code: 'user.revision_mismatch' });
      expect(await service.eventStore.readStream(`user-${user.id}`)).to.have.length(2);
      const malformed = await service.request('DELETE', `/api/v1/users/${user.id}/activation`, { token: adminToken, headers: { 'if-match': '1' } });
      expect(malformed.status).to.equal(400);
      expect(malformed.json).to.deep.include({ code: 'request.invalid_if_match' });
      const unconditional = await service.request('DELETE', `/api/v1/users/${user.id}/activation`, { token: adminToken });
      expect(unconditional.status, 'without If-Match as before').to.equal(204);
      expect(unconditional.headers.get('etag')).to.equal('"2"');
    });

    it('lists every session even while the sessions projection is paused: the log after its checkpoint holds the rest', async () => {
      const user = await createUser(root);
      const checkpoints = new CheckpointStore(service.database);
      const sessionsOf = async () => {
        const reply = await service.request('GET', `/api/v1/users/${user.id}/sessions/history`, { token: root });
        expect(reply.status, reply.text).to.equal(200);
        return (reply.json as { sessions: SessionJson[] }).sessions;
      };
      const startOf = (session: SessionJson) => BigInt((session.events[0] as AuditEventJson).position);

      await service.logIn(user.username, 'secret1');
      const [first] = await sessionsOf();
      expect(first, 'the first session').not.to.equal(undefined);
      await eventually('the sessions projection to fold the first session', async () => ((await checkpoints.positionOf('user_sessions')) ?? -1n) >= startOf(first as SessionJson));

      const live = versionTable('user_sessions', 1);
      expect(await checkpoints.pause(live)).to.equal(true);
      try {
        // Sessions are listed by their start, on the service's clock.
        for (const _ of [1, 2]) {
          service.clock.advance(1_000);
          await service.logIn(user.username, 'secret1');
        }
        const sessions = await sessionsOf();
        expect(sessions).to.have.length(3);
        const folded = (await checkpoints.positionOf('user_sessions')) ?? -1n;
        const unfolded = sessions.filter((session) => startOf(session) > folded);
        expect(unfolded, 'two sessions the paused projection has not folded').to.have.length(2);
        expect(sessions[0]?.session).to.equal(first?.session);
      } finally {
        await checkpoints.resume(live);
      }
    });
  });
}
