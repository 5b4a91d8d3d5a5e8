import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { ROW_IDS } from '../../scripts/bench/run';
import type { BenchReport } from '../../scripts/bench/results';
import { testServerUrl } from '../support/test-database';

const ROOT = path.resolve(__dirname, '..', '..');

interface BenchProcess {
  readonly exited: Promise<number | string>;
  stdout(): string;
  stderr(): string;
  interrupt(): void;
}

/** `npm run bench -- <args>` as npm runs it, with a TMPDIR of its own so leftovers can be seen. */
function bench(args: readonly string[], tmpDir: string, databaseUrl: string): BenchProcess {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', 'scripts/bench/index.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: tmpDir, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { exited, stdout: () => stdout, stderr: () => stderr, interrupt: () => child.kill('SIGINT') };
}

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** The bench's own temporary folders (node's compile cache may sit beside them). */
const benchFolders = (tmp: string): string[] => readdirSync(tmp).filter((name) => name.startsWith('ul-bench-'));
const scratchName = (stderr: string): string => /scratch database (ul_bench_\w+)/.exec(stderr)?.[1] ?? '';
const tableRows = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| row '));
const reportIn = (dir: string): BenchReport => {
  const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
  expect(files, 'one JSON report').to.have.length(1);
  return JSON.parse(readFileSync(path.join(dir, files[0] as string), 'utf8')) as BenchReport;
};

describe('npm run bench (a process)', function () {
  this.timeout(240_000);
  let adminUrl: string;
  let work: string;

  before(async () => {
    adminUrl = await testServerUrl();
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ul-bench-spec-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const folders = (): { tmp: string; out: string } => {
    const tmp = path.join(work, 'tmp');
    const out = path.join(work, 'out');
    for (const dir of [tmp, out]) rmSync(dir, { recursive: true, force: true });
    mkdirSync(tmp);
    return { tmp, out };
  };

  it('--smoke prints one table with every row against its baseline and target, writes the same as JSON, and leaves nothing behind; chart draws it', async () => {
    const { tmp, out } = folders();
    const run = bench(['--smoke', '--out', out], tmp, adminUrl);
    expect(await run.exited, run.stderr()).to.equal(0);

    const lines = tableRows(run.stdout());
    expect(lines, run.stdout()).to.have.length(ROW_IDS.length);
    for (const line of lines) expect(line.split('|').length, line).to.equal(8);
    const report = reportIn(out);
    expect(report).to.include({ smoke: true, interrupted: false });
    expect(report.machine.postgres).to.match(/^PostgreSQL \d+/);
    expect(report.rows.map((row) => row.id)).to.deep.equal([...ROW_IDS]);
    for (const row of report.rows) {
      expect(row.figure.value, row.id).to.be.a('number');
      expect(row.target.kind, row.id).to.be.a('string');
      if (row.target.kind === 'none') expect(row.met, row.id).to.equal(null);
      else expect(row.met, row.id).to.be.a('boolean');
      if (row.id.startsWith('list') || row.id === 'grant-revoke' || row.id.startsWith('append')) {
        expect(row.baseline?.figure.value, row.id).to.be.greaterThan(0);
        expect(row.ratio, row.id).to.be.closeTo(row.figure.value / (row.baseline?.figure.value ?? 1), 1e-9);
        expect(row.figure.value, `${row.id} measured something`).to.be.greaterThan(0);
      }
    }
    expect(run.stdout()).to.contain(report.rows.find((row) => row.id === 'list-1k')?.title);

    expect(await databaseExists(adminUrl, scratchName(run.stderr()))).to.equal(false);
    expect(benchFolders(tmp), 'temporary folders left').to.deep.equal([]);

    const svg = path.join(work, 'chart.svg');
    const chart = bench(['chart', '--from', out, '--to', svg], tmp, adminUrl);
    expect(await chart.exited, chart.stderr()).to.equal(0);
    const drawn = readFileSync(svg, 'utf8');
    expect(drawn).to.match(/^<svg /);
    const charted = report.rows.filter((row) => row.target.kind !== 'none' && row.met !== null);
    expect(drawn.match(/<rect x="\d+/g) ?? []).to.have.length(charted.length);
    for (const row of charted) expect(drawn).to.contain(`>${row.id}<`);
  });

  it('Ctrl-C (SIGINT) mid-run keeps the rows measured so far, printed and written, and removes its database and temporary folders', async () => {
    const { tmp, out } = folders();
    const run = bench(['--smoke', '--out', out], tmp, adminUrl);
    const deadline = Date.now() + 180_000;
    // Once the third row has begun, two are measured and the service runs on a seeded database.
    while (!run.stderr().includes(`[3/${ROW_IDS.length}]`)) {
      if (Date.now() > deadline) throw new Error(`the bench never reached its third row:\n${run.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const database = scratchName(run.stderr());
    expect(await databaseExists(adminUrl, database)).to.equal(true);
    run.interrupt();
    expect(await run.exited, run.stderr()).to.equal(130);

    const report = reportIn(out);
    expect(report.interrupted).to.equal(true);
    expect(report.rows.map((row) => row.id).slice(0, 2)).to.deep.equal(['append-1', 'append-8']);
    expect(report.rows.length).to.be.lessThan(ROW_IDS.length);
    expect(tableRows(run.stdout())).to.have.length(report.rows.length);
    expect(run.stdout()).to.contain('(interrupted)');
    expect(await databaseExists(adminUrl, database)).to.equal(false);
    expect(benchFolders(tmp), 'temporary folders left').to.deep.equal([]);
  });

  it('refuses an unknown row with exit 2 and names the rows it knows', async () => {
    const { tmp, out } = folders();
    const run = bench(['--rows', 'list-1k,list-2m', '--out', out], tmp, adminUrl);
    expect(await run.exited).to.equal(2);
    expect(run.stderr()).to.contain('unknown row list-2m').and.to.contain('list-1m');
    expect(existsSync(out)).to.equal(false);
  });

  it('chart without results exits 2 and says to run the bench first', async () => {
    const { tmp, out } = folders();
    const run = bench(['chart', '--from', out, '--to', path.join(work, 'chart.svg')], tmp, adminUrl);
    expect(await run.exited).to.equal(2);
    expect(run.stderr()).to.contain('run `npm run bench` first');
  });
});
