import type { Knex } from 'knex';
import { escapeLiteral } from 'pg';

/**
 * The hot-path statements, written with `?` placeholders (and no other `?`), run on a pooled
 * connection without knex's query building. On a server each distinct text becomes a named
 * prepared statement per connection (parsed once; PostgreSQL may then reuse a generic plan). Embedded, the statement goes as
 * ONE simple-query message `BEGIN; …; COMMIT` with the bindings as literals: pglite-socket
 * handles a message as a whole, so nothing can interleave, the explicit transaction stays, and
 * PGlite runs one protocol call where BEGIN, Parse/Bind/Describe/Execute/Sync and COMMIT took
 * seven calls and three round trips.
 */
export interface StatementRunner {
  run<Row>(sql: string, bindings: readonly unknown[]): Promise<Row[]>;
}

/** What knex's pg client gives us: its pool, which knex's own queries and transactions share. */
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

interface PgResult {
  readonly rows: unknown[];
}

interface PgConnection {
  query(config: string | { name?: string; text: string; values?: unknown[] }): Promise<PgResult | PgResult[]>;
}

/** Beyond this many distinct texts, statements run unnamed: a caller building SQL freely must not grow every session. */
const MAX_NAMED_STATEMENTS = 256;

/** knex's 'query' event, as knex itself would have emitted it, for whoever traces statements. */
function announce(instance: Knex, sql: string, bindings: readonly unknown[]): void {
  if (instance.listenerCount('query') > 0) instance.emit('query', { method: 'raw', sql, bindings: [...bindings], options: {} });
}

export function serverStatements(instance: Knex): StatementRunner {
  const client = instance.client as unknown as PooledClient;
  const prepared = new Map<string, { name: string | undefined; text: string }>();
  const statementOf = (sql: string): { name: string | undefined; text: string } => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      const name = prepared.size < MAX_NAMED_STATEMENTS ? `ul_${prepared.size}` : undefined;
      statement = { name, text: positional(sql) };
      if (name !== undefined) prepared.set(sql, statement);
    }
    return statement;
  };
  return {
    async run<Row>(sql: string, bindings: readonly unknown[]): Promise<Row[]> {
      // knex refuses undefined bindings; keep that answer rather than sending NULL.
      if (bindings.includes(undefined)) return ((await instance.raw(sql, bindings as Knex.RawBinding[])) as PgResult).rows as Row[];
      announce(instance, sql, bindings);
      const { name, text } = statementOf(sql);
      const connection = await client.acquireConnection();
      try {
        const result = (await connection.query({ ...(name === undefined ? {} : { name }), text, values: [...bindings] })) as PgResult;
        return result.rows as Row[];
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}

/**
 * Embedded: one message per statement. Bindings that cannot be written as a literal exactly as
 * pg would send them as a parameter (dates, buffers, NUL characters) take the ordinary
 * transaction instead.
 */
export function embeddedStatements(instance: Knex): StatementRunner {
  const client = instance.client as unknown as PooledClient;
  return {
    async run<Row>(sql: string, bindings: readonly unknown[]): Promise<Row[]> {
      const inlined = inline(sql, bindings);
      if (inlined === undefined) {
        const result = await instance.transaction((trx) => trx.raw(sql, bindings as Knex.RawBinding[]));
        return (result as PgResult).rows as Row[];
      }
      announce(instance, sql, bindings);
      const connection = await client.acquireConnection();
      try {
        const results = (await connection.query(`BEGIN; ${inlined}; COMMIT`)) as PgResult[];
        return (results[1]?.rows ?? []) as Row[];
      } catch (error) {
        // A failed statement leaves the transaction aborted; end it before anyone else uses the session.
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}

export function positional(sql: string): string {
  const parts = sql.split('?');
  let text = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) text += `$${i}${parts[i] ?? ''}`;
  return text;
}

/** The statement with every `?` replaced by a literal of unknown type (as a parameter is), or undefined. */
export function inline(sql: string, bindings: readonly unknown[]): string | undefined {
  const parts = sql.split('?');
  if (parts.length - 1 !== bindings.length) throw new Error(`Expected ${parts.length - 1} bindings, got ${bindings.length}.`);
  let text = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) {
    const literal = literalOf(bindings[i - 1]);
    if (literal === undefined) return undefined;
    text += literal + (parts[i] ?? '');
  }
  return text;
}

function literalOf(value: unknown): string | undefined {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return quote(String(value));
  if (Array.isArray(value) && value.every((item) => item === null || typeof item === 'string')) {
    const items = value.map((item: string | null) => (item === null ? 'NULL' : `"${item.replace(/[\\"]/g, '\\$&')}"`));
    return quote(`{${items.join(',')}}`);
  }
  return undefined;
}

/** pg's own literal escaping (quotes doubled; an E'' string when backslashes occur); NUL cannot be sent at all. */
function quote(text: string): string | undefined {
  if (text.includes('\0')) return undefined;
  return ` ${escapeLiteral(text).trimStart()}`;
}
