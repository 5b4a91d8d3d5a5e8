/**
 * `npm run bench`: every row against its same-run baseline, as one Markdown table (and JSON
 * under var/bench/). See README "Benchmarks". Subcommands:
 * - `seed --users N`: N users into the configured stores, through the event-store port, folded;
 * - `chart`: the last results as an SVG bar chart (docs/bench-chart.svg);
 * - `rebuild`, `log-read`, `start`, `adapters`: the focused benchmarks of earlier issues.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createLogger } from '../../src/create-logger';
import { EventStoreDbEventStore } from '../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { PROJECT_ROOT } from '../../src/shared/project-root';
import { embeddedBenchDatabase, serverBenchDatabase, type BenchDatabase } from './bench-database';
import { benchCatchUp } from './catch-up.bench';
import { renderChart } from './chart';
import { benchAppends } from './event-store.bench';
import { benchStartModes, printFootprint } from './footprint.bench';
import { benchJwt } from './jwt.bench';
import { benchLogRead } from './log-read.bench';
import { printTable, type Measurement } from './measure';
import { benchRebuild, printRebuild } from './rebuild.bench';
import { latestReport, RESULTS_DIR } from './results';
import { ROW_IDS, runBench, type RowId } from './run';
import { seedCommand } from './seed-command';

const machine = (): string => `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;

/** A scratch database of its own: on the server of DATABASE_URL when it is set, else embedded. */
async function scratchDatabase(): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  return url !== undefined && url !== '' ? serverBenchDatabase(url) : embeddedBenchDatabase();
}

async function logRead(): Promise<void> {
  const target = await scratchDatabase();
  const store = new PgEventStore(target.db);
  try {
    const rows = await benchLogRead(target.db, store, target.label, Number(process.env.BENCH_LOG_EVENTS ?? 3_000_000));
    process.stdout.write(`\nuserledger log-read benchmark on ${machine()}\n\n`);
    printTable(rows);
  } finally {
    await store.close();
    await target.dispose();
  }
}

async function rebuild(): Promise<void> {
  const target = await scratchDatabase();
  const store = new PgEventStore(target.db);
  try {
    const users = Number(process.env.BENCH_REBUILD_USERS ?? 500_000);
    const figures = await benchRebuild(target.db, store, createLogger('silent'), users, Number(process.env.BENCH_STEADY_USERS ?? 100_000));
    process.stdout.write(`\nuserledger rebuild benchmark on ${machine()}\n\n`);
    printRebuild(figures, target.label);
  } finally {
    await store.close();
    await target.dispose();
  }
}

/** JWT costs, appends, reads and subscription catch-up per adapter (EventStoreDB too when EVENTSTORE_CONNECTION_STRING is set). */
async function adapters(): Promise<void> {
  const rows: Measurement[] = [...benchJwt()];
  const target = await scratchDatabase();
  const store = new PgEventStore(target.db);
  try {
    rows.push(...(await benchAppends(store, target.label)), await benchCatchUp(store, target.label));
  } finally {
    await store.close();
    await target.dispose();
  }
  const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
  if (esdb !== undefined && esdb !== '') {
    const remote = EventStoreDbEventStore.fromConnectionString(esdb);
    try {
      rows.push(...(await benchAppends(remote, 'eventstoredb')), await benchCatchUp(remote, 'eventstoredb'));
    } finally {
      await remote.close();
    }
  }
  process.stdout.write(`\nuserledger adapter benchmarks on ${machine()}\n\n`);
  printTable(rows);
}

function chart(options: { from: string; to: string }): void {
  const latest = latestReport(options.from);
  if (latest === undefined) throw new UsageError(`no results under ${options.from}: run \`npm run bench\` first`);
  mkdirSync(path.dirname(options.to), { recursive: true });
  writeFileSync(options.to, renderChart(latest.report));
  process.stdout.write(`wrote ${path.relative(process.cwd(), options.to) || options.to} from ${latest.file}\n`);
}

class UsageError extends Error {}

function rowList(value: string): RowId[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(ROW_IDS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown row ${unknown.join(', ')}; rows: ${ROW_IDS.join(', ')}`);
  return ROW_IDS.filter((id) => names.includes(id));
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('npm run bench --')
    .description('every row against its same-run baseline, printed as one Markdown table and written as JSON')
    .option('--smoke', 'a few seconds: every kind of row at tiny sizes', false)
    .addOption(new Option('--rows <names>', `comma-separated rows to run (${ROW_IDS.join(', ')})`).argParser(rowList))
    .option('--url <url>', 'measure the service running at this URL (log in with BENCH_USERNAME / BENCH_PASSWORD) instead of starting one')
    .option('--out <dir>', 'where the JSON results go', RESULTS_DIR)
    .exitOverride()
    .action(async (options: { smoke: boolean; rows?: RowId[]; url?: string; out: string }) => {
      exitCode = await runBench({
        smoke: options.smoke,
        rows: options.rows ?? [...ROW_IDS],
        ...(options.url === undefined ? {} : { url: options.url }),
        outDir: options.out,
        command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
      });
    });
  program
    .command('seed')
    .description('writes users through the event-store port into the configured stores and folds them')
    .requiredOption('--users <n>', 'how many users', positiveInteger)
    .action(async (options: { users: number }) => seedCommand(options.users));
  program
    .command('chart')
    .description('renders the last results as an SVG bar chart of each row against its target')
    .option('--from <dir>', 'where the results are', RESULTS_DIR)
    .option('--to <file>', 'the SVG to write', path.join(PROJECT_ROOT, 'docs', 'bench-chart.svg'))
    .action((options: { from: string; to: string }) => chart(options));
  program.command('rebuild').description('`projections rebuild users` on users seeded by SQL, its floor, and the steady fold').action(rebuild);
  program.command('log-read').description('pages of the global log at the start, middle and tail of a long log').action(logRead);
  program.command('start').description('start time and memory: compiled against the TypeScript runner').action(async () => printFootprint(await benchStartModes()));
  program.command('adapters').description('JWT costs, appends, reads and catch-up per event-store adapter').action(adapters);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
