import type { Database } from './database';
import { startEmbeddedServer } from './embedded-server';
import type { DatabaseLogger } from './knex-database';
import { knexDatabase } from './knex-database';

export type { DatabaseLogger } from './knex-database';

export interface OpenDatabaseOptions {
  readonly logger?: DatabaseLogger;
}

/** Where to find PostgreSQL. */
export type DatabaseTarget =
  /** A PostgreSQL server, through a normal pool. */
  | { readonly kind: 'server'; readonly url: string; readonly poolMax?: number }
  /** PGlite persisted in dataDir, opened and served by this process (port 0 = any free port). */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly port?: number }
  /** An embedded database that another process serves (see embedded-db.json). */
  | { readonly kind: 'embedded-socket'; readonly host: string; readonly port: number };

/** The configuration keys the database needs (the shape of Settings['database']). */
export interface DatabaseSettings {
  /** Empty or undefined: embedded. */
  readonly url?: string;
  readonly dataDir: string;
  readonly embeddedPort?: number;
  readonly poolMax?: number;
}

/** The target the service itself uses: the server when a URL is configured, else its own PGlite. */
export function databaseTargetOf(settings: DatabaseSettings): DatabaseTarget {
  if (settings.url !== undefined && settings.url !== '') {
    return { kind: 'server', url: settings.url, ...(settings.poolMax === undefined ? {} : { poolMax: settings.poolMax }) };
  }
  return { kind: 'embedded', dataDir: settings.dataDir, ...(settings.embeddedPort === undefined ? {} : { port: settings.embeddedPort }) };
}

const EMBEDDED_USER = { user: 'postgres', password: 'postgres', database: 'postgres' };

/**
 * Startup parameters for server sessions: nothing waits for ever on a lock (long statements
 * such as bulk loads stay allowed), and a transaction leaked idle cannot hold the global log's
 * horizon, and so every subscriber, back for long.
 */
const SERVER_SESSION = {
  application_name: 'userledger',
  lock_timeout: 10_000,
  idle_in_transaction_session_timeout: 60_000,
};

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<Database> {
  const { logger } = options;
  switch (target.kind) {
    case 'server':
      return knexDatabase({ kind: 'server', connection: { connectionString: target.url, ...SERVER_SESSION }, poolMax: target.poolMax ?? 10, logger });
    case 'embedded-socket':
      return knexDatabase({
        kind: 'embedded',
        connection: { host: target.host, port: target.port, ...EMBEDDED_USER },
        poolMax: 1,
        socketAddress: { host: target.host, port: target.port },
        logger,
      });
    case 'embedded': {
      const server = await startEmbeddedServer(target.dataDir, target.port ?? 0);
      return knexDatabase({
        kind: 'embedded',
        connection: { host: server.host, port: server.port, ...EMBEDDED_USER },
        poolMax: 1,
        socketAddress: { host: server.host, port: server.port },
        onClose: () => server.stop(),
        logger,
      });
    }
    default: {
      const unknown: never = target;
      throw new TypeError(`Unknown database target ${JSON.stringify(unknown)}.`);
    }
  }
}
