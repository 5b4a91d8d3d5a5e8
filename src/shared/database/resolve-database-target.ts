import path from 'node:path';
import { readClusterPassword } from './embedded/cluster-password';
import { runningEmbeddedInstance } from './embedded/instance-file';
import type { DatabaseSettings, DatabaseTarget } from './open-database';
import { databaseTargetOf } from './open-database';

/**
 * The target for a script or a second process: the configured server; else the embedded server
 * that a running process owns (reached through its socket, with the password from the data
 * folder); else the embedded server, started by the caller itself.
 */
export function resolveDatabaseTarget(settings: DatabaseSettings): DatabaseTarget {
  const own = databaseTargetOf(settings);
  if (own.kind !== 'embedded') return own;
  const running = runningEmbeddedInstance(settings.dataDir);
  const password = readClusterPassword(settings.dataDir);
  if (running === undefined || password === undefined) return own;
  const host = running.socketDir ?? '127.0.0.1';
  return {
    kind: 'embedded-attached',
    dataDir: path.resolve(settings.dataDir),
    connection: { host, port: running.port, user: running.user, password, database: running.database },
    ...(own.poolMax === undefined ? {} : { poolMax: own.poolMax }),
  };
}
