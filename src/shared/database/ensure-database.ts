import { Client } from 'pg';
import { isConnectionError } from './connection-errors';
import { maskPassword } from './mask-password';

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

const INVALID_CATALOG = '3D000';
const DUPLICATE_DATABASE = '42P04';
/** Two CREATE DATABASE of one name at the same instant: the loser meets the catalog's unique index. */
const UNIQUE_VIOLATION = '23505';
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Connects once to the server database of `url`, and creates the database when it does not exist
 * and the role may create databases (a new user's first `DATABASE_URL=… npm start`). Processes
 * starting together may all try: the losers of the CREATE see it exist and go on.
 */
export async function ensureServerDatabase(url: string): Promise<void> {
  const target = maskPassword(url);
  try {
    await withClient(url, async () => undefined);
    return;
  } catch (error) {
    if (codeOf(error) !== INVALID_CATALOG) throw unavailable(target, error);
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  try {
    await withClient(maintenance.toString(), (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  } catch (error) {
    if (codeOf(error) === DUPLICATE_DATABASE || codeOf(error) === UNIQUE_VIOLATION) return;
    if (codeOf(error) === INSUFFICIENT_PRIVILEGE) {
      throw new DatabaseUnavailableError(
        `The database '${name}' does not exist at ${target}, and its role may not create it: create it (createdb ${name}) or point DATABASE_URL at one that exists.`,
      );
    }
    throw unavailable(target, error);
  }
}

function unavailable(target: string, error: unknown): DatabaseUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  const kind = isConnectionError(error) ? 'Cannot reach PostgreSQL' : 'Cannot use PostgreSQL';
  return new DatabaseUnavailableError(`${kind} at ${target}: ${reason || (error as { code?: string }).code || 'no reason given'}`, { cause: error });
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
