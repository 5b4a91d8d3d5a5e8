import type { LoadFigures, LoadOrder, LoadStep } from './load-client';
import { percentiles } from './measure';
import { remoteLoad } from './remote-load';
import type { Figure, RowResult, Target } from './results';
import { judged } from './results';
import { call, logIn, type MemorySampler, type ServiceUnderTest } from './service-under-test';

/** What the HTTP rows share: the service, the hello-world, how long and how wide each load runs. */
export interface HttpContext {
  readonly service: ServiceUnderTest;
  readonly helloUrl: string;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly signal: AbortSignal;
  readonly memory: MemorySampler;
}

const get = (path: string): LoadStep => ({ method: 'GET', path, status: 200 });
export const rate = (figures: LoadFigures): Figure => ({ value: figures.perSecond, unit: 'req/s', p50Ms: figures.p50Ms, p99Ms: figures.p99Ms });

/** A load against the service from the client process, with the memory sampled meanwhile. */
export async function serviceLoad(ctx: HttpContext, scripts: LoadOrder['scripts'], options: { cookie?: string; connections?: number; durationMs?: number } = {}): Promise<LoadFigures> {
  ctx.memory.start();
  try {
    return await remoteLoad(
      {
        baseUrl: ctx.service.url,
        ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
        connections: options.connections ?? ctx.connections,
        warmupMs: ctx.warmupMs,
        durationMs: options.durationMs ?? ctx.durationMs,
        scripts,
      },
      ctx.signal,
    );
  } finally {
    ctx.memory.stop();
  }
}

/** The baseline of the HTTP rows, measured right before each of them: `res.json` on Express 5, same client, same width. */
export async function helloWorld(ctx: HttpContext, durationMs = ctx.durationMs): Promise<{ name: string; figure: Figure }> {
  const figures = await remoteLoad({ baseUrl: ctx.helloUrl, connections: ctx.connections, warmupMs: ctx.warmupMs, durationMs, scripts: [[get('/')]] }, ctx.signal);
  return { name: `Express 5 hello-world (res.json), ${ctx.connections} connections`, figure: rate(figures) };
}

export const LIST_PATH = '/api/v1/users/?limit=20';

export async function listRow(ctx: HttpContext, id: string, users: number, target: Target): Promise<RowResult> {
  const baseline = await helloWorld(ctx);
  const cookie = await logIn(ctx.service);
  const figures = await serviceLoad(ctx, [[get(LIST_PATH)]], { cookie });
  return judged({ id, title: `authenticated GET /api/v1/users/?limit=20, ${users.toLocaleString('en')} users, ${ctx.connections} connections`, figure: rate(figures), baseline, target });
}

/** An offset page half-way down the table against page 1, then the same depth by the cursor of the page before it. */
export async function deepPageRows(ctx: HttpContext, users: number, pageOne: Figure | undefined, want: (id: string) => boolean): Promise<RowResult[]> {
  const depth = Math.max(20, Math.floor(users / 2));
  const cookie = await logIn(ctx.service);
  const firstPage = pageOne ?? rate(await serviceLoad(ctx, [[get(LIST_PATH)]], { cookie }));
  const baseline = { name: `page 1 at the same size, ${ctx.connections} connections`, figure: firstPage };
  const rows: RowResult[] = [];
  // Deep offset pages cost PostgreSQL most of a second each: two connections keep the server from queueing them for minutes.
  const offsetConnections = Math.min(2, ctx.connections);
  if (want('offset-deep')) {
    const figures = await serviceLoad(ctx, [[get(`${LIST_PATH}&offset=${depth}`)]], { cookie, connections: offsetConnections, durationMs: ctx.durationMs * 2 });
    rows.push(judged({ id: 'offset-deep', title: `list page by offset=${depth.toLocaleString('en')} of ${users.toLocaleString('en')} users, ${offsetConnections} connections`, figure: rate(figures), baseline, target: { kind: 'none', why: 'why the cursor exists' } }));
  }
  if (want('cursor-deep')) {
    const before = (await (await call(ctx.service, 'GET', `${LIST_PATH}&offset=${depth - 20}`, undefined, cookie)).json()) as { next_cursor: string | null };
    if (before.next_cursor === null) throw new Error(`no next_cursor at offset ${depth - 20}`);
    const figures = await serviceLoad(ctx, [[get(`${LIST_PATH}&cursor=${encodeURIComponent(before.next_cursor)}`)]], { cookie });
    rows.push(judged({ id: 'cursor-deep', title: `list page by cursor at the same depth, ${ctx.connections} connections`, figure: rate(figures), baseline, target: { kind: 'ratio-at-least', value: 0.8 } }));
  }
  return rows;
}

/** Each connection toggles a user of its own (no two writers on one stream): grant/revoke, or deactivate/activate. */
export async function commandRow(ctx: HttpContext, id: 'grant-revoke' | 'activate-deactivate', targets: readonly string[]): Promise<RowResult> {
  const baseline = await helloWorld(ctx);
  const cookie = await logIn(ctx.service);
  const scripts = targets.map((user): LoadStep[] =>
    id === 'grant-revoke'
      ? [{ method: 'PUT', path: `/api/v1/users/${user}/roles/admin`, status: 204 }, { method: 'DELETE', path: `/api/v1/users/${user}/roles/admin`, status: 204 }]
      : [{ method: 'DELETE', path: `/api/v1/users/${user}/activation`, status: 204 }, { method: 'PUT', path: `/api/v1/users/${user}/activation`, status: 204 }],
  );
  const figures = await serviceLoad(ctx, scripts, { cookie });
  const what = id === 'grant-revoke' ? 'PUT/DELETE /api/v1/users/{id}/roles/admin (grant, revoke)' : 'DELETE/PUT /api/v1/users/{id}/activation (deactivate, activate)';
  return judged({ id, title: `${what}, ${ctx.connections} connections`, figure: rate(figures), baseline, target: { kind: 'ratio-at-least', value: 0.15 } });
}

/** Log-in or sign-up against what bcrypt alone allows on this machine: hashes per second on one core × cores. */
export async function passwordRow(ctx: HttpContext, id: 'log-in' | 'sign-up', bound: { name: string; figure: Figure }, user: { username: string; password: string }, tag: string): Promise<RowResult> {
  // The service's hasher answers 503 when a hash waits too long for a slot: counted, not fatal.
  const step: LoadStep =
    id === 'log-in'
      ? { method: 'POST', path: '/api/v1/account/login', body: JSON.stringify(user), status: 204, tolerated: [503] }
      : { method: 'POST', path: '/api/v1/account/signup', body: JSON.stringify({ username: `s${tag}{n}`, password: 'secret1' }), status: 201, tolerated: [503] };
  // Twice the hasher's four slots keep it busy without a queue that only turns into 503s; bcrypt-bound
  // requests are few per second, so a longer window gives the percentiles enough samples.
  const connections = Math.min(8, ctx.connections);
  const figures = await serviceLoad(ctx, [[step]], { durationMs: ctx.durationMs * 2, connections });
  const title = id === 'log-in' ? 'POST /api/v1/account/login' : 'POST /api/v1/account/signup';
  const refused = figures.refused > 0 ? `, ${figures.refused} answered 503` : '';
  return judged({ id, title: `${title}, ${connections} connections${refused}`, figure: rate(figures), baseline: bound, target: { kind: 'ratio-at-least', value: 0.9 } });
}

/**
 * From the answer of a write (deactivate, activate: the user's is_active flips) until a list
 * shows it: without min_position, lists one after another until one does; with it, one list
 * that waits for the position. The baseline is a plain list's round trip, one at a time.
 */
export async function visibilityRows(ctx: HttpContext, samples: number, want: (id: string) => boolean, userId: string): Promise<RowResult[]> {
  const cookie = await logIn(ctx.service);
  const firstPage = `/api/v1/users/?limit=1&sorting_field=username&sorting_order=ASC`;
  const listed = async (path: string): Promise<{ active: boolean; stale: boolean }> => {
    const response = await call(ctx.service, 'GET', path, undefined, cookie, ctx.signal);
    const page = (await response.json()) as { users: Array<{ id_: string; is_active: boolean }> };
    const first = page.users[0];
    if (first?.id_ !== userId) throw new Error('the visibility probe user is not first in the list');
    return { active: first.is_active, stale: response.headers.get('x-read-model-stale') === 'true' };
  };
  const plain: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await listed(firstPage);
    plain.push(performance.now() - t0);
  }
  const baseline = { name: 'one authenticated list round trip, one at a time', figure: latency(plain) };
  const rows: RowResult[] = [];
  let active = (await listed(firstPage)).active;
  const flip = async (): Promise<string> => {
    const response = await call(ctx.service, active ? 'DELETE' : 'PUT', `/api/v1/users/${userId}/activation`, undefined, cookie, ctx.signal);
    active = !active;
    return response.headers.get('x-log-position') ?? '';
  };
  if (want('visible')) {
    const waits: number[] = [];
    for (let i = 0; i < samples; i++) {
      await flip();
      const t0 = performance.now();
      while ((await listed(firstPage)).active !== active) ctx.signal.throwIfAborted();
      waits.push(performance.now() - t0);
    }
    rows.push(judged({ id: 'visible', title: 'write to visible in the list, lists one after another', figure: latency(waits), baseline, target: { kind: 'p99-below', valueMs: 100 } }));
  }
  if (want('visible-min-position')) {
    const waits: number[] = [];
    for (let i = 0; i < samples; i++) {
      const position = await flip();
      const t0 = performance.now();
      const seen = await listed(`${firstPage}&min_position=${position}`);
      if (seen.stale || seen.active !== active) throw new Error('a list with min_position did not show the write');
      waits.push(performance.now() - t0);
    }
    rows.push(judged({ id: 'visible-min-position', title: 'write to visible in the list, one list with min_position', figure: latency(waits), baseline, target: { kind: 'none', why: 'bounded by READ_YOUR_WRITES_WAIT_MS' } }));
  }
  return rows;
}

function latency(samples: readonly number[]): Figure {
  const { p50Ms, p99Ms } = percentiles(samples);
  return { value: p99Ms, unit: 'ms', p50Ms, p99Ms };
}
