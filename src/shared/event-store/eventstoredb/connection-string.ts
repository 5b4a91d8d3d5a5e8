import { EventStoreDBClient } from '@eventstore/db-client';

// The client's own reading of credentials: after the scheme, `name:password@` up to the first `@`.
const CREDENTIALS = /^([^:]+:\/\/)[^:]+:[^@]+@/;

/** The connection string as logs and errors may show it: the host and options, never who connects. */
export function maskConnectionString(connectionString: string): string {
  return connectionString.replace(CREDENTIALS, '$1***@');
}

/** A connection string the client cannot read; the message shows it masked. */
export class EventStoreConnectionStringError extends Error {
  override readonly name = 'EventStoreConnectionStringError';
}

/**
 * The client's parser writes the whole connection string into its errors (and keeps it on them) and
 * prints it with console.warn for an unknown option, so it first reads the string with the
 * credentials replaced: whatever it complains about, it complains about that copy. Only a string it
 * accepts is read again with the real credentials, which differ from the copy in nothing else it
 * checks, with its warnings (already printed, masked) held back; the parse is synchronous, so no
 * other code's warning can fall in that moment.
 */
export function clientOfConnectionString(connectionString: string): EventStoreDBClient {
  if (!CREDENTIALS.test(connectionString)) return readConnectionString(connectionString, connectionString);
  const rehearsal = readConnectionString(connectionString.replace(CREDENTIALS, '$1user:password@'), connectionString);
  rehearsal.dispose().catch(() => undefined);
  /* eslint-disable no-console -- holds back the client's own console.warn, which would print the credentials */
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return readConnectionString(connectionString, connectionString);
  } finally {
    console.warn = warn;
  }
  /* eslint-enable no-console */
}

function readConnectionString(text: string, original: string): EventStoreDBClient {
  try {
    return EventStoreDBClient.connectionString(text);
  } catch (error) {
    const reason = text === original && CREDENTIALS.test(original) ? 'its credentials cannot be read (percent-encode them)' : error instanceof Error ? error.message : String(error);
    throw new EventStoreConnectionStringError(`Invalid EventStoreDB connection string ${maskConnectionString(original)}: ${reason}`);
  }
}
