/**
 * The auditors' tools, on either event store, read from the log itself:
 *   npm run audit -- <history|as-of|export> [options]
 * Each command has --help. Exit 0: answered; 1: what was asked about does not exist;
 * 2: misuse, or the store could not be reached; always with one line on stderr.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, NotFoundError, oneLine } from './audit-errors';
import { asOfCommand } from './as-of';
import { exportCommand } from './export';
import { historyCommand } from './history';

function program(): Command {
  const root = new Command('audit')
    .description("Answer an auditor from the event log: a user's history, their state at any moment, the whole log as NDJSON.")
    .showHelpAfterError(false)
    .exitOverride();
  for (const command of [historyCommand(), asOfCommand(), exportCommand()]) root.addCommand(command.copyInheritedSettings(root));
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
