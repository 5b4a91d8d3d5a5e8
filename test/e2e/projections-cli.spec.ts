import { expect } from 'chai';
import { createUser, Deployment, eventually, listUsers, STORES, type CliRun, type StoreKind } from '../support/projections-cli';

interface StatusEntry {
  name: string;
  kind: string;
  version: number | null;
  checkpoint: string | null;
  lag: { events: number; atLeast: boolean; seconds: number };
  lease: { owner: string | null; expiresAt: string | null; held: boolean };
  state: string;
  reason: string | null;
}

const NAMES = ['users', 'user_sessions', 'end-sessions-on-user-deactivated', 'end-sessions-on-sessions-revoked'];
const COMMANDS = ['names', 'status', 'rebuild', 'verify', 'reset', 'pause', 'resume'];

function expectOneLineError(run: CliRun, args: readonly string[]): void {
  const context = `${args.join(' ')}: ${JSON.stringify(run)}`;
  expect(run.code, context).to.equal(2);
  expect(run.stderr.trim(), context).to.not.equal('').and.not.include('\n').and.not.match(/^\s+at /m);
}

/** Runs them a few at a time (the machine may have two cores), in order. */
async function inTurns<T, R>(items: readonly T[], work: (item: T) => Promise<R>, width = 3): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

function projectionsCliSuite(kind: StoreKind): void {
  describe(`npm run projections on ${kind === 'postgres' ? 'the PostgreSQL event store' : 'EventStoreDB (the test double)'}`, function () {
    this.timeout(120_000);
    let deployment: Deployment;

    beforeEach(async () => {
      deployment = await Deployment.create(kind);
    });
    afterEach(async () => {
      await deployment.close();
    });

    const status = async (): Promise<Map<string, StatusEntry>> => {
      const run = await deployment.run(['status', '--json']);
      expect(run.code, run.stderr).to.equal(0);
      return new Map((JSON.parse(run.stdout) as StatusEntry[]).map((entry) => [entry.name, entry]));
    };

    it('names the projections and the reaction; a name it does not know is misuse, exit 2 with one line', async () => {
      const names = await deployment.run(['names']);
      expect(names.code).to.equal(0);
      expect(names.stdout.trim().split('\n')).to.deep.equal(['users\tprojection', 'user_sessions\tprojection', 'end-sessions-on-user-deactivated\treaction', 'end-sessions-on-sessions-revoked\treaction']);

      const unknown = await deployment.run(['pause', 'nosuch']);
      expectOneLineError(unknown, ['pause', 'nosuch']);
      expect(unknown.stderr).to.include("Unknown projection or reaction 'nosuch'").and.include('users, user_sessions, end-sessions-on-user-deactivated, end-sessions-on-sessions-revoked');
    });

    it('shows each version, checkpoint, lag, lease and state while the service runs; pause stops users with a reason, resume lets new users reach the list', async () => {
      const service = await deployment.startService({ READ_YOUR_WRITES_WAIT_MS: '300' });
      await createUser(service, 'before.pause');
      const running = await eventually('every projection running', async () => {
        const statuses = await status();
        return NAMES.every((name) => statuses.get(name)?.state === 'running') ? statuses : undefined;
      });
      for (const name of NAMES) {
        const entry = running.get(name) as StatusEntry;
        expect(entry.kind).to.equal(name.startsWith('end-sessions') ? 'reaction' : 'projection');
        expect(entry.version).to.equal(name.startsWith('end-sessions') ? null : 1);
        expect(entry.checkpoint).to.match(/^\d+$/);
        expect(entry.lag.events).to.be.a('number');
        expect(entry.lease.owner).to.be.a('string').and.not.equal('');
        expect(new Date(entry.lease.expiresAt as string).getTime()).to.be.greaterThan(Date.parse('2000-01-01'));
        expect(entry.lease.held).to.equal(true);
        expect(entry.reason).to.equal(null);
      }
      const table = await deployment.run(['status']);
      expect(table.code).to.equal(0);
      const [header, ...rows] = table.stdout.trim().split('\n');
      for (const column of ['name', 'version', 'state', 'checkpoint', 'lag (events)', 'lease owner', 'lease expires']) expect(header).to.include(column);
      const usersRow = rows.find((row) => row.startsWith('users '));
      expect(usersRow).to.include('v1').and.include(running.get('users')?.lease.owner as string);
      expect(usersRow).to.match(/\s(running|catching up)\s+\d+\s/);

      const paused = await deployment.run(['pause', 'users']);
      expect(paused.code, paused.stderr).to.equal(0);
      expect(paused.stdout).to.include('users_v1: paused');
      const afterPause = await status();
      expect(afterPause.get('users')).to.include({ state: 'stopped', reason: 'paused by an operator' });
      expect(afterPause.get('user_sessions')?.state).to.equal('running');
      expect((await deployment.run(['status'])).stdout).to.include('users: paused by an operator');

      const position = await createUser(service, 'while.paused');
      const whilePaused = await listUsers(service, { min_position: position });
      expect(whilePaused.stale).to.equal(true);
      expect(whilePaused.usernames).to.include('before.pause').and.not.include('while.paused');
      expect(whilePaused.total).to.equal(2);

      const resumed = await deployment.run(['resume', 'users']);
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(resumed.stdout).to.include('users_v1: resumed');
      const after = await eventually('the new user listed', async () => {
        const list = await listUsers(service, { min_position: position });
        return list.stale ? undefined : list;
      });
      expect(after.usernames).to.include('while.paused');
      expect(after.total).to.equal(3);
      await eventually('users running again', async () => ((await status()).get('users')?.state === 'running' ? true : undefined));
    });

    it('verify exits 0 on a healthy table and 1 naming the rows an UPDATE, a DELETE and an INSERT changed; reset refuses without --yes and a terminal, and with --yes refolds the table', async () => {
      const service = await deployment.startService();
      await deployment.seedUsers(30);
      await eventually('the seeded users listed', async () => ((await listUsers(service)).total === 31 ? true : undefined));

      const healthy = await deployment.run(['verify', 'users']);
      expect(healthy.code, JSON.stringify(healthy)).to.equal(0);
      expect(healthy.stdout).to.include('users (users_v1)').and.include('equal to a fresh fold of the log').and.include('31 in the table, 31 from the log');

      const [renamed] = await deployment.query<{ id: string }>("UPDATE users_v1 SET username = 'tampered.name', role = 'admin' WHERE username = 'seed.000007' RETURNING id::text");
      const changed = await deployment.run(['verify', 'users']);
      expect(changed.code, JSON.stringify(changed)).to.equal(1);
      expect(changed.stdout).to.include('DIFFERS').and.include('different: 1').and.include(renamed?.id).and.include('tampered.name').and.include('seed.000007');
      expect(changed.stdout).to.not.include('missing from the table').and.not.include('extra in the table');

      const [deleted] = await deployment.query<{ id: string }>("DELETE FROM users_v1 WHERE username = 'seed.000011' RETURNING id::text");
      const [inserted] = await deployment.query<{ id: string }>(
        "INSERT INTO users_v1 (id, username, role, is_active, last_revision) VALUES (gen_random_uuid(), 'not.in.log', 'user', true, 0) RETURNING id::text",
      );
      const all = await deployment.run(['verify', 'users']);
      expect(all.code).to.equal(1);
      const lines = all.stdout.split('\n');
      const after = (title: string): string => lines[lines.findIndex((line) => line.startsWith(title)) + 1] ?? '';
      expect(all.stdout).to.include('missing from the table: 1').and.include('extra in the table: 1').and.include('different: 1');
      expect(after('missing from the table')).to.include(deleted?.id).and.include('seed.000011');
      expect(after('extra in the table')).to.include(inserted?.id).and.include('not.in.log');

      const asJson = await deployment.run(['verify', 'users', '--json']);
      expect(asJson.code).to.equal(1);
      const result = JSON.parse(asJson.stdout) as { equal: boolean; missing: { count: number }; extra: { count: number }; different: { count: number } };
      expect(result).to.deep.include({ equal: false });
      expect([result.missing.count, result.extra.count, result.different.count]).to.deep.equal([1, 1, 1]);

      const checkpoint = async (): Promise<string | null> =>
        ((await deployment.query<{ position: string | null }>("SELECT position::text FROM projection_checkpoints WHERE name = 'users_v1'"))[0]?.position ?? null);
      const before = await checkpoint();
      const refused = await deployment.run(['reset', 'users']);
      expectOneLineError(refused, ['reset', 'users']);
      expect(refused.stderr).to.include('--yes');
      expect(await checkpoint()).to.equal(before);
      const untouched = await listUsers(service);
      expect(untouched.usernames).to.include('tampered.name').and.include('not.in.log').and.not.include('seed.000007');

      const reset = await deployment.run(['reset', 'users', '--yes']);
      expect(reset.code, JSON.stringify(reset)).to.equal(0);
      expect(reset.stdout).to.include('users_v1: reset to the start of the log');
      const refolded = await eventually('the list folded again', async () => {
        const list = await listUsers(service);
        return list.usernames.includes('seed.000007') && list.usernames.includes('seed.000011') && list.total === 31 ? list : undefined;
      });
      expect(refolded.usernames).to.not.include('tampered.name').and.not.include('not.in.log');
      expect(refolded.usernames).to.have.length(31);
      expect((await deployment.run(['verify', 'users'])).code).to.equal(0);
    });
  });
}

describe('npm run projections, its usage', function () {
  this.timeout(120_000);
  let deployment: Deployment;
  before(async () => {
    deployment = await Deployment.create('postgres');
  });
  after(async () => {
    await deployment.close();
  });

  it('prints usage for the tool and every command with --help, exit 0', async () => {
    const helps = await inTurns([[], ...COMMANDS.map((command) => [command])], (command) => deployment.run([...command, '--help']));
    helps.forEach((help, i) => {
      const command = i === 0 ? '' : ` ${COMMANDS[i - 1]}`;
      expect(help.code, JSON.stringify(help)).to.equal(0);
      expect(help.stdout).to.include(`Usage: projections${command} [options]`);
    });
    expect(helps[0]?.stdout).to.include('rebuild').and.include('verify').and.include('pause');
    expect(helps[3]?.stdout).to.include('--keep-old').and.include('--batch-size');
    expect(helps[5]?.stdout).to.include('--yes');
    expect(helps[7]?.stdout).to.include('--skip <position>');
  });

  it('refuses an unknown command, a missing argument, an unknown option or name and a bad value: exit 2, one line on stderr, no stack', async () => {
    const misuse = [
      ['frobnicate'],
      ['rebuild'],
      ['status', '--bogus'],
      ['rebuild', 'nosuch'],
      ['verify', 'nosuch'],
      ['rebuild', 'end-sessions-on-user-deactivated'],
      ['rebuild', 'users', '--batch-size', 'none'],
      ['resume', 'users', '--skip', 'last'],
      ['resume', 'nosuch'],
      ['reset', 'nosuch', '--yes'],
      ['rebuild', 'users', '--cache-rows', 'many'],
    ];
    const runs = await inTurns(misuse, (args) => deployment.run(args));
    runs.forEach((run, i) => expectOneLineError(run, misuse[i] as string[]));
    expect(runs[0]?.stderr).to.include("unknown command 'frobnicate'");
    expect(runs[1]?.stderr).to.include("missing required argument 'name'");
    expect(runs[2]?.stderr).to.include("unknown option '--bogus'");
    expect(runs[3]?.stderr).to.include("Unknown projection 'nosuch'").and.include('users, user_sessions');
    expect(runs[5]?.stderr).to.include('is a reaction');
    expect(runs[6]?.stderr).to.include('--batch-size');
    expect(runs[7]?.stderr).to.include('--skip');
    expect(runs[8]?.stderr).to.include("Unknown projection or reaction 'nosuch'");
    expect(runs[9]?.stderr).to.include("Unknown projection or reaction 'nosuch'");
    expect(runs[10]?.stderr).to.include('--cache-rows');
  });
});

for (const kind of STORES) projectionsCliSuite(kind);
