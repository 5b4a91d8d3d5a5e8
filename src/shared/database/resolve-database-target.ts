import path from 'node:path';
import { readClusterPassword } from './embedded/cluster-password';
import { EMBEDDED_DATABASE, EMBEDDED_USER, EmbeddedPostgresStartError } from './embedded/embedded-cluster';
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

/**
 * The URL a person pastes into psql to reach the embedded database in dataDir: TCP on
 * 127.0.0.1, the running server's port (else the configured one), the generated password.
 */
export function embeddedDatabaseUrl(dataDir: string, configuredPort: number): string {
  const password = readClusterPassword(dataDir);
  if (password === undefined) {
    throw new EmbeddedPostgresStartError(`There is no embedded database in ${path.resolve(dataDir)} yet: \`npm start\` creates it.`);
  }
  const running = runningEmbeddedInstance(dataDir);
  const port = running?.port ?? configuredPort;
  if (port === 0) throw new EmbeddedPostgresStartError(`The embedded database in ${path.resolve(dataDir)} is not running, and its port is chosen at start (EMBEDDED_DB_PORT=0).`);
  return `postgres://${EMBEDDED_USER}:${password}@127.0.0.1:${port}/${running?.database ?? EMBEDDED_DATABASE}`;
}
