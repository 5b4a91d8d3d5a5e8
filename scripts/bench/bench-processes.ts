import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/project-root';
import type { Cleanup } from './cleanup';

/** A server the bench started in a process of its own (the service, the hello-world). */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * Runs compiled JavaScript under dist/ (`entry` relative to it) on a free port of 127.0.0.1 and
 * waits until `readyPath` answers 200. Its stdout (a log line per request, for the service) goes
 * nowhere, so the bench spends no CPU reading it; the tail of stderr names a failure. It runs in
 * a process group of its own: a terminal's Ctrl-C reaches the bench only, which stops it.
 */
export async function startServerProcess(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  readyPath: string,
  cleanup: Cleanup,
  signal: AbortSignal,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', entry)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = cleanup.add(name, () => stopChild(child, exited));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await answers(`${url}${readyPath}`)) break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline || signal.aborted) {
      await stop();
      signal.throwIfAborted();
      throw new Error(`${name} did not start:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, pid: child.pid as number, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
