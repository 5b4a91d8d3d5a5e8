import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/project-root';
import { pssOfTree } from './process-memory';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript that npm runs before any TypeScript support
const { compile } = require('../compile.js') as { compile(): unknown };

/** A figure with a limit it must stay within, such as memory. */
export interface Footprint {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly limit: number;
}

const ROOT = { username: 'bench.root', password: 'bench-password' };
const json = { 'content-type': 'application/json' };
const MB = 1024 * 1024;

/**
 * What `npm start` holds on a fresh data folder: the compiled service and its embedded
 * PostgreSQL (every process of the tree, by proportional set size), idle after start and after
 * a few hundred mixed requests; and how long the first start takes, initdb included.
 */
export async function benchFootprint(): Promise<Footprint[]> {
  if (process.platform !== 'linux') return [];
  compile();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ul-bench-footprint-'));
  const started = Date.now();
  const service = startService(COMPILED, dataDir);
  try {
    const url = await listening(service);
    const firstStartMs = Date.now() - started;
    await pause(3_000);
    const idle = pssOfTree(service.pid as number);
    await mixedRequests(url, 300);
    await pause(2_000);
    const loaded = pssOfTree(service.pid as number);
    return [
      { name: `first start on a fresh data folder (initdb included), until /api/v1/health answers`, value: firstStartMs / 1000, unit: 's', limit: 10 },
      { name: `memory idle after start: service + embedded PostgreSQL (${idle.processes} processes, PSS)`, value: idle.bytes / MB, unit: 'MB', limit: 200 },
      { name: `memory after 300 mixed requests (${loaded.processes} processes, PSS)`, value: loaded.bytes / MB, unit: 'MB', limit: 300 },
    ];
  } finally {
    await stop(service);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** How the service runs: compiled (what `npm start` runs after its swc step), or through ts-node. */
const COMPILED = [path.join('dist', 'src', 'main.js')];
const TYPESCRIPT_RUNNER = ['-r', './scripts/register.js', path.join('src', 'main.ts')];

function startService(args: readonly string[], dataDir: string): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_ENV: 'local',
      PORT: '0',
      DATA_DIR: dataDir,
      BOOTSTRAP_SUPER_ADMIN_USERNAME: ROOT.username,
      BOOTSTRAP_SUPER_ADMIN_PASSWORD: ROOT.password,
      // Its mixed requests sign up 30 users at once from one address: the footprint, not the throttle, is measured.
      THROTTLE_ADDRESS_SIGNUPS: '1000000',
      HASHER_SIGNUP_QUEUE_MAX: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function stop(service: ChildProcess): Promise<void> {
  if (service.exitCode !== null) return;
  const exited = new Promise((resolve) => service.once('exit', resolve));
  service.kill('SIGTERM');
  await exited;
}

/**
 * `npm run bench -- start`: the compiled service against the TypeScript runner, `runs` warm
 * starts each, taking turns on one initialised data folder: seconds from spawn until
 * /api/v1/health answers, and the PSS of the whole tree (service and PostgreSQL) 3 s later.
 */
export async function benchStartModes(runs = 5): Promise<Footprint[]> {
  if (process.platform !== 'linux') return [];
  compile();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ul-bench-start-'));
  const modes = [
    { name: 'compiled, as `npm start` runs it (node dist/src/main.js)', args: COMPILED, starts: [] as number[], pss: [] as number[] },
    { name: 'through ts-node (node -r ./scripts/register.js src/main.ts)', args: TYPESCRIPT_RUNNER, starts: [] as number[], pss: [] as number[] },
  ];
  try {
    await stop(await warmUp(dataDir));
    for (let run = 0; run < runs; run++) {
      for (const mode of modes) {
        const started = Date.now();
        const service = startService(mode.args, dataDir);
        try {
          await listening(service);
          mode.starts.push((Date.now() - started) / 1000);
          await pause(3_000);
          mode.pss.push(pssOfTree(service.pid as number).bytes / MB);
        } finally {
          await stop(service);
        }
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return modes.flatMap((mode) => [
    { name: `start, ${mode.name}, median of ${runs}`, value: median(mode.starts), unit: 's', limit: 10 },
    { name: `memory idle, ${mode.name}, with PostgreSQL, median of ${runs}`, value: median(mode.pss), unit: 'MB', limit: 200 },
  ]);
}

async function warmUp(dataDir: string): Promise<ChildProcess> {
  const service = startService(COMPILED, dataDir);
  await listening(service);
  return service;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function listening(service: ChildProcess): Promise<string> {
  let output = '';
  service.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url !== undefined && (await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false))) return url;
    if (service.exitCode !== null || Date.now() > deadline) throw new Error(`the service did not start:\n${output}`);
    await pause(20);
  }
}

/** Sign-ups, log-ins, admin commands and authenticated lists: `total` requests in all. */
async function mixedRequests(url: string, total: number): Promise<void> {
  const call = async (method: string, route: string, body?: unknown, cookie?: string): Promise<Response> => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { ...json, ...(cookie === undefined ? {} : { cookie }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 400) throw new Error(`${method} ${route} answered ${response.status}`);
    return response;
  };
  const root = await call('POST', '/api/v1/account/login', ROOT);
  const cookie = (root.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const users = Array.from({ length: Math.round(total / 10) }, (_, i) => ({ username: `bench.user${i}`, password: 'secret1' }));
  const created = await Promise.all(users.map(async (user) => ((await (await call('POST', '/api/v1/account/signup', user)).json()) as { id: string }).id));
  await Promise.all(users.map((user) => call('POST', '/api/v1/account/login', user).then((r) => r.arrayBuffer())));
  for (const id of created) {
    await call('PUT', `/api/v1/users/${id}/roles/admin`, undefined, cookie);
    await call('DELETE', `/api/v1/users/${id}/activation`, undefined, cookie);
  }
  const lists = total - 1 - 4 * users.length;
  for (let done = 0; done < lists; done += 16) {
    await Promise.all(Array.from({ length: Math.min(16, lists - done) }, () => call('GET', '/api/v1/users/?limit=20', undefined, cookie).then((r) => r.arrayBuffer())));
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function printFootprint(rows: readonly Footprint[]): void {
  if (rows.length === 0) return;
  const body = rows.map((row) => [row.name, `${row.value.toFixed(1)} ${row.unit}`, `≤ ${row.limit} ${row.unit}`, row.value <= row.limit ? 'met' : 'not met']);
  const header = ['footprint', 'measured', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const cells of body) process.stdout.write(`${line(cells)}\n`);
}
