import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './eventually';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript, run by npm before any TypeScript support
const { compile } = require('../../scripts/compile.js') as { compile(): unknown };

const ROOT = path.resolve(__dirname, '..', '..');

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

let compiled = false;

/**
 * Runs an entry point of the repository (src/main.ts, a script) as its own process, the way its
 * npm script does: the JavaScript that `scripts/compile.js` makes in dist/ (compiled once per
 * test run). Test code (test/…) runs through the TypeScript runner.
 */
export function runTs(entry: string, args: readonly string[], env: NodeJS.ProcessEnv): ServiceProcess {
  const fromTests = entry.startsWith('test/');
  if (!fromTests && !compiled) {
    compile();
    compiled = true;
  }
  const command = fromTests ? ['-r', './scripts/register.js', entry] : [path.join('dist', entry.replace(/\.ts$/, '.js'))];
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { child, output: () => output, exited };
}

/** Starts `src/main.ts` and waits until it logs the URL it listens on. */
export async function startServiceProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServiceProcess & { url: string }> {
  const service = runTs('src/main.ts', [], { APP_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', ...env });
  try {
    const url = await eventually('the service to listen', () => {
      if (service.child.exitCode !== null) throw new Error(`the service exited early:\n${service.output()}`);
      // `listening on http://127.0.0.1:N`, or on every interface `(… locally http://127.0.0.1:N)`.
      return /(?:listening on|locally) (http:\/\/127\.0\.0\.1:\d+)/.exec(service.output())?.[1];
    }, { timeoutMs, detail: service.output });
    return { ...service, url };
  } catch (error) {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    throw error;
  }
}
