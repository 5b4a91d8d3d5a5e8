/**
 * Prints the URL of the database the service uses, for psql and other tools:
 *   psql "$(npm run --silent database-url)"
 * With DATABASE_URL set, that URL; otherwise the embedded PostgreSQL's, over TCP on 127.0.0.1,
 * with the password from its data folder (the port of the running server, else the configured one).
 */
import 'reflect-metadata';
import { ConfigError, loadSettings } from '../src/config/load-settings';
import { dataDirOf } from '../src/configured-stores';
import { EmbeddedPostgresStartError, embeddedDatabaseUrl } from '../src/shared/database';

function main(): void {
  const { settings } = loadSettings();
  if (settings.database.url !== '') {
    process.stdout.write(`${settings.database.url}\n`);
    return;
  }
  process.stdout.write(`${embeddedDatabaseUrl(dataDirOf(settings), settings.database.embeddedPort)}\n`);
}

try {
  main();
} catch (error) {
  const known = error instanceof ConfigError || error instanceof EmbeddedPostgresStartError;
  process.stderr.write(`database-url: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
}
