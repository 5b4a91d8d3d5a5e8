import { ConfigError } from './config/load-settings';
import { ReadModelsFromAnotherLogError } from '../projections';
import {
  DatabaseUnavailableError,
  EmbeddedDatabaseInUseError,
  EmbeddedPostgresNotInstalledError,
  EmbeddedPostgresStartError,
} from './shared/database';
import { AppError } from './shared/errors';
import { EventStoreUnavailableError } from './shared/event-store/event-store';
import { EventStoreConnectionStringError } from './shared/event-store/eventstoredb/connection-string';
import type { Logger } from './shared/logger';

export interface RunningProcess {
  readonly logger: Logger;
  /** Logged, with the signal, when the first signal arrives. */
  readonly stoppingMessage: string;
  /** Logged, with the error, when stopping fails (the exit code is then 1). */
  readonly stopFailedMessage: string;
  stop(): Promise<void>;
}

/** Failures an operator can act on from their message alone; anything else shows its stack. */
export function isOperationalError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    error instanceof ConfigError ||
    error instanceof EmbeddedDatabaseInUseError ||
    error instanceof EmbeddedPostgresStartError ||
    error instanceof EmbeddedPostgresNotInstalledError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof ReadModelsFromAnotherLogError ||
    error instanceof EventStoreUnavailableError ||
    error instanceof EventStoreConnectionStringError ||
    error instanceof AppError ||
    code === 'EADDRINUSE' ||
    code === 'EACCES'
  );
}

export function describeFailure(error: unknown): string {
  return isOperationalError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** A failed start is printed to stderr: the logger may not exist yet (bad configuration). */
export function runProcess(name: string, start: () => Promise<RunningProcess>): void {
  start().then(stopOnSignals, (error: unknown) => {
    process.stderr.write(`${name} failed to start: ${describeFailure(error)}\n`);
    process.exit(1);
  });
}

/**
 * A second signal forces the exit, except the copy of the first that npm forwards: one
 * Ctrl-C reaches node from the terminal and again from npm, a few milliseconds apart.
 */
function stopOnSignals(running: RunningProcess): void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (first !== undefined) {
      if (signal === first.signal && Date.now() - first.at < 1000) return;
      process.exit(1);
    }
    first = { signal, at: Date.now() };
    running.logger.info({ signal }, running.stoppingMessage);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.logger.error({ err: error }, running.stopFailedMessage);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
