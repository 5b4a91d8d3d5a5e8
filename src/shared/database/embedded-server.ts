import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { isAlive, removeEmbeddedInstance, runningEmbeddedInstance, writeEmbeddedInstance } from './embedded-instance-file';

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';
  constructor(readonly dataDir: string, readonly pid: number, readonly port: number) {
    super(
      port > 0
        ? `The embedded database in ${dataDir} is already served by process ${pid} on port ${port}.`
        : `The embedded database in ${dataDir} is being opened by process ${pid}.`,
    );
  }
}

const HOST = '127.0.0.1';
/** The socket gives each client its own handler; the service holds one, tools a few more. */
const MAX_CONNECTIONS = 32;

/**
 * Opens PGlite on dataDir and serves it on 127.0.0.1 (port 0 = any free one), recording the
 * address in <dataDir>/embedded-db.json while it runs. PGlite must never be opened twice on
 * one directory, so a live owner recorded there makes this fail.
 */
export async function startEmbeddedServer(dataDir: string, port: number): Promise<EmbeddedServer> {
  const owner = runningEmbeddedInstance(dataDir);
  if (owner !== undefined) throw new EmbeddedDatabaseInUseError(dataDir, owner.pid, owner.port);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = lockDataDir(dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create({ dataDir });
    server = new PGLiteSocketServer({ db, host: HOST, port, maxConnections: MAX_CONNECTIONS });
    await server.start();
  } catch (error) {
    await db?.close();
    releaseLock();
    throw error;
  }
  const pglite = db;
  const actualPort = Number(server.getServerConn().split(':').pop());
  writeEmbeddedInstance(dataDir, { host: HOST, port: actualPort, pid: process.pid, startedAt: new Date().toISOString() });
  let stopping: Promise<void> | undefined;
  return {
    host: HOST,
    port: actualPort,
    stop: () => {
      stopping ??= (async () => {
        try {
          await server.stop();
          await pglite.close();
        } finally {
          removeEmbeddedInstance(dataDir, process.pid);
          releaseLock();
        }
      })();
      return stopping;
    },
  };
}

const LOCK_FILE = 'embedded-db.lock';

/**
 * Takes the directory for this process with an exclusively created lock file, before PGlite
 * opens it: the instance file is written only once the socket listens, seconds later, so two
 * processes starting together would both pass a check of that file alone. A lock left by a
 * process that is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (lockOwner(lockPath) === process.pid) rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = lockOwner(lockPath);
      if (pid !== undefined && isAlive(pid)) throw new EmbeddedDatabaseInUseError(dataDir, pid, 0);
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Cannot lock the embedded database directory ${dataDir} (${lockPath}).`);
}

function lockOwner(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
