/**
 * Creates the first super admin against the configured store (the running embedded database
 * included). Idempotent: an existing username is left as it is.
 *   SUPER_ADMIN_PASSWORD=... npm run create-super-admin -- --username NAME
 * Without SUPER_ADMIN_PASSWORD the password is asked for on the terminal.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ConfigError, loadSettings } from '../src/config/load-settings';
import { buildContainer } from '../src/container';
import { createLogger } from '../src/create-logger';
import { BootstrapSuperAdminHandler } from '../src/features/users';
import { eventStoreFor, openConfiguredDatabase } from '../src/configured-stores';
import { systemClock } from '../src/shared/clock';
import { AppError } from '../src/shared/errors';
import { EventStoreUnavailableError } from '../src/shared/event-store/event-store';
import {
  DatabaseUnavailableError,
  EmbeddedDatabaseInUseError,
  EmbeddedPostgresNotInstalledError,
  EmbeddedPostgresStartError,
} from '../src/shared/database';
import { readHiddenLine } from './support/read-hidden-line';

const ACTOR = 'system:create-super-admin';

class UsageError extends Error {}

function usernameFrom(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--username') {
      const value = argv[i + 1];
      if (value !== undefined && !value.startsWith('--')) return value;
    } else if (arg.startsWith('--username=')) {
      return arg.slice('--username='.length);
    }
  }
  throw new UsageError('Usage: npm run create-super-admin -- --username NAME (password in SUPER_ADMIN_PASSWORD or typed at the prompt)');
}

async function passwordFrom(env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env.SUPER_ADMIN_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('Set SUPER_ADMIN_PASSWORD: there is no terminal to ask for the password on.');
  const first = await readHiddenLine('Password for the super admin: ');
  const second = await readHiddenLine('Repeat it: ');
  if (first !== second) throw new UsageError('The two passwords differ.');
  return first;
}

async function main(): Promise<number> {
  const username = usernameFrom(process.argv.slice(2));
  const password = await passwordFrom(process.env);
  const { settings } = loadSettings();
  const logger = createLogger(settings.logs.level === 'silent' ? 'silent' : 'warn', process.stderr);
  const { database } = await openConfiguredDatabase(settings, logger, { attachToRunningService: true });
  const eventStore = eventStoreFor(settings, database, logger);
  try {
    const scope = buildContainer({ settings, logger, database, eventStore, clock: systemClock });
    const correlationId = randomUUID();
    const result = await scope.resolve(BootstrapSuperAdminHandler).execute(
      { username, password },
      { actorId: ACTOR, correlationId, causationId: correlationId, now: systemClock.now() },
    );
    process.stdout.write(
      result.created
        ? `Created super admin '${username}' with id ${result.id}.\n`
        : `User '${username}' already exists (id ${result.id}); nothing changed.\n`,
    );
    return 0;
  } finally {
    await eventStore.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = [
      UsageError,
      ConfigError,
      AppError,
      EventStoreUnavailableError,
      DatabaseUnavailableError,
      EmbeddedDatabaseInUseError,
      EmbeddedPostgresStartError,
      EmbeddedPostgresNotInstalledError,
    ].some((type) => error instanceof type);
    process.stderr.write(`create-super-admin: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
