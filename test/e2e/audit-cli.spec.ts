import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../support/free-port';
import { Deployment, eventually, STORES, type CliRun, type RunningService, type StoreKind } from '../support/projections-cli';

const json = { 'content-type': 'application/json' };

interface AuditEventJson {
  type: string;
  revision: string;
  position: string;
  recorded_at: string;
  actor: { id: string; username: string | null } | { system: string };
  correlation_id: string;
  causation_id: string;
  data: Record<string, unknown>;
}

interface SessionJson {
  session: string;
  started_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  events: AuditEventJson[];
}

interface ExportLineJson {
  stream: string;
  revision: string;
  position: string;
  recorded_at: string;
  type: string;
  metadata: { actor: unknown; correlation_id: string; causation_id: string };
  data: Record<string, unknown>;
  chain: { prev: string | null; hash: string } | null | 'malformed';
}

/** What the story below did, and every secret it made: none may appear in any audit output. */
interface Story {
  readonly rootId: string;
  readonly aliceId: string;
  readonly grantRequestId: string;
  readonly secrets: string[];
}

const ndjson = <T>(text: string): T[] => text.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);

function expectOneLineError(run: CliRun, code: number, context: string): void {
  const detail = `${context}: ${JSON.stringify(run)}`;
  expect(run.code, detail).to.equal(code);
  expect(run.stderr.trim(), detail).to.match(/^audit: \S/).and.not.include('\n');
  expect(run.stdout, detail).to.equal('');
}

/** The session id inside a cookie's JWT (`auth_session_id`). */
function sessionIdOf(cookie: string): string {
  const token = cookie.slice(cookie.indexOf('=') + 1);
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as { auth_session_id: string };
  return payload.auth_session_id;
}

async function call(service: RunningService, method: string, route: string, options: { cookie?: string; body?: unknown; requestId?: string } = {}): Promise<Response> {
  const response = await fetch(`${service.url}${route}`, {
    method,
    headers: {
      ...json,
      cookie: options.cookie ?? service.cookie,
      ...(options.requestId === undefined ? {} : { 'x-request-id': options.requestId }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
  return response;
}

async function logIn(service: RunningService, username: string, password: string): Promise<string> {
  const response = await fetch(`${service.url}/api/v1/account/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
  if (response.status !== 204) throw new Error(`login answered ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/**
 * Alice is created by the super admin, made admin (under a request id of the test's), has her
 * password set, logs in and out twice, is deactivated and activated again: five events in her
 * stream, two sessions in theirs. (Both sessions end by log-out: the end-sessions reaction is
 * not what is tested here, and on the EventStoreDB double it may not have run yet.)
 */
async function tellTheStory(deployment: Deployment, service: RunningService): Promise<Story> {
  const { eventStore } = await deployment.openStore();
  const [reserved] = await eventStore.readStream('username-first.root');
  const rootId = (reserved?.data as { userId: string }).userId;
  const created = (await (await call(service, 'POST', '/api/v1/users/', { body: { username: 'alice.smith', password: 'secret1' } })).json()) as { id: string };
  const aliceId = created.id;
  const grantRequestId = `audit-${randomUUID()}`;
  await call(service, 'PUT', `/api/v1/users/${aliceId}/roles/admin`, { requestId: grantRequestId });
  await call(service, 'PUT', `/api/v1/users/${aliceId}/password`, { body: 'newpass12' });
  const first = await logIn(service, 'alice.smith', 'newpass12');
  await call(service, 'DELETE', '/api/v1/account/logout', { cookie: first });
  const second = await logIn(service, 'alice.smith', 'newpass12');
  await call(service, 'DELETE', '/api/v1/account/logout', { cookie: second });
  await call(service, 'DELETE', `/api/v1/users/${aliceId}/activation`);
  await eventually('both of alice\'s sessions ended, in the API', async () => {
    const sessions = await apiSessions(service, aliceId);
    return sessions.length === 2 && sessions.every((session) => session.end_reason !== null) ? true : undefined;
  });
  await call(service, 'PUT', `/api/v1/users/${aliceId}/activation`);

  const hashes = [...(await eventStore.readStream(`user-${aliceId}`)), ...(await eventStore.readStream(`user-${rootId}`))]
    .map((event) => (event.data as { passwordHash?: string }).passwordHash)
    .filter((hash): hash is string => typeof hash === 'string');
  expect(hashes).to.have.length(3);
  const cookies = [service.cookie, first, second];
  const secrets = [...hashes, ...cookies.map(sessionIdOf), ...cookies.map((cookie) => cookie.slice(cookie.indexOf('=') + 1))];
  return { rootId, aliceId, grantRequestId, secrets };
}

async function apiSessions(service: RunningService, userId: string): Promise<SessionJson[]> {
  const response = await call(service, 'GET', `/api/v1/users/${userId}/sessions/history`);
  return ((await response.json()) as { sessions: SessionJson[] }).sessions;
}

function auditSuite(kind: StoreKind): void {
  describe(`npm run audit on ${kind === 'postgres' ? 'the PostgreSQL event store' : 'EventStoreDB (the test double)'}`, function () {
    this.timeout(180_000);
    let deployment: Deployment;
    let service: RunningService;
    let story: Story;
    let folder: string;

    before(async () => {
      deployment = await Deployment.create(kind);
      service = await deployment.startService();
      story = await tellTheStory(deployment, service);
      folder = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    });
    after(async () => {
      await deployment?.close();
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    });

    /** `npm run audit -- <args>`; what it printed never holds a secret of the story's. */
    async function audit(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
      const run = await deployment.startScript('scripts/audit/main.ts', args, env).done;
      for (const secret of story.secrets) expect(`${run.stdout}${run.stderr}`, `${args.join(' ')} printed a secret`).to.not.include(secret);
      return run;
    }

    describe('history', () => {
      it('prints the user\'s events as a table, found by username: time, revision, position, type, actor, request, redacted data', async () => {
        const run = await audit(['history', 'alice.smith']);
        expect(run.code, run.stderr).to.equal(0);
        const [header, ...rows] = run.stdout.trimEnd().split('\n');
        for (const column of ['time', 'rev', 'position', 'type', 'actor', 'correlation id', 'data']) expect(header).to.include(column);
        expect(rows.map((row) => row.split(/\s+/)[3])).to.deep.equal(['UserCreated', 'AdminGranted', 'PasswordSet', 'UserDeactivated', 'UserActivated']);
        expect(rows.map((row) => row.split(/\s+/)[1])).to.deep.equal(['0', '1', '2', '3', '4']);
        const grant = rows[1] as string;
        expect(grant).to.include(`first.root ${story.rootId}`).and.include(story.grantRequestId);
        expect(rows[2]).to.include('"password":"set"').and.include(`"setBy":"${story.rootId}"`);
        expect(rows[0]).to.include('"username":"alice.smith"').and.not.include('passwordHash');
      });

      it('--json: one event per line, exactly as GET /users/{id}/history answers them', async () => {
        const run = await audit(['history', story.aliceId, '--json']);
        expect(run.code, run.stderr).to.equal(0);
        const events = ndjson<AuditEventJson>(run.stdout);
        const api = (await (await call(service, 'GET', `/api/v1/users/${story.aliceId}/history?limit=1000`)).json()) as { events: AuditEventJson[] };
        expect(events).to.deep.equal(api.events);
        expect(events[1]).to.deep.include({ actor: { id: story.rootId, username: 'first.root' }, correlation_id: story.grantRequestId });
      });

      it('--include-sessions: the sessions, found in the log, as the API shows them, each with why it ended', async () => {
        const run = await audit(['history', 'alice.smith', '--json', '--include-sessions']);
        expect(run.code, run.stderr).to.equal(0);
        const lines = ndjson<AuditEventJson | SessionJson>(run.stdout);
        expect(lines).to.have.length(7);
        const sessions = lines.slice(5) as SessionJson[];
        expect(sessions).to.deep.equal(await apiSessions(service, story.aliceId));
        expect(sessions.map((session) => session.end_reason)).to.deep.equal(['logout', 'logout']);
        expect(sessions[0]?.session).to.match(/^[0-9a-f]{8}$/);

        const table = await audit(['history', 'alice.smith', '--include-sessions']);
        expect(table.code, table.stderr).to.equal(0);
        expect(table.stdout).to.match(new RegExp(`session ${sessions[0]?.session}: started \\S+, expires \\S+, ended \\S+ \\(logout\\)`));
        expect(table.stdout).to.include('SessionStarted').and.include('SessionEnded');
      });

      it('an unknown id or username: exit 1 with one line; a user with no sessions has none', async () => {
        const unknownId = randomUUID();
        const byId = await audit(['history', unknownId]);
        expectOneLineError(byId, 1, 'unknown id');
        expect(byId.stderr).to.include(`No user with id ${unknownId}`);
        const byName = await audit(['history', 'no.such.user', '--json']);
        expectOneLineError(byName, 1, 'unknown username');
        expect(byName.stderr).to.include("No user named 'no.such.user'");

        const root = await audit(['history', 'first.root', '--json', '--include-sessions']);
        expect(root.code, root.stderr).to.equal(0);
        const lines = ndjson<Record<string, unknown>>(root.stdout);
        expect(lines[0]).to.include({ type: 'UserCreated' });
        expect(lines.filter((line) => 'session' in line)).to.have.length(1);
      });

      it('misuse: no user, an unknown option, an unknown command: exit 2 with one line', async () => {
        for (const args of [['history'], ['history', 'alice.smith', '--nope'], ['nosuch']]) {
          const run = await audit(args);
          expect(run.code, JSON.stringify(run)).to.equal(2);
          expect(run.stderr.trim(), JSON.stringify(run)).to.match(/^error: /).and.not.include('\n');
        }
      });
    });

    describe('as-of', () => {
      let history: AuditEventJson[];
      before(async () => {
        history = ndjson<AuditEventJson>((await audit(['history', story.aliceId, '--json'])).stdout);
      });

      const asOf = async (user: string, point: string): Promise<{ user: Record<string, unknown>; revision: string; recorded_at: string }> => {
        const run = await audit(['as-of', user, point, '--json']);
        expect(run.code, JSON.stringify(run)).to.equal(0);
        return JSON.parse(run.stdout) as { user: Record<string, unknown>; revision: string; recorded_at: string };
      };

      it('by revision: the state folded up to it, in the API\'s user shape', async () => {
        expect(await asOf('alice.smith', '0')).to.deep.equal({
          user: { id_: story.aliceId, username: 'alice.smith', role: 'user', is_active: true },
          revision: '0',
          recorded_at: history[0]?.recorded_at,
        });
        expect((await asOf(story.aliceId, '3')).user).to.deep.include({ role: 'admin', is_active: false });
        expect((await asOf(story.aliceId, '4')).user).to.deep.include({ role: 'admin', is_active: true });
      });

      it('by time: the events recorded at or before it, in any zone', async () => {
        const deactivated = history[3] as AuditEventJson;
        const atDeactivation = await asOf('alice.smith', deactivated.recorded_at);
        expect(atDeactivation.revision).to.equal('3');
        expect(atDeactivation.user).to.deep.include({ is_active: false });
        const inParis = new Date(Date.parse(deactivated.recorded_at) + 3_600_000).toISOString().replace('Z', '+01:00');
        expect((await asOf('alice.smith', inParis)).revision).to.equal('3');
        const justBefore = new Date(Date.parse(deactivated.recorded_at) - 1).toISOString();
        expect(Number((await asOf('alice.smith', justBefore)).revision)).to.be.below(3);
        expect((await asOf('alice.smith', '2999-01-01T00:00:00Z')).user).to.deep.include({ is_active: true, role: 'admin' });

        const table = await audit(['as-of', 'alice.smith', '1']);
        expect(table.code, table.stderr).to.equal(0);
        expect(table.stdout).to.include(`alice.smith (${story.aliceId}) as of revision 1`).and.match(/role\s+admin/).and.match(/is_active\s+true/);
      });

      it('before the user existed, past the last revision, or an unknown user: exit 1 with one line', async () => {
        const before = new Date(Date.parse((history[0] as AuditEventJson).recorded_at) - 1).toISOString();
        const early = await audit(['as-of', 'alice.smith', before]);
        expectOneLineError(early, 1, 'before the creation');
        expect(early.stderr).to.include('did not exist at');
        const late = await audit(['as-of', story.aliceId, '5']);
        expectOneLineError(late, 1, 'past the end');
        expect(late.stderr).to.include('has no revision 5: its last is 4');
        expectOneLineError(await audit(['as-of', randomUUID(), '0']), 1, 'unknown user');
      });

      it('a time that is no time, has no zone or does not exist, or a negative revision: exit 2 with one line (the rest of the rules: as-of-point.spec.ts)', async () => {
        for (const point of ['yesterday', '2026-01-01T12:00:00', '2026-02-30T12:00:00Z', '-1']) {
          expectOneLineError(await audit(['as-of', 'alice.smith', point]), 2, point);
        }
      });
    });

    describe('export', () => {
      it('writes the whole log, redacted, one event per line with its place, metadata and data; system events left out', async () => {
        const out = path.join(folder, 'log.ndjson');
        const run = await audit(['export', '--out', out]);
        expect(run.code, run.stderr).to.equal(0);
        const text = readFileSync(out, 'utf8');
        for (const secret of story.secrets) expect(text).to.not.include(secret);
        expect(statSync(out).mode & 0o777).to.equal(0o600);
        expect(readdirSync(folder)).to.deep.equal(['log.ndjson']);

        const lines = ndjson<ExportLineJson>(text);
        expect(run.stderr).to.include(`export: ${lines.length} events`).and.include(`written to ${out}`);
        const { eventStore } = await deployment.openStore();
        const expected: { stream: string; position: string; type: string }[] = [];
        for (let after: bigint | undefined; ; ) {
          const page = await eventStore.readAll({ ...(after === undefined ? {} : { after }), maxCount: 1000 });
          for (const event of page.events) if (event.streamName !== 'userledger-log') expected.push({ stream: event.streamName, position: event.position.toString(), type: event.type });
          if (page.isEnd || page.lastPosition === undefined) break;
          after = page.lastPosition;
        }
        expect(lines.map((line) => [line.position, line.type])).to.deep.equal(expected.map((event) => [event.position, event.type]));
        expect(lines.some((line) => line.type === 'EventLogCreated')).to.equal(false);
        for (const line of lines) {
          expect(Object.keys(line)).to.deep.equal(['stream', 'revision', 'position', 'recorded_at', 'type', 'metadata', 'data', 'chain']);
          expect(line.stream).to.match(/^(user-[0-9a-f-]{36}|username-[\w.-]+|session-[0-9a-f]{8})$/);
        }
        // Each stream's links follow from its first event to its last, in log order.
        const lastHash = new Map<string, string>();
        for (const line of lines) {
          const chain = line.chain as { prev: string | null; hash: string };
          expect(chain.hash, `${line.stream} ${line.revision}`).to.match(/^[0-9a-f]{64}$/);
          expect(chain.prev, `${line.stream} ${line.revision}`).to.equal(lastHash.get(line.stream) ?? null);
          lastHash.set(line.stream, chain.hash);
        }
        const grant = lines.find((line) => line.type === 'AdminGranted');
        expect(grant).to.deep.include({ stream: `user-${story.aliceId}`, revision: '1' });
        expect(grant?.metadata).to.deep.include({ actor: { id: story.rootId, username: 'first.root' }, correlation_id: story.grantRequestId });
        expect(lines.filter((line) => line.type === 'SessionEnded').map((line) => line.data.reason)).to.deep.equal(['logout', 'logout']);

        const toStdout = await audit(['export']);
        expect(toStdout.code, toStdout.stderr).to.equal(0);
        expect(toStdout.stdout).to.equal(text);
      });

      it('--from and --to: exactly the events between, both inclusive', async () => {
        const all = ndjson<ExportLineJson>((await audit(['export'])).stdout);
        const [from, to] = [all[2]?.position as string, all[6]?.position as string];
        const run = await audit(['export', '--from', from, '--to', to]);
        expect(run.code, run.stderr).to.equal(0);
        expect(ndjson<ExportLineJson>(run.stdout)).to.deep.equal(all.slice(2, 7));
        const tail = await audit(['export', '--from', all.at(-1)?.position as string]);
        expect(ndjson<ExportLineJson>(tail.stdout)).to.deep.equal(all.slice(-1));
        const none = await audit(['export', '--from', (BigInt(all.at(-1)?.position as string) + 1n).toString()]);
        expect(none.code, none.stderr).to.equal(0);
        expect(none.stdout).to.equal('');
      });

      it('bad positions and an --out that cannot be written: exit 2 with one line, nothing left behind, an existing file untouched', async () => {
        for (const args of [['--from', 'abc'], ['--to', '-1'], ['--from', '1e3'], ['--to', (2n ** 64n).toString()], ['--from', '9', '--to', '3']]) {
          expectOneLineError(await audit(['export', ...args]), 2, args.join(' '));
        }
        const aFile = path.join(folder, 'a-file');
        writeFileSync(aFile, 'kept');
        for (const out of [path.join(folder, 'no-such-folder', 'log.ndjson'), path.join(aFile, 'log.ndjson'), folder]) {
          const run = await audit(['export', '--out', out]);
          expectOneLineError(run, 2, out);
          expect(run.stderr).to.include(`Cannot write --out ${out}`);
        }
        expect(readFileSync(aFile, 'utf8')).to.equal('kept');
        expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
      });
    });

    describe('when the store cannot be reached', () => {
      it('an unreachable store: exit 2 with one line naming it, and an --out file keeps what it had', async () => {
        const port = await freePort();
        const env = kind === 'postgres' ? { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere` } : { EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${port}?tls=false` };
        const history = await audit(['history', 'alice.smith'], env);
        expectOneLineError(history, 2, 'history, unreachable');
        expect(history.stderr).to.include('is unavailable').and.include(`127.0.0.1:${port}`);
        expectOneLineError(await audit(['as-of', 'alice.smith', '0'], env), 2, 'as-of, unreachable');
        const out = path.join(folder, 'previous.ndjson');
        writeFileSync(out, 'previous export\n');
        expectOneLineError(await audit(['export', '--out', out], env), 2, 'export, unreachable');
        expect(readFileSync(out, 'utf8')).to.equal('previous export\n');
        expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
      });
    });
  });
}

for (const kind of STORES) auditSuite(kind);
