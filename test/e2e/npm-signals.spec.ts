import { expect } from 'chai';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { isAlive, readPostmasterPid } from '../../src/shared/database/embedded/postmaster-pid';
import { createServerDatabase, freshDataDir, testServerUrl } from '../support/test-database';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';

const ROOT = path.resolve(__dirname, '..', '..');

interface NpmProcess {
  readonly npm: ChildProcess;
  output(): string;
  /** npm's exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/**
 * `npm run <script>` as an operator runs it, in a process group of its own (as a shell's job is),
 * so that a test can signal npm alone or the whole group as a terminal's Ctrl-C does.
 */
function runNpm(script: string, env: NodeJS.ProcessEnv): NpmProcess {
  const npm = spawn('npm', ['run', '--silent', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => npm.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { npm, output: () => output, exited };
}

/** How the waits here poll: `ps` and `npm` are slow to start, so neither often nor briefly. */
const overProcesses = (detail: () => string) => ({ timeoutMs: 60_000, intervalMs: 50, detail });

/** Every process below `pid` with its command line, from `ps` (the shell npm runs, node...). */
function descendantsOf(pid: number): Array<{ pid: number; command: string }> {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3] as string }));
  const found: Array<{ pid: number; command: string }> = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop() as number;
    for (const row of rows.filter((candidate) => candidate.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      parents.push(row.pid);
    }
  }
  return found;
}

/** Still running: neither gone nor a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('Z');
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * npm runs a script through `sh -c` and forwards SIGTERM and SIGINT to that shell only. A shell
 * that keeps its place above node never passes them on: on SIGTERM it dies and leaves node
 * serving as an orphan, on SIGINT it waits for node forever. The scripts therefore `exec` node.
 * These tests signal npm as a process manager or a terminal does and check that nothing is left
 * serving.
 */
describe('npm start and npm run projector under signals', function () {
  this.timeout(120_000);
  let dataDir: string;
  let database: { url: string; drop(): Promise<void> };
  // Everything started, with the processes found under npm, so that a failed test leaves no orphan.
  const started: Array<{ run: NpmProcess; below: Array<{ pid: number }> }> = [];

  beforeEach(async () => {
    dataDir = freshDataDir();
    database = await createServerDatabase(await testServerUrl());
  });

  afterEach(async () => {
    for (const { run, below } of started.splice(0)) {
      // The process group outlives npm, so it reaches an orphan too.
      for (const pid of [-(run.npm.pid as number), ...below.map((process) => process.pid)]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serverEnv = (): NodeJS.ProcessEnv => ({ DATABASE_URL: database.url });

  /** `npm start` on a free port, waited for until /api/v1/health answers 200. */
  async function npmStart(databaseEnv: NodeJS.ProcessEnv = serverEnv()): Promise<NpmProcess & { url: string; pid: number }> {
    const run = runNpm('start', { APP_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', ...databaseEnv });
    const entry = { run, below: [] as Array<{ pid: number }> };
    started.push(entry);
    let url = '';
    await eventually(
      'npm start listening',
      async () => {
        if (run.npm.exitCode !== null) throw new Error(`npm start exited early:\n${run.output()}`);
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1] ?? '';
        return url !== '' && (await fetch(`${url}/api/v1/health`).then((response) => response.status === 200, () => false));
      },
      overProcesses(run.output),
    );
    entry.below = descendantsOf(run.npm.pid as number);
    return { ...run, url, pid: run.npm.pid as number };
  }

  async function expectAllGone(processes: Array<{ pid: number; command: string }>, output: () => string): Promise<void> {
    await eventually(
      'every process under npm exiting',
      () => processes.every(({ pid }) => !isRunning(pid)),
      overProcesses(() => `${processes.filter(({ pid }) => isRunning(pid)).map(({ pid, command }) => `${pid} ${command}`).join('\n')}\n${output()}`),
    );
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} sent to the npm process stops the service: it drains, exits, and the port no longer answers`, async () => {
      const service = await npmStart();
      const below = descendantsOf(service.pid);
      expect(below.map(({ command }) => command).join('\n')).to.include('dist/src/main.js');

      process.kill(service.pid, signal);

      expect(await service.exited).to.equal(0);
      await expectAllGone(below, service.output);
      expect(await answers(`${service.url}/api/v1/health`)).to.equal(false);
      expect(service.output()).to.include('userledger stopped');
    });
  }

  it('Ctrl-C (SIGINT to the whole process group, as a terminal sends it) drains once, then stops the embedded PostgreSQL', async () => {
    const service = await npmStart({ DATA_DIR: dataDir });
    const below = descendantsOf(service.pid);
    const postmaster = readPostmasterPid(`${dataDir}/postgres`);
    expect(postmaster?.status).to.equal('ready');

    // npm forwards the signal to its child, which had it from the terminal already: node gets
    // it twice. The second copy must not count as the "second Ctrl-C" that forces an exit.
    process.kill(-service.pid, 'SIGINT');

    expect(await service.exited).to.equal(0);
    await expectAllGone(below, service.output);
    expect(await answers(`${service.url}/api/v1/health`)).to.equal(false);
    expect(service.output()).to.include('shutting down').and.include('userledger stopped');
    expect(isAlive(postmaster?.pid as number), 'the embedded PostgreSQL is stopped').to.equal(false);
  });

  it('SIGTERM sent to `npm run projector` stops the projector and its health port', async () => {
    const port = await freePort();
    const projector = runNpm('projector', { APP_ENV: 'test', LOG_LEVEL: 'info', PROJECTOR_HEALTH_PORT: String(port), ...serverEnv() });
    const entry = { run: projector, below: [] as Array<{ pid: number }> };
    started.push(entry);
    const health = `http://127.0.0.1:${port}/health`;
    await eventually('the projector serving /health', () => {
      if (projector.npm.exitCode !== null) throw new Error(`npm run projector exited early:\n${projector.output()}`);
      return answers(health);
    }, overProcesses(projector.output));
    const below = descendantsOf(projector.npm.pid as number);
    entry.below = below;

    process.kill(projector.npm.pid as number, 'SIGTERM');

    expect(await projector.exited).to.equal(0);
    await expectAllGone(below, projector.output);
    expect(await answers(health)).to.equal(false);
    expect(projector.output()).to.include('projector stopping');
  });
});
