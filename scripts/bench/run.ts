import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadSettings } from '../../src/config/load-settings';
import { BcryptPasswordHasher } from '../../src/features/users';
import { startServerProcess } from './bench-processes';
import { Cleanup } from './cleanup';
import { commandRow, deepPageRows, listRow, passwordRow, visibilityRows, type HttpContext } from './http-rows';
import { pssOfTree } from './process-memory';
import { Progress } from './progress';
import { judged, markdownTable, writeReport, type BenchReport, type Figure, type RowResult } from './results';
import { openScratchDatabase, scratchFolder, type ScratchDatabase } from './scratch-database';
import { SEED_PASSWORD, seedUsers } from './seed';
import { call, logIn, MemorySampler, ROOT, type ServiceUnderTest } from './service-under-test';
import { appendRow, rebuildRow } from './store-rows';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript that npm runs before any TypeScript support
const { compile } = require('../compile.js') as { compile(): unknown };

/** Every row, in the order a run measures them; `--rows` picks among these names. */
export const ROW_IDS = [
  'append-1',
  'append-8',
  'memory-idle',
  'list-1k',
  'grant-revoke',
  'activate-deactivate',
  'log-in',
  'sign-up',
  'visible',
  'visible-min-position',
  'list-100k',
  'list-1m',
  'offset-deep',
  'cursor-deep',
  'memory-load',
  'rebuild',
] as const;
export type RowId = (typeof ROW_IDS)[number];

export interface RunOptions {
  readonly smoke: boolean;
  readonly rows: readonly RowId[];
  /** A running service to measure instead of starting one (its credentials from BENCH_USERNAME / BENCH_PASSWORD). */
  readonly url?: string;
  readonly outDir?: string;
  readonly command: string;
}

/** Sizes and durations: the real run, or the smoke's few seconds with every kind of row. */
const PLAN = {
  full: { sizes: [1_000, 100_000, 1_000_000], connections: 32, warmupMs: 1_000, durationMs: 5_000, appendMs: 5_000, samples: 200, bcryptMs: 4_000 },
  smoke: { sizes: [20, 40, 60], connections: 4, warmupMs: 100, durationMs: 300, appendMs: 200, samples: 5, bcryptMs: 300 },
} as const;

/**
 * The whole run: prints one Markdown table on stdout, writes it as JSON, and always cleans up.
 * SIGINT (Ctrl-C) aborts the row in progress; the rows measured so far are printed and written,
 * then the scratch database, the temporary folders and the child processes go. A second
 * Ctrl-C exits at once. Answers the process's exit code.
 */
export async function runBench(options: RunOptions): Promise<number> {
  const plan = options.smoke ? PLAN.smoke : PLAN.full;
  const progress = new Progress();
  const cleanup = new Cleanup();
  const controller = new AbortController();
  const { signal } = controller;
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    progress.line('interrupted: keeping the rows measured so far, cleaning up (Ctrl-C again to exit at once)');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  const startedAt = new Date().toISOString();
  const rows: RowResult[] = [];
  const want = (id: string): boolean => (options.rows as readonly string[]).includes(id);
  let server = '?';
  let failure: unknown;
  try {
    compile();
    const scratch = await openScratchDatabase(cleanup, process.env.DATABASE_URL, 20);
    server = scratch.server;
    progress.line(`scratch database ${scratch.name} on ${scratch.server}`);
    const total = options.rows.length;
    let index = 0;
    const row = async (id: RowId, title: string, estimateS: number, work: () => Promise<RowResult | RowResult[]>): Promise<void> => {
      if (!want(id)) return;
      index += 1;
      progress.row(index, total, id, title, estimateS);
      const result = await work();
      rows.push(...(Array.isArray(result) ? result : [result]));
    };
    const appendS = (2 * plan.appendMs) / 1000;
    await row('append-1', 'event-store append vs single-row INSERT, 1 connection', appendS, () => appendRow(scratch, 1, plan.appendMs, signal));
    await row('append-8', 'event-store append vs single-row INSERT, 8 connections', appendS, () => appendRow(scratch, 8, plan.appendMs, signal));

    const httpIds: RowId[] = ROW_IDS.filter((id) => !id.startsWith('append') && id !== 'rebuild');
    if (httpIds.some(want) || want('rebuild')) {
      const hello = await startServerProcess('the hello-world', 'scripts/bench/hello-world.js', {}, '/', cleanup, signal);
      const settings = loadSettings({ APP_ENV: 'local' }).settings;
      const service = await serviceUnderTest(options, scratch, cleanup, signal);
      const memory = new MemorySampler(service.process?.pid);
      const ctx: HttpContext = { service, helloUrl: hello.url, connections: plan.connections, warmupMs: plan.warmupMs, durationMs: plan.durationMs, signal, memory };
      const loadS = (2 * (plan.warmupMs + plan.durationMs)) / 1000;
      await row('memory-idle', 'memory of the idle service', 3, async () => memoryRow('memory-idle', 'memory of the service, idle after start', service, hello.pid, options.smoke ? 200 : 2_000, { kind: 'at-most', value: 200 }));

      const passwordHash = await hasherOf(settings).hash(SEED_PASSWORD);
      let seeded = 0;
      const grow = async (size: number): Promise<number> => {
        if (options.url !== undefined) return Number(((await (await call(service, 'GET', '/api/v1/users/?limit=1', undefined, await logIn(service))).json()) as { total: number }).total);
        if (size > seeded) await seedAndFold(scratch, service, size - seeded, passwordHash, progress, signal);
        seeded = Math.max(seeded, size);
        return seeded;
      };
      const [small, medium, large] = plan.sizes;
      if (['list-1k', 'grant-revoke', 'activate-deactivate', 'log-in', 'sign-up', 'visible', 'visible-min-position'].some(want)) await grow(small);
      await row('list-1k', `authenticated list, ${small.toLocaleString('en')} users`, loadS, async () => listRow(ctx, 'list-1k', await grow(small), { kind: 'ratio-at-least', value: 0.45 }));
      const needsUsers = ['grant-revoke', 'activate-deactivate', 'log-in', 'visible', 'visible-min-position'].some(want);
      const tag = randomBytes(2).toString('hex');
      const targets = needsUsers ? await createUsers(service, tag, plan.connections + 2) : [];
      const [probe, loginUser, ...commandTargets] = targets;
      await row('grant-revoke', 'grant and revoke admin', loadS, () => commandRow(ctx, 'grant-revoke', commandTargets.map((u) => u.id)));
      await row('activate-deactivate', 'deactivate and activate', loadS, () => commandRow(ctx, 'activate-deactivate', commandTargets.map((u) => u.id)));
      if (want('log-in') || want('sign-up')) {
        progress.line(`  measuring the bcrypt bound (cost ${settings.password.hasherWorkFactor})`);
        const bound = await bcryptBound(settings, plan.bcryptMs, signal);
        const passwordS = (plan.warmupMs + 2 * plan.durationMs) / 1000;
        await row('log-in', 'log-in against the bcrypt bound', passwordS, () => passwordRow(ctx, 'log-in', bound, { username: loginUser?.username ?? '', password: USER_PASSWORD }, tag));
        await row('sign-up', 'sign-up against the bcrypt bound', passwordS, () => passwordRow(ctx, 'sign-up', bound, { username: '', password: '' }, tag));
      }
      if (want('visible') || want('visible-min-position')) {
        index += 1;
        progress.row(index, total, 'visible', 'write-to-visible latency, without and with min_position', plan.samples * 0.05);
        index += want('visible') && want('visible-min-position') ? 1 : 0;
        rows.push(...(await visibilityRows(ctx, plan.samples, want, probe?.id ?? '')));
      }
      if (want('list-100k')) await grow(medium);
      await row('list-100k', `authenticated list, ${medium.toLocaleString('en')} users`, loadS, async () => listRow(ctx, 'list-100k', await grow(medium), { kind: 'ratio-at-least', value: 0.45 }));
      if (['list-1m', 'offset-deep', 'cursor-deep', 'rebuild'].some(want)) await grow(large);
      await row('list-1m', `authenticated list, ${large.toLocaleString('en')} users`, loadS, async () => listRow(ctx, 'list-1m', await grow(large), { kind: 'ratio-at-least', value: 0.45 }));
      if (want('offset-deep') || want('cursor-deep')) {
        const pageOne = rows.find((r) => r.id === 'list-1m')?.figure;
        const size = await grow(large);
        index += 1;
        progress.row(index, total, 'offset-deep', `a page half-way down ${size.toLocaleString('en')} users, by offset and by cursor`, (3 * plan.durationMs) / 1000);
        index += want('offset-deep') && want('cursor-deep') ? 1 : 0;
        rows.push(...(await deepPageRows(ctx, size, pageOne, want)));
      }
      await row('memory-load', 'memory of the service under load', 1, async () => {
        if (memory.peakBytes === 0) await listRow(ctx, 'memory-load', seeded, { kind: 'none', why: '' });
        return memoryRow('memory-load', 'memory of the service, peak under the loads above', service, hello.pid, 0, { kind: 'at-most', value: 300 }, memory.peakBytes);
      });
      if (want('rebuild')) {
        // The rebuild runs alone: the service and its projector would compete with it for the two cores.
        await service.process?.stop();
        await hello.stop();
        await row('rebuild', `rebuild of the users projection over ${seeded.toLocaleString('en')} users`, seeded / 40_000, () => rebuildRow(scratch, progress, signal));
      }
    }
  } catch (error) {
    if (!signal.aborted) failure = error;
  } finally {
    process.off('SIGINT', onSigint);
    // A failure or Ctrl-C still leaves what it measured.
    const report: BenchReport = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: options.command,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.version, postgres: server, eventStore: 'postgres' },
      smoke: options.smoke,
      interrupted: signal.aborted,
      rows,
    };
    process.stdout.write(`\nuserledger bench, ${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}, ${server}${signal.aborted ? ' (interrupted)' : ''}\n\n${markdownTable(rows)}\n`);
    const file = writeReport(report, options.outDir);
    progress.line(`wrote ${file}`);
    await cleanup.runAll();
    progress.line('cleaned up');
  }
  if (failure !== undefined) {
    process.stderr.write(`bench failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`);
    return 1;
  }
  return signal.aborted ? 130 : 0;
}

const USER_PASSWORD = 'bench-secret1';

async function serviceUnderTest(options: RunOptions, scratch: ScratchDatabase, cleanup: Cleanup, signal: AbortSignal): Promise<ServiceUnderTest> {
  if (options.url !== undefined) {
    return { url: options.url.replace(/\/$/, ''), credentials: { username: process.env.BENCH_USERNAME ?? '', password: process.env.BENCH_PASSWORD ?? '' } };
  }
  const env = {
    APP_ENV: 'local',
    DATABASE_URL: scratch.url,
    DATA_DIR: scratchFolder(cleanup, 'data'),
    LOG_LEVEL: 'info',
    BOOTSTRAP_SUPER_ADMIN_USERNAME: ROOT.username,
    BOOTSTRAP_SUPER_ADMIN_PASSWORD: ROOT.password,
    // The log-in and sign-up rows measure hashing, from one address and (log-in) one account at
    // 8 connections: under the default throttle all but one check at a time would answer 429.
    THROTTLE_ACCOUNT_FREE_FAILURES: '1000000',
    THROTTLE_ACCOUNT_FAILURES_PER_HOUR: '1000000',
    THROTTLE_ADDRESS_FAILURES: '1000000',
    THROTTLE_ADDRESS_SIGNUPS: '1000000',
    THROTTLE_ACCOUNT_WRITES_PER_HOUR: '1000000',
  };
  const started = await startServerProcess('the service', 'src/main.js', env, '/api/v1/health', cleanup, signal);
  return { url: started.url, process: started, credentials: ROOT };
}

function hasherOf(settings: ReturnType<typeof loadSettings>['settings']): BcryptPasswordHasher {
  return new BcryptPasswordHasher({ pepper: settings.password.pepper, cost: settings.password.hasherWorkFactor, maxConcurrent: 1, waitTimeoutMs: 60_000 });
}

/** bcrypt alone at the service's cost, one hash after another in this process, × the cores: what log-in and sign-up can reach at best. */
async function bcryptBound(settings: ReturnType<typeof loadSettings>['settings'], durationMs: number, signal: AbortSignal): Promise<{ name: string; figure: Figure }> {
  const hasher = hasherOf(settings);
  const started = performance.now();
  let hashes = 0;
  while (hashes < 3 || performance.now() - started < durationMs) {
    signal.throwIfAborted();
    await hasher.hash(randomUUID());
    hashes += 1;
  }
  const perCore = hashes / ((performance.now() - started) / 1000);
  const cores = os.cpus().length;
  return { name: `bcrypt cost ${settings.password.hasherWorkFactor}: ${perCore.toFixed(1)} hashes/s × ${cores} cores`, figure: { value: perCore * cores, unit: 'req/s' } };
}

/** Users made through the API (the probe of the visibility rows sorts first by username), each with USER_PASSWORD. */
async function createUsers(service: ServiceUnderTest, tag: string, count: number): Promise<Array<{ id: string; username: string }>> {
  const cookie = await logIn(service);
  const names = Array.from({ length: count }, (_, i) => (i === 0 ? `0probe${tag}` : `t${tag}.${i}`));
  const users: Array<{ id: string; username: string }> = [];
  // Four at a time, as many as the service hashes at once: more would only queue for its hasher.
  for (let i = 0; i < names.length; i += 4) {
    const batch = await Promise.all(
      names.slice(i, i + 4).map(async (username) => {
        const created = (await (await call(service, 'POST', '/api/v1/users/', { username, password: USER_PASSWORD, role: 'user' }, cookie)).json()) as { id: string };
        return { id: created.id, username };
      }),
    );
    users.push(...batch);
  }
  return users;
}

/**
 * Seeds users through the event-store port and waits until the service's projector has folded
 * them: the users read model first (a list with `min_position`), then every other projection and
 * reaction, which scan the same events, so that no row times the service while its own
 * projector still digests the import. Then it lets the database settle.
 */
async function seedAndFold(scratch: ScratchDatabase, service: ServiceUnderTest, users: number, passwordHash: string, progress: Progress, signal: AbortSignal): Promise<void> {
  progress.line(`  seeding ${users.toLocaleString('en')} users through the event store`);
  const seed = await seedUsers({ kind: 'postgres', db: scratch.db }, { users, passwordHash, signal, onProgress: progress.eta('seeding', 'users') });
  if (seed.lastPosition === undefined) return;
  progress.line(`  seeded in ${seed.seconds.toFixed(1)} s; waiting for the projector to fold them`);
  const cookie = await logIn(service);
  for (;;) {
    signal.throwIfAborted();
    const response = await call(service, 'GET', `/api/v1/users/?limit=1&min_position=${seed.lastPosition}`, undefined, cookie, signal);
    if (response.headers.get('x-read-model-stale') !== 'true') break;
  }
  await allCaughtUp(service, cookie, seed.lastPosition, progress, signal);
  await settle(scratch, progress);
}

/**
 * A database just bulk-loaded is measured as one that has settled: CHECKPOINT writes out what
 * the seeding dirtied (else the server writes it out, spread over minutes, under the next rows),
 * and ANALYZE gives the planner the tables' new sizes. A default server's autovacuum would do
 * the second on its own, in its own time; some servers run with it off.
 */
async function settle(scratch: ScratchDatabase, progress: Progress): Promise<void> {
  const started = Date.now();
  let done = 'checkpointed and analyzed';
  try {
    await scratch.db.query('CHECKPOINT', []);
  } catch (error) {
    // CHECKPOINT needs a superuser or pg_checkpoint; the rows still run, on a database less settled.
    progress.line(`  could not checkpoint (${(error as Error).message}); measuring without`);
    done = 'analyzed';
  }
  await scratch.db.query('ANALYZE', []);
  progress.line(`  ${done} the seeded database in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

interface ProjectionsHealth {
  readonly projections: readonly { readonly name: string; readonly checkpoint: string | null }[];
}

/** Polls the projections' health until every projection and reaction has passed `position`. */
async function allCaughtUp(service: ServiceUnderTest, cookie: string, position: bigint, progress: Progress, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  let said = started;
  for (;;) {
    signal.throwIfAborted();
    const health = (await (await call(service, 'GET', '/api/v1/health/projections', undefined, cookie, signal)).json()) as ProjectionsHealth;
    const behind = health.projections.filter((projection) => projection.checkpoint === null || BigInt(projection.checkpoint) < position);
    if (behind.length === 0) return;
    if (Date.now() - said >= 5_000) {
      said = Date.now();
      progress.line(`  waiting for ${behind.map((projection) => projection.name).join(', ')} to catch up (${Math.round((said - started) / 1000)} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function memoryRow(id: RowId, title: string, service: ServiceUnderTest, helloPid: number, settleMs: number, target: { kind: 'at-most'; value: number }, peakBytes?: number): Promise<RowResult> {
  const pid = service.process?.pid;
  return new Promise((resolve) => {
    setTimeout(() => {
      const MB = 1024 * 1024;
      const measured = pid === undefined ? Number.NaN : (peakBytes ?? pssOfTree(pid).bytes) / MB;
      const hello = pssOfTree(helloPid).bytes / MB;
      resolve(judged({ id, title: `${title} (PSS of its process tree${pid === undefined ? '; not measured with --url' : ''})`, figure: { value: measured, unit: 'MB' }, baseline: { name: 'the hello-world process, PSS', figure: { value: hello, unit: 'MB' } }, target }));
    }, settleMs);
  });
}

