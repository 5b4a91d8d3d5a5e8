import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './postmaster-pid';

export interface EmbeddedInstance {
  /** The owning process (the service, or a script that started the database itself). */
  readonly pid: number;
  readonly port: number;
  /** The folder of the Unix socket, or null where the server listens on TCP only. */
  readonly socketDir: string | null;
  readonly database: string;
  readonly user: string;
  readonly startedAt: string;
}

export const EMBEDDED_INSTANCE_FILE = 'embedded-db.json';

function instanceFilePath(dataDir: string): string {
  return path.join(dataDir, EMBEDDED_INSTANCE_FILE);
}

export function writeEmbeddedInstance(dataDir: string, instance: EmbeddedInstance): void {
  writeFileSync(instanceFilePath(dataDir), `${JSON.stringify(instance, null, 2)}\n`, { mode: 0o600 });
}

export function removeEmbeddedInstance(dataDir: string, pid: number): void {
  if (readEmbeddedInstance(dataDir)?.pid === pid) rmSync(instanceFilePath(dataDir), { force: true });
}

/** The instance recorded under dataDir if its owner is still alive; a stale record is ignored. */
export function runningEmbeddedInstance(dataDir: string): EmbeddedInstance | undefined {
  const instance = readEmbeddedInstance(dataDir);
  return instance !== undefined && isAlive(instance.pid) ? instance : undefined;
}

function readEmbeddedInstance(dataDir: string): EmbeddedInstance | undefined {
  try {
    const parsed = JSON.parse(readFileSync(instanceFilePath(dataDir), 'utf8')) as Partial<EmbeddedInstance>;
    if (typeof parsed.pid !== 'number' || typeof parsed.port !== 'number' || typeof parsed.database !== 'string') return undefined;
    return parsed as EmbeddedInstance;
  } catch {
    return undefined;
  }
}
