import type { Knex } from 'knex';

export interface Database {
  readonly knex: Knex;
  /** Where the database is, for logs: a URL with its password masked. */
  readonly location: string;
  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs one statement written with `?` placeholders (no other `?` in it) and answers its rows:
   * the fast path for hot statements, as a named prepared statement (see direct-statements.ts).
   */
  query<Row>(sql: string, bindings: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export const DATABASE = Symbol('Database');
