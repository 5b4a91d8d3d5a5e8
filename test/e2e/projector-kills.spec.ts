import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { eventually } from '../support/eventually';
import {
  ApiCaller,
  activeFor,
  kill,
  logPositionOf,
  signUp,
  startDoubleProcess,
  startProjector,
  stopProcess,
  type ListedUser,
  type ProjectorProcess,
} from '../support/projector-cluster';
import { runTs, startServiceProcess, type ServiceProcess } from '../support/service-process';
import { createServerDatabase, freshDataDir, testServerUrl } from '../support/test-database';

const ROOT = 'chaos.root';
const ROOT_PASSWORD = 'root-password';
const PASSWORD = 'secret1';
/** What the projector runs, each under its own lease: two read models and a reaction. */
const JOBS = ['users', 'user_sessions', 'end-sessions-on-user-deactivated', 'end-sessions-on-sessions-revoked'];
/** The guarantee: a standby takes over a killed worker's projections within 3 s. */
const TAKEOVER_MS = 3_000;

type Expected = Pick<ListedUser, 'username' | 'role' | 'is_active'>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomBetween = (low: number, high: number) => low + Math.floor(Math.random() * (high - low));

/** `npm run projections -- <args>` as a process: its exit code and output. */
async function projectionsCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | string; output: string }> {
  const run = runTs('scripts/projections/main.ts', args, { APP_ENV: 'test', ...env });
  const code = await run.exited;
  return { code, output: run.output() };
}

function byUsername(users: readonly Expected[]): Expected[] {
  return users.map(({ username, role, is_active }) => ({ username, role, is_active })).sort((a, b) => a.username.localeCompare(b.username));
}

const stores = [
  { label: 'PostgreSQL', kind: 'postgres' },
  { label: 'EventStoreDB (the gRPC double as a process)', kind: 'eventstoredb' },
] as const;

for (const store of stores) {
  describe(`projector processes killed (SIGKILL) or hung (SIGSTOP), events in ${store.label}`, function () {
    this.timeout(180_000);
    let dataDir: string;
    let database: { url: string; drop(): Promise<void> };
    let env: NodeJS.ProcessEnv;
    let api: ServiceProcess & { url: string };
    let root: ApiCaller;
    const running: ServiceProcess[] = [];

    beforeEach(async () => {
      dataDir = freshDataDir();
      database = await createServerDatabase(await testServerUrl());
      env = { DATA_DIR: dataDir, DATABASE_URL: database.url };
      if (store.kind === 'eventstoredb') {
        const double = await startDoubleProcess();
        running.push(double);
        env = { ...env, EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: double.connectionString };
      }
      api = await startServiceProcess({
        ...env,
        PROJECTIONS_IN_PROCESS: 'false',
        BOOTSTRAP_SUPER_ADMIN_USERNAME: ROOT,
        BOOTSTRAP_SUPER_ADMIN_PASSWORD: ROOT_PASSWORD,
        // One hash at a time, so that the load leaves the processors to the projectors.
        HASHER_MAX_CONCURRENCY: '1',
        // Its lanes sign up dozens of users from one address in a minute; the throttle is not what it tests.
        THROTTLE_ADDRESS_SIGNUPS: '1000',
      });
      running.push(api);
      root = await ApiCaller.logIn(api.url, ROOT, ROOT_PASSWORD);
    });

    afterEach(async () => {
      for (const child of running.splice(0).reverse()) await stopProcess(child);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const projector = async (): Promise<ProjectorProcess> => {
      const started = await startProjector(env);
      running.push(started);
      return started;
    };

    it('applies every write exactly once while one of two workers is killed ten times over', async () => {
      const projectors = [await projector(), await projector()];
      const written = new Map<string, Expected>();
      written.set('root', { username: ROOT, role: 'super_admin', is_active: true });
      let loading = true;
      /** The last position any write reported. */
      let last = 0n;

      // Two lanes of sign-ups; each lane also logs some of its users in, and has the super admin
      // grant admin to some and deactivate others (ending their sessions, through the reaction).
      const lane = async (index: number): Promise<void> => {
        const mine: { id: string; username: string }[] = [];
        for (let n = 1; loading; n++) {
          const username = `lane${index}.user${n}`;
          const { id, position } = await signUp(api.url, username, PASSWORD);
          last = position > last ? position : last;
          written.set(id, { username, role: 'user', is_active: true });
          mine.push({ id, username });
          const pick = (wanted: (user: Expected) => boolean) => mine.find(({ id: candidate }) => wanted(written.get(candidate) as Expected));
          if (n % 3 === 0) {
            const target = pick((user) => user.is_active);
            if (target !== undefined) await ApiCaller.logIn(api.url, target.username, PASSWORD);
          }
          if (n % 4 === 0) {
            const target = pick((user) => user.is_active && user.role === 'user');
            if (target !== undefined) {
              const { headers } = await root.send('PUT', `/api/v1/users/${target.id}/roles/admin`, 204);
              last = logPositionOf(headers) > last ? logPositionOf(headers) : last;
              written.set(target.id, { ...(written.get(target.id) as Expected), role: 'admin' });
            }
          }
          if (n % 5 === 0) {
            const target = [...mine].reverse().find(({ id: candidate }) => (written.get(candidate) as Expected).is_active);
            if (target !== undefined) {
              const { headers } = await root.send('DELETE', `/api/v1/users/${target.id}/activation`, 204);
              last = logPositionOf(headers) > last ? logPositionOf(headers) : last;
              written.set(target.id, { ...(written.get(target.id) as Expected), is_active: false });
            }
          }
        }
      };
      const load = Promise.all([0, 1].map(lane));
      load.catch(() => (loading = false));

      // Ten kills at random moments, each of the worker running a job picked at random (or of
      // either worker, when neither has taken it yet). A replacement starts after each kill and
      // is up before the next one, so that two workers run, the random wait overlapping its start.
      const killed: string[] = [];
      try {
        await pause(randomBetween(200, 1_500));
        for (let round = 0; round < 10; round++) {
          const job = JOBS[randomBetween(0, JOBS.length)] as string;
          const victim = (await activeFor(projectors, job)) ?? (projectors[randomBetween(0, projectors.length)] as ProjectorProcess);
          await kill(victim);
          killed.push(job);
          const replacement = projector();
          replacement.catch(() => undefined);
          await pause(randomBetween(200, 1_500));
          projectors.splice(projectors.indexOf(victim), 1, await replacement);
        }
      } finally {
        loading = false;
        await load;
      }
      expect(killed).to.have.length(10);

      const expected = byUsername([...written.values()]);
      expect(expected.length).to.be.greaterThan(50);
      // Caught up: the list, asked to wait for the last write's position, is not stale.
      const converged = await eventually(
        'the list to pass the last write',
        async () => {
          const listed = await root.listAll({ minPosition: last });
          return listed.stale ? undefined : listed;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const ids = converged.users.map((user) => user.id_);
      expect(new Set(ids).size, 'no user listed twice').to.equal(ids.length);
      const listed = byUsername(converged.users);
      const differing = expected.filter((user, index) => JSON.stringify(user) !== JSON.stringify(listed[index]));
      expect(listed, `listed differently: ${JSON.stringify(differing.map((user) => [user, listed.find((other) => other.username === user.username)]))}`).to.deep.equal(expected);
      expect(converged.totals.every((total) => total === expected.length)).to.equal(true);

      const verified = await Promise.all(['users', 'user_sessions'].map((projection) => projectionsCli(['verify', projection], env)));
      for (const { code, output } of verified) expect(code, output).to.equal(0);
    });

    it('hands the projections of a killed active worker to the standby within 3 s, and the standby says so', async () => {
      const projectors = [await projector(), await projector()];
      const { id: first } = await signUp(api.url, 'warm.up.user', PASSWORD);
      await eventually('the first user to be listed', async () => ((await root.listAll()).users.some((user) => user.id_ === first) ? true : undefined), 30_000);

      const takeovers: number[] = [];
      for (let round = 1; round <= 4; round++) {
        const active = await eventually('a worker to run the users projection', () => activeFor(projectors, 'users'), 10_000);
        const standby = projectors.find((candidate) => candidate !== active) as ProjectorProcess;
        await eventually('the other worker to stand by', async () => ((await standby.roles())?.users === 'standby' ? true : undefined), 10_000);

        const linesBefore = standby.logLines().length;
        const killedAt = await kill(active);
        const username = `after.kill${round}`;
        const { id } = await signUp(api.url, username, PASSWORD);
        await eventually(
          `${username} to be listed`,
          async () => ((await root.listAll()).users.some((user) => user.id_ === id) ? true : undefined),
          { timeoutMs: TAKEOVER_MS + 10_000, intervalMs: 25 },
        );
        const visibleAfter = Date.now() - killedAt;
        takeovers.push(visibleAfter);
        expect(visibleAfter, `${username} listed ${visibleAfter} ms after the kill`).to.be.at.most(TAKEOVER_MS);

        // The survivor says which projection it took over, and it runs all of them now.
        const takeover = await eventually(
          'the survivor to log its takeover of users',
          async () => standby.logLines().slice(linesBefore).find((line) => line.projection === 'users' && String(line.msg).startsWith('active: took over users from ')),
          TAKEOVER_MS,
        );
        expect(takeover.level, standby.output()).to.equal(30);
        const roles = await eventually('the survivor to run every job', async () => {
          const now = await standby.roles();
          return now !== undefined && JOBS.every((job) => now[job] === 'active') ? now : undefined;
        }, TAKEOVER_MS);
        expect(Object.keys(roles)).to.have.members(JOBS);

        projectors.splice(projectors.indexOf(active), 1);
        projectors.push(await projector());
      }
      expect(takeovers).to.have.length(4);
    });

    it('fences a hung worker: the standby takes over when its lease expires, and the worker, resumed, steps back without writing', async () => {
      const projectors = [await projector(), await projector()];
      const { id: first } = await signUp(api.url, 'before.hang', PASSWORD);
      await eventually('the first user to be listed', async () => ((await root.listAll()).users.some((user) => user.id_ === first) ? true : undefined), 30_000);
      const hung = await eventually('a worker to run the users projection', () => activeFor(projectors, 'users'), 10_000);
      const standby = projectors.find((candidate) => candidate !== hung) as ProjectorProcess;

      // Frozen with sign-ups in flight: it may hold events it has not committed. Its database
      // session stays open, so only the lease's expiry lets the standby in.
      const during = ['during.hang1', 'during.hang2', 'during.hang3'].map((username) => signUp(api.url, username, PASSWORD));
      hung.child.kill('SIGSTOP');
      let resumed = false;
      try {
        const ids = (await Promise.all(during)).map(({ id }) => id);
        await eventually(
          'the standby to list the sign-ups made while the holder hung',
          async () => {
            const listed = new Set((await root.listAll()).users.map((user) => user.id_));
            return ids.every((id) => listed.has(id)) ? true : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        expect((await standby.roles())?.users).to.equal('active');
        const linesBefore = hung.logLines().length;
        hung.child.kill('SIGCONT');
        resumed = true;
        await eventually('the resumed worker to stand by', async () => ((await hung.roles())?.users === 'standby' ? true : undefined), 15_000);
        // Log lines reach stdout in batches (up to 100 ms late), so the line may follow the role.
        await eventually(
          'the resumed worker to log why it stepped back',
          async () => (hung.logLines().slice(linesBefore).some((line) => line.projection === 'users' && /stepping back|batch rolled back/.test(String(line.msg))) ? true : undefined),
          { timeoutMs: 2_000, detail: () => hung.output() },
        );
      } finally {
        if (!resumed) hung.child.kill('SIGCONT');
      }

      const { id: last } = await signUp(api.url, 'after.hang', PASSWORD);
      const listed = await eventually('the last user to be listed', async () => {
        const list = await root.listAll();
        return list.users.some((user) => user.id_ === last) ? list : undefined;
      }, 30_000);
      expect(byUsername(listed.users).map((user) => user.username)).to.deep.equal(
        [ROOT, 'after.hang', 'before.hang', 'during.hang1', 'during.hang2', 'during.hang3'].sort((a, b) => a.localeCompare(b)),
      );
      expect(listed.totals).to.deep.equal([6]);
      const verified = await projectionsCli(['verify', 'users'], env);
      expect(verified.code, verified.output).to.equal(0);
    });
  });
}
