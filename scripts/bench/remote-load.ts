import { execFile } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/project-root';
import type { LoadFigures, LoadOrder } from './load-client';

/**
 * Runs the compiled load client (dist/scripts/bench/load-client.js, made by scripts/compile.js)
 * in a child process and answers its figures; the signal kills it.
 */
export function remoteLoad(order: LoadOrder, signal?: AbortSignal): Promise<LoadFigures> {
  const client = path.join(PROJECT_ROOT, 'dist', 'scripts', 'bench', 'load-client.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [client, JSON.stringify(order)], { cwd: PROJECT_ROOT, ...(signal ? { signal } : {}), maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`load client failed: ${stderr.trim() || error.message}`, { cause: error }));
        return;
      }
      resolve(JSON.parse(stdout.trim()) as LoadFigures);
    });
  });
}
