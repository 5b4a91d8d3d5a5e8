import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { removeEmbeddedInstance, runningEmbeddedInstance, writeEmbeddedInstance } from './embedded-instance-file';

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseInUseError extends Error {
  override readonly name = 'EmbeddedDatabaseInUseError';
  constructor(readonly dataDir: string, readonly pid: number, readonly port: number) {
    super(`The embedded database in ${dataDir} is already served by process ${pid} on port ${port}.`);
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
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: HOST, port, maxConnections: MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
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
          await db.close();
        } finally {
          removeEmbeddedInstance(dataDir, process.pid);
        }
      })();
      return stopping;
    },
  };
}
