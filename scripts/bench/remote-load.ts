import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Measurement } from './measure';

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** Runs load-client.ts in a child process against url (authenticated GETs) and reads its measurement. */
export function remoteLoad(name: string, target: string, order: { url: string; cookie: string; ops: number; concurrency: number }): Promise<Measurement> {
  const args = ['-r', './scripts/register.js', 'scripts/bench/load-client.ts', JSON.stringify(order)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPOSITORY_ROOT }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`load client failed: ${stderr || error.message}`));
        return;
      }
      const result = JSON.parse(stdout.trim()) as Omit<Measurement, 'name' | 'target'>;
      resolve({ name, target, ...result });
    });
  });
}
