import type { Database } from './database';
import { startEmbeddedCluster, type EmbeddedConnection } from './embedded/embedded-cluster';
import type { DatabaseLogger } from './knex-database';
import { knexDatabase } from './knex-database';
import { maskPassword } from './mask-password';

export type { DatabaseLogger } from './knex-database';

export interface OpenDatabaseOptions {
  readonly logger?: DatabaseLogger;
  /** Lines worth an operator's eye while the embedded server starts (initialising, an orphan stopped). */
  readonly log?: (message: string) => void;
}

export type DatabaseTarget =
  | { readonly kind: 'server'; readonly url: string; readonly poolMax?: number }
  /** The embedded server in dataDir, started (and later stopped) by this process; port 0 = any free one. */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly port?: number; readonly poolMax?: number; readonly durable?: boolean }
  /** An embedded server that another process owns and runs (see embedded-db.json). */
  | { readonly kind: 'embedded-attached'; readonly dataDir: string; readonly connection: EmbeddedConnection; readonly poolMax?: number };

export interface DatabaseSettings {
  /** Empty or undefined: embedded. */
  readonly url?: string;
  readonly dataDir: string;
  readonly embeddedPort?: number;
  readonly poolMax?: number;
}

const DEFAULT_POOL_MAX = 10;

export function databaseTargetOf(settings: DatabaseSettings): DatabaseTarget {
  const poolMax = settings.poolMax ?? DEFAULT_POOL_MAX;
  if (settings.url !== undefined && settings.url !== '') return { kind: 'server', url: settings.url, poolMax };
  return { kind: 'embedded', dataDir: settings.dataDir, port: settings.embeddedPort ?? 0, poolMax };
}

/**
 * Startup parameters of every session: nothing waits for ever on a lock (long statements such
 * as bulk loads stay allowed), and a transaction leaked idle cannot hold the global log's
 * horizon, and so every subscriber, back for long.
 */
const SESSION = {
  application_name: 'userledger',
  lock_timeout: 10_000,
  idle_in_transaction_session_timeout: 60_000,
};

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<Database> {
  const { logger } = options;
  const poolMax = target.poolMax ?? DEFAULT_POOL_MAX;
  switch (target.kind) {
    case 'server':
      return knexDatabase({ connection: { connectionString: target.url, ...SESSION }, location: maskPassword(target.url), poolMax, logger });
    case 'embedded-attached':
      return knexDatabase({ connection: { ...target.connection, ...SESSION }, location: embeddedLocation(target.connection, target.dataDir), poolMax, logger });
    case 'embedded': {
      const cluster = await startEmbeddedCluster({
        dataDir: target.dataDir,
        port: target.port ?? 0,
        ...(target.durable === undefined ? {} : { durable: target.durable }),
        ...(options.log === undefined ? {} : { log: options.log }),
      });
      return knexDatabase({
        connection: { ...cluster.connection, ...SESSION },
        location: embeddedLocation(cluster.connection, target.dataDir),
        poolMax,
        onClose: () => cluster.stop(),
        logger,
      });
    }
    default: {
      const unknown: never = target;
      throw new TypeError(`Unknown database target ${JSON.stringify(unknown)}.`);
    }
  }
}

function embeddedLocation(connection: EmbeddedConnection, dataDir: string): string {
  const via = connection.host.startsWith('/') ? `, this process through the socket in ${connection.host}` : '';
  return `postgres://${connection.user}:***@127.0.0.1:${connection.port}/${connection.database} (embedded, in ${dataDir}${via})`;
}
