/**
 * The auditors' tools, on either event store:
 *   npm run audit -- <verify|anchor> [options]
 * Each command has --help. Exit 0: intact; 1: tampering found; 2: misuse, or the stores could
 * not be reached.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { loadSettings } from '../../src/config/load-settings';
import { adapterFor, openConfiguredDatabase } from '../../src/configured-stores';
import { createLogger } from '../../src/create-logger';
import type { EventStore } from '../../src/shared/event-store/event-store';
import { anchorCommand } from './anchor';
import { EXIT_USAGE } from './integrity-walk';
import { verifyCommand } from './verify';

/** The configured event store (beside a running service, its embedded database), as stored. */
async function withStoredEvents<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
  const { settings } = loadSettings();
  const logger = createLogger(settings.logs.level === 'silent' ? 'silent' : 'warn', process.stderr);
  const { database } = await openConfiguredDatabase(settings, logger, { attachToRunningService: true });
  const store = adapterFor(settings, database, logger);
  try {
    return await work(store);
  } finally {
    await store.close();
    await database.close();
  }
}

function program(): Command {
  return new Command('audit')
    .description('Audit the event log: its tamper evidence.')
    .showHelpAfterError(false)
    .exitOverride()
    .addCommand(verifyCommand(withStoredEvents).exitOverride())
    .addCommand(anchorCommand(withStoredEvents).exitOverride());
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Commander printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`audit: ${message}\n`);
    // Anything but a finding (misuse, a file, the settings, a store out of reach) is exit 2, never 1.
    return EXIT_USAGE;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
