import knex from 'knex';
import type { Knex } from 'knex';
import type { Database } from './database';
import { embeddedStatements, serverStatements } from './direct-statements';

export interface KnexDatabaseOptions {
  readonly kind: Database['kind'];
  readonly connection: Knex.PgConnectionConfig;
  readonly poolMax: number;
  readonly socketAddress?: Database['socketAddress'];
  /** Runs after knex is destroyed, e.g. to stop the embedded server this process owns. */
  readonly onClose?: () => Promise<void>;
  readonly logger?: DatabaseLogger;
}

/** Where knex's own warnings go (a pino logger fits); without one they are dropped, not printed. */
export interface DatabaseLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** How long a caller waits for a connection before the database counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

export function knexDatabase(options: KnexDatabaseOptions): Database {
  const instance = knex({
    client: 'pg',
    connection: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...options.connection },
    pool: { min: 0, max: options.poolMax },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS * 2,
    log: knexLog(options.logger),
  });
  const embedded = options.kind === 'embedded';
  const statements = embedded ? embeddedStatements(instance) : serverStatements(instance);
  let closing: Promise<void> | undefined;
  return {
    kind: options.kind,
    knex: instance,
    socketAddress: options.socketAddress,
    transaction: (work) => instance.transaction(work),
    read: (work) => (embedded ? instance.transaction(work) : work(instance)),
    query: (sql, bindings) => statements.run(sql, bindings),
    close: () => {
      closing ??= (async () => {
        try {
          await instance.destroy();
        } finally {
          await options.onClose?.();
        }
      })();
      return closing;
    },
  };
}

function knexLog(logger: DatabaseLogger | undefined): Knex.Config['log'] {
  const text = (message: unknown): string => (message instanceof Error ? message.message : String(message));
  return {
    warn: (message: unknown) => logger?.warn(text(message)),
    error: (message: unknown) => logger?.error(text(message)),
    deprecate: (method: string, alternative: string) => logger?.warn(`knex: ${method} is deprecated, use ${alternative}`),
    debug: () => undefined,
  };
}
