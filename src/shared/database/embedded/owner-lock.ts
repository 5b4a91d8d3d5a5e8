import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './postmaster-pid';

export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`The embedded database in ${dataDir} is already in use by process ${pid}; stop it first, or set DATA_DIR to another folder.`);
  }
}

const LOCK_FILE = 'embedded-db.lock';

/**
 * Takes the data folder for this process with an exclusively created lock file, so that exactly
 * one process starts and stops the embedded server; a lock left by a process that is gone (a
 * SIGKILL) is taken over. Answers the function that releases it.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (lockOwner(lockPath) === process.pid) rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = lockOwner(lockPath);
      if (pid !== undefined && isAlive(pid)) throw new EmbeddedDatabaseInUseError(dataDir, pid);
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Cannot lock the embedded database folder ${dataDir} (${lockPath}).`);
}

function lockOwner(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
