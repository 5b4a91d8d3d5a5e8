import type { Knex } from 'knex';

/**
 * The hot-path statements, written with `?` placeholders (and no other `?`), run on a pooled
 * connection without knex's query building. Each distinct text becomes a named prepared
 * statement per connection: parsed once, and PostgreSQL may then reuse a generic plan.
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
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<PgResult>;
}

/** Beyond this many distinct texts, statements run unnamed: a caller building SQL freely must not grow every session. */
const MAX_NAMED_STATEMENTS = 256;

/** knex's 'query' event, as knex itself would have emitted it, for whoever traces statements. */
function announce(instance: Knex, sql: string, bindings: readonly unknown[]): void {
  if (instance.listenerCount('query') > 0) instance.emit('query', { method: 'raw', sql, bindings: [...bindings], options: {} });
}

export function preparedStatements(instance: Knex): StatementRunner {
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
        const result = await connection.query({ ...(name === undefined ? {} : { name }), text, values: [...bindings] });
        return result.rows as Row[];
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
