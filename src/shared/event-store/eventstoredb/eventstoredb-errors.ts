import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  ErrorType,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError as ClientStreamDeletedError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store';
import {
  AppendTooLargeError,
  EventStoreAccessDeniedError,
  EventStoreUnavailableError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../event-store';

const UNREACHABLE_GRPC_CODES = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);
const UNAUTHENTICATED = 16;

/** Where the refusal happened, without a stream's id: `session-<id>` names a live session. */
const streamLabel = (streamName: string): string => (streamName === '$all' ? '$all' : `a '${streamName.split('-')[0] ?? ''}-…' stream`);

/**
 * The client surfaces both refusals of a secure node as AccessDeniedError: gRPC UNAUTHENTICATED for
 * credentials it does not know, PERMISSION_DENIED for an operation its user (or no user) may not do.
 */
function accessDenied(error: AccessDeniedError, streamName: string): EventStoreAccessDeniedError {
  const message =
    error.code === UNAUTHENTICATED
      ? 'EventStoreDB refused the credentials of the connection string (wrong username or password).'
      : `EventStoreDB denied access to ${streamLabel(streamName)}: the connection string names no user, or its user lacks the permission.`;
  return new EventStoreAccessDeniedError(message, { cause: error });
}

/**
 * Translates what the client throws into the port's typed errors, so that callers (and the one
 * HTTP error mapping) never see a client class. Anything unrecognised is passed on unchanged: it
 * is a bug or a misuse, and hiding it behind "unavailable" would make it retry for ever.
 */
export function toPortError(error: unknown, streamName: string, expected?: ExpectedRevision): unknown {
  if (error instanceof ClientWrongExpectedVersionError) {
    return new WrongExpectedVersionError(streamName, expected ?? 'any', error.actualVersion);
  }
  if (error instanceof ClientStreamDeletedError) return new StreamDeletedError(streamName);
  if (error instanceof MaxAppendSizeExceededError) return new AppendTooLargeError(streamName, error.maxAppendSize);
  if (error instanceof AccessDeniedError) return accessDenied(error, streamName);
  if (isUnreachable(error)) {
    const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '.';
    return new EventStoreUnavailableError(`EventStoreDB is unavailable${detail}`, { cause: error });
  }
  return error;
}

export function isUnreachable(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError
  ) {
    return true;
  }
  const type = (error as { type?: unknown } | null)?.type;
  if (type === ErrorType.UNAVAILABLE || type === ErrorType.DEADLINE_EXCEEDED) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && UNREACHABLE_GRPC_CODES.has(code);
}
