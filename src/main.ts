import 'reflect-metadata';
import { ConfigError, loadSettings } from './config/load-settings';
import { ReadModelsFromAnotherLogError } from '../projections';
import {
  DatabaseUnavailableError,
  EmbeddedDatabaseInUseError,
  EmbeddedPostgresNotInstalledError,
  EmbeddedPostgresStartError,
} from './shared/database';
import { AppError } from './shared/errors';
import { EventStoreUnavailableError } from './shared/event-store/event-store';
import { createLogger } from './create-logger';
import { startService } from './service';

async function main(): Promise<void> {
  const { settings, warnings } = loadSettings();
  const logger = createLogger(settings.logs.level);
  for (const warning of warnings) logger.warn(warning);
  const service = await startService(settings, logger);

  // A second signal forces the exit, except the copy of the first that npm forwards: one
  // Ctrl-C reaches node from the terminal and again from npm, a few milliseconds apart.
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (first !== undefined) {
      if (signal === first.signal && Date.now() - first.at < 1000) return;
      process.exit(1);
    }
    first = { signal, at: Date.now() };
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Failures an operator can act on from their message alone; anything else shows its stack. */
function isOperational(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    error instanceof ConfigError ||
    error instanceof EmbeddedDatabaseInUseError ||
    error instanceof EmbeddedPostgresStartError ||
    error instanceof EmbeddedPostgresNotInstalledError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof ReadModelsFromAnotherLogError ||
    error instanceof EventStoreUnavailableError ||
    error instanceof AppError ||
    code === 'EADDRINUSE' ||
    code === 'EACCES'
  );
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad configuration), so this one line goes to stderr directly.
  const message = isOperational(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`userledger failed to start: ${message}\n`);
  process.exit(1);
});
