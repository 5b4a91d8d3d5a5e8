import { expect } from 'chai';
import { allUsernames, createUser, Deployment, eventually, listUsers, STORES, type RunningCli, type RunningService, type StoreKind } from '../support/projections-cli';

interface StatusEntry {
  name: string;
  version: number | null;
  state: string;
  rebuild: { version: number; checkpoint: string | null; lease: { owner: string | null; held: boolean } } | null;
}

/** Users written to the log before each test: enough that a rebuild in small batches takes a while. */
const SEEDED = 1_000;

/** The events a run folded, from its last line: "… (1,234 events folded, resumed) …" or "… stopped after 1,234 events …". */
function eventsFolded(output: string): number {
  const match = /\(([\d,]+) events folded|stopped after ([\d,]+) events/.exec(output);
  if (match === null) throw new Error(`no count of events in: ${output}`);
  return Number((match[1] ?? match[2] ?? '').replace(/,/g, ''));
}

/** What one list of usernames lacks and has besides another, in order. */
function difference(actual: readonly string[], expected: readonly string[]): { missing: string[]; extra: string[]; outOfOrder: boolean } {
  const have = new Set(actual);
  const want = new Set(expected);
  const missing = expected.filter((name) => !have.has(name));
  const extra = actual.filter((name) => !want.has(name));
  return { missing, extra, outOfOrder: missing.length === 0 && extra.length === 0 && actual.some((name, i) => name !== expected[i]) };
}

const same = { missing: [], extra: [], outOfOrder: false };

function projectionsRebuildSuite(kind: StoreKind): void {
  describe(`npm run projections -- rebuild, on ${kind === 'postgres' ? 'the PostgreSQL event store' : 'EventStoreDB (the test double)'}`, function () {
    this.timeout(180_000);
    let deployment: Deployment;
    let service: RunningService;
    let expected: string[];

    beforeEach(async () => {
      deployment = await Deployment.create(kind);
      service = await deployment.startService();
      await deployment.seedUsers(SEEDED);
      await createUser(service, 'api.written');
      await eventually('the seeded users listed', async () => ((await listUsers(service)).total === SEEDED + 2 ? true : undefined));
      expected = await allUsernames(service);
      expect(expected).to.have.length(SEEDED + 2);
    });
    afterEach(async () => {
      await deployment.close();
    });

    const status = async (): Promise<Map<string, StatusEntry>> => {
      const run = await deployment.run(['status', '--json']);
      expect(run.code, run.stderr).to.equal(0);
      return new Map((JSON.parse(run.stdout) as StatusEntry[]).map((entry) => [entry.name, entry]));
    };

    /** The building version's checkpoint, once a rebuild has committed a batch of it. */
    const buildingCheckpoint = async (): Promise<bigint | undefined> => {
      const [row] = await deployment.query<{ position: string | null }>(
        "SELECT c.position::text FROM projection_versions v JOIN projection_checkpoints c ON c.name = 'users_v' || v.building_version WHERE v.name = 'users'",
      );
      return row?.position == null ? undefined : BigInt(row.position);
    };

    /**
     * Starts a rebuild in small batches, waits until it has committed one, and holds its next
     * one back (a lock on the table it fills): the rebuild is midway, and stays there until
     * `release`, whatever the speed of the machine.
     */
    const rebuildHeldMidway = async (): Promise<{ rebuild: RunningCli; heldAt: bigint; release(): Promise<void> }> => {
      const rebuild = deployment.start(['rebuild', 'users', '--batch-size', '10']);
      await eventually('the rebuild under way', async () => {
        if (rebuild.process.child.exitCode !== null) throw new Error(`the rebuild ended early: ${rebuild.stdout()} ${rebuild.stderr()}`);
        return (await buildingCheckpoint()) !== undefined ? true : undefined;
      });
      const lock = await deployment.connection();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE users_v2 IN SHARE MODE');
      const heldAt = (await buildingCheckpoint()) as bigint;
      return { rebuild, heldAt, release: async () => void (await lock.query('COMMIT')) };
    };

    it('rebuilds users beside the live table while readers get every user and only 200s, then drops the old table, or keeps it with --keep-old', async () => {
      const answers: { status: number; total: number; during: boolean }[] = [];
      const running = deployment.start(['rebuild', 'users', '--batch-size', '20']);
      let reading = true;
      const readers = Array.from({ length: 2 }, async () => {
        while (reading) {
          // Asked while the rebuild was folding (its first progress line out, no result yet)?
          const during = running.stderr().includes('folding') && running.stdout() === '';
          const page = await listUsers(service, { limit: '5' });
          answers.push({ status: page.status, total: page.total, during });
        }
      });
      const rebuild = await running.done;
      const atEnd = answers.length;
      await eventually('reads after the switch', async () => (answers.length >= atEnd + 4 ? true : undefined));
      reading = false;
      await Promise.all(readers);

      expect(rebuild.code, JSON.stringify(rebuild)).to.equal(0);
      expect(rebuild.stdout).to.include('users: version 2 is live').and.include('version 1 dropped');
      expect(eventsFolded(rebuild.stdout)).to.be.at.least(SEEDED + 2);
      // Not a terminal: plain lines with the events done, their rate and the time left, no bar.
      expect(rebuild.stderr).to.match(/^rebuild users: folding, [\d,]+ events, [\d,]+\/s, \d+% of the log, ETA (\?|\d+ s)$/m);
      expect(rebuild.stderr).to.match(/^rebuild users: switching, [\d,]+ events, [\d,]+\/s, 100% of the log, ETA 0 s$/m);
      expect(rebuild.stderr).to.not.include('\u001b[');

      expect(answers.filter((answer) => answer.during)).to.not.have.length(0);
      expect(answers.filter((answer) => answer.status !== 200 || answer.total !== SEEDED + 2), service.output().slice(-4000)).to.deep.equal([]);

      expect(difference(await allUsernames(service), expected)).to.deep.equal(same);
      expect(await deployment.tableExists('users_v1')).to.equal(false);
      expect(await deployment.tableExists('users_v2')).to.equal(true);
      const after = await eventually('users v2 running', async () => {
        const users = (await status()).get('users');
        return users?.version === 2 && users.state === 'running' ? users : undefined;
      });
      expect(after.rebuild).to.equal(null);
      // The service's worker folds the new version from here on.
      const position = await createUser(service, 'after.rebuild');
      expect((await listUsers(service, { min_position: position })).usernames).to.include('after.rebuild');

      const kept = await deployment.run(['rebuild', 'users', '--keep-old']);
      expect(kept.code, JSON.stringify(kept)).to.equal(0);
      expect(kept.stdout).to.include('users: version 3 is live').and.include('version 2 kept');
      expect(await deployment.tableExists('users_v2')).to.equal(true);
      expect(await deployment.tableExists('users_v3')).to.equal(true);
      expect(difference(await allUsernames(service), ['after.rebuild', ...expected])).to.deep.equal(same);
      expect((await deployment.run(['verify', 'users'])).stdout).to.include('users (users_v3)').and.include('equal to a fresh fold');
    });

    it('stops at a batch on Ctrl-C, refuses a second rebuild while one runs, and resumes where it stopped', async () => {
      const { rebuild: first, heldAt, release } = await rebuildHeldMidway();
      const second = await deployment.run(['rebuild', 'users']);
      expect(second.code, JSON.stringify(second)).to.equal(1);
      expect(second.stderr.trim()).to.match(/^projections: A rebuild of 'users' \(version 2\) is already running: rebuild:\S+ holds it until /).and.not.include('\n');

      first.process.child.kill('SIGINT');
      await eventually('the rebuild told of Ctrl-C', async () => (first.stderr().includes('stopping after the current batch') ? true : undefined));
      await release();
      const stopped = await first.done;
      expect(stopped.code, JSON.stringify(stopped)).to.equal(130);
      expect(stopped.stderr).to.include('rebuild of users (version 2) stopped after').and.include('run it again to resume');
      const foldedBefore = eventsFolded(stopped.stderr);
      expect(foldedBefore).to.be.greaterThan(0).and.lessThan(SEEDED);

      const between = (await status()).get('users') as StatusEntry;
      expect(between.version).to.equal(1);
      expect(between.rebuild?.version).to.equal(2);
      expect(BigInt(between.rebuild?.checkpoint ?? '0') > heldAt).to.equal(true, 'the checkpoint moved past where it was held');
      expect(between.rebuild?.lease.held).to.equal(false);
      expect((await deployment.run(['status'])).stdout).to.include('no rebuild running: run `rebuild users` to resume it');
      expect(difference(await allUsernames(service), expected)).to.deep.equal(same);

      const resumed = await deployment.run(['rebuild', 'users']);
      expect(resumed.code, JSON.stringify(resumed)).to.equal(0);
      expect(resumed.stdout).to.include('users: version 2 is live').and.include('resumed');
      // Each user's event folded once: by the stopped run or by the resumed one.
      expect(foldedBefore + eventsFolded(resumed.stdout)).to.equal(SEEDED + 2);
      expect(difference(await allUsernames(service), expected)).to.deep.equal(same);
    });

    it('resumes after the rebuild process is killed (SIGKILL)', async () => {
      const { rebuild: first, heldAt, release } = await rebuildHeldMidway();
      first.process.child.kill('SIGKILL');
      expect((await first.done).code).to.equal('SIGKILL');
      await release();
      expect(await buildingCheckpoint()).to.equal(heldAt);
      // Its lease is free once the database has seen its session end.
      await eventually('the killed rebuild\'s lease free', async () => ((await status()).get('users')?.rebuild?.lease.held === false ? true : undefined));

      // Resumed with no rows kept in memory: every touched row is loaded from what the killed run wrote.
      const resumed = await deployment.run(['rebuild', 'users', '--cache-rows', '0']);
      expect(resumed.code, JSON.stringify(resumed)).to.equal(0);
      expect(resumed.stdout).to.include('users: version 2 is live').and.include('resumed');
      expect((await deployment.run(['verify', 'users'])).code).to.equal(0);
      const foldedAfter = eventsFolded(resumed.stdout);
      expect(foldedAfter).to.be.greaterThan(0).and.lessThan(SEEDED);
      expect(difference(await allUsernames(service), expected)).to.deep.equal(same);
      expect(await deployment.tableExists('users_v1')).to.equal(false);
    });
  });
}

for (const kind of STORES) projectionsRebuildSuite(kind);
