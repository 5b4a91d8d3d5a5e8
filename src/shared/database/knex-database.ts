import knex from 'knex';
import type { Knex } from 'knex';
import type { Database } from './database';
import { preparedStatements } from './direct-statements';

export interface KnexDatabaseOptions {
  readonly connection: Knex.PgConnectionConfig;
  readonly location: string;
  readonly poolMax: number;
  readonly onClose?: () => Promise<void>;
  readonly logger?: DatabaseLogger;
}

/** Where knex's own warnings go (a pino logger fits); without one they are dropped, not printed. */
export interface DatabaseLogger {
  warn(message: string): void;
  error(message: string): void;
}

const CONNECT_TIMEOUT_MS = 5_000;

export function knexDatabase(options: KnexDatabaseOptions): Database {
  const instance = knex({
    client: 'pg',
    connection: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...options.connection },
    pool: { min: 0, max: options.poolMax },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS * 2,
    // A failed statement's error message would otherwise carry its SQL with the values bound (session ids, hashes).
    compileSqlOnError: false,
    log: knexLog(options.logger),
  });
  const statements = preparedStatements(instance);
  let closing: Promise<void> | undefined;
  return {
    knex: instance,
    location: options.location,
    transaction: (work) => instance.transaction(work),
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
