/**
 * Creates the first super admin against the configured store (the running embedded database
 * included). Idempotent: an existing super admin of that name is left as it is; a name held
 * by a user of another role exits 1 with one line saying so.
 *   SUPER_ADMIN_PASSWORD=... npm run create-super-admin -- --username NAME
 * Without SUPER_ADMIN_PASSWORD the password is asked for on the terminal.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { loadSettings } from '../src/config/load-settings';
import { buildContainer } from '../src/container';
import { createLogger } from '../src/create-logger';
import { BootstrapSuperAdminHandler } from '../src/features/users';
import { openInfrastructure } from '../src/infrastructure';
import { describeFailure } from '../src/process-lifecycle';
import { systemClock } from '../src/shared/clock';
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
  // The service's own opening: it attaches to a running service's embedded database and, like
  // the service, refuses an event store that serves another log than the read tables came from.
  const infrastructure = await openInfrastructure(settings, logger, systemClock, { attachToRunningService: true });
  const { database, eventStore } = infrastructure;
  try {
    const scope = buildContainer(infrastructure);
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
    // The entry points' list of failures worth one line, and the usage mistakes.
    process.stderr.write(`create-super-admin: ${error instanceof UsageError ? error.message : describeFailure(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
