import type { Knex } from 'knex';

/**
 * The one PostgreSQL handle of a process: a knex instance over `pg`, on a server or on the
 * embedded PGlite behind its socket. In embedded mode every statement must run inside
 * `transaction()` or `read()`: the socket keeps a client's wire messages together only while
 * PGlite is inside an explicit transaction, so a bare statement could interleave with another
 * client's extended-protocol messages.
 */
export interface Database {
  readonly kind: 'server' | 'embedded';
  /** Use directly only when kind === 'server'; otherwise go through transaction() or read(). */
  readonly knex: Knex;
  /** Where the embedded database is served for other clients (psql, scripts); undefined on a server. */
  readonly socketAddress: { readonly host: string; readonly port: number } | undefined;
  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** Runs one read; in embedded mode inside a transaction. */
  read<T>(work: (q: Knex | Knex.Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs one statement written with `?` placeholders (no other `?` in it) and answers its rows,
   * the fast path for hot statements (see direct-statements.ts); embedded, still inside an
   * explicit transaction.
   */
  query<Row>(sql: string, bindings: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export const DATABASE = Symbol('Database');
