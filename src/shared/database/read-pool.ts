import type { Knex } from 'knex';
import type { Database } from './database';
import { knexDatabase } from './knex-database';

/**
 * A second, smaller pool to the same database for the reads that serve requests, whose every
 * statement runs under PostgreSQL's `statement_timeout`: a slow read is cancelled by the server
 * (SQLSTATE 57014, answered 503) instead of holding its request and a connection for ever. The
 * writers' pool keeps no such limit, since migrations and projector batches may rightly run long.
 */
export function openReadPool(database: Database, options: { readonly statementTimeoutMs: number; readonly poolMax: number }): Database {
  const settings = (database.knex.client as { connectionSettings: Knex.PgConnectionConfig }).connectionSettings;
  return knexDatabase({
    connection: { ...settings, statement_timeout: options.statementTimeoutMs },
    location: `${database.location} (reads, statement_timeout ${options.statementTimeoutMs} ms)`,
    poolMax: options.poolMax,
  });
}

/** PostgreSQL cancelled the statement: its statement_timeout passed, or an operator cancelled it. */
export function isStatementCancelled(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    if ((current as { code?: unknown }).code === '57014') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
