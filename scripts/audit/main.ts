/**
 * The auditors' tools, on either event store, read from the log itself:
 *   npm run audit -- <history|as-of|export|verify|anchor> [options]
 * Each command has --help. Exit 0: answered (verify: intact); 1: what was asked about does not
 * exist (verify: tampering found); 2: misuse, or the store could not be reached; always with one
 * line on stderr.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, NotFoundError, oneLine } from './audit-errors';
import { asOfCommand } from './as-of';
import { exportCommand } from './export';
import { anchorCommand } from './anchor';
import { historyCommand } from './history';
import { withStoredEvents } from './stored-events';
import { verifyCommand } from './verify';

function program(): Command {
  const root = new Command('audit')
    .description("Answer an auditor from the event log: a user's history, their state at any moment, the whole log as NDJSON, and its tamper evidence.")
    .showHelpAfterError(false)
    .exitOverride();
  const commands = [historyCommand(), asOfCommand(), exportCommand(), verifyCommand(withStoredEvents), anchorCommand(withStoredEvents)];
  for (const command of commands) root.addCommand(command.copyInheritedSettings(root));
  return root;
}

async function main(argv: readonly string[]): Promise<number> {
  // A reader that closed the pipe (`| head`) has what it wanted.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? EXIT_OK : EXIT_USAGE));
  try {
    await program().parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    // Commander printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    process.stderr.write(`audit: ${oneLine(error)}\n`);
    return error instanceof NotFoundError ? EXIT_NOT_FOUND : EXIT_USAGE;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
