import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where a process serving the embedded database says how to reach it, while it runs. */
export interface EmbeddedInstance {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly startedAt: string;
}

export const EMBEDDED_INSTANCE_FILE = 'embedded-db.json';

export function instanceFilePath(dataDir: string): string {
  return path.join(dataDir, EMBEDDED_INSTANCE_FILE);
}

export function writeEmbeddedInstance(dataDir: string, instance: EmbeddedInstance): void {
  writeFileSync(instanceFilePath(dataDir), `${JSON.stringify(instance, null, 2)}\n`);
}

export function removeEmbeddedInstance(dataDir: string, pid: number): void {
  if (readEmbeddedInstance(dataDir)?.pid === pid) rmSync(instanceFilePath(dataDir), { force: true });
}

/** The instance recorded under dataDir if its process is still alive; a stale file is ignored. */
export function runningEmbeddedInstance(dataDir: string): EmbeddedInstance | undefined {
  const instance = readEmbeddedInstance(dataDir);
  return instance !== undefined && isAlive(instance.pid) ? instance : undefined;
}

function readEmbeddedInstance(dataDir: string): EmbeddedInstance | undefined {
  try {
    const parsed = JSON.parse(readFileSync(instanceFilePath(dataDir), 'utf8')) as Partial<EmbeddedInstance>;
    if (typeof parsed.host !== 'string' || typeof parsed.port !== 'number' || typeof parsed.pid !== 'number') return undefined;
    return parsed as EmbeddedInstance;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
