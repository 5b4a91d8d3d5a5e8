import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { isConnectionError, isStatementCancelled } from '../shared/database';
import { AppError, TooManyRequestsError, type ErrorKind } from '../shared/errors';
import { EventSchemaVersionError } from '../shared/event-schemas';
import { AppendTooLargeError, EventStoreUnavailableError, WrongExpectedVersionError } from '../shared/event-store/event-store';
import { sendJson } from './json-response';
import { requestLogOf } from './request-context';
import { RefusedRequestError } from './refused-request';
import { FrameworkHttpError, RequestValidationError } from './request-validation-error';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  too_many_requests: 429,
  unavailable: 503,
};

/** The contract's body for 503: the readiness probe adds its reasons to it. */
export const UNAVAILABLE = { error: 'Service temporarily unavailable. Please try again later.', code: 'service.unavailable' };
/** A handler lost an optimistic-concurrency race on every retry (architecture: 409). */
const CONCURRENCY_CONFLICT = {
  error: 'The resource was changed by a concurrent request. Please try again.',
  code: 'concurrency.conflict',
};
/** A stored event of a newer release's schema version: another instance (or the next deploy) may read it. */
const SCHEMA_VERSION_UNSUPPORTED = { error: UNAVAILABLE.error, code: 'event.schema_version_unsupported' };
const TOO_LARGE = { error: 'Request body is too large.', code: 'request.too_large' };
const INTERNAL = { error: 'Internal Server Error', code: 'internal' };

/** body-parser's and the router's own errors (http-errors): a status, an exposable message, a type. */
interface HttpLibraryError {
  status: number;
  expose?: boolean;
  type?: string;
  message: string;
}

export function errorMiddleware(root: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    const log = requestLogOf(res, root);
    if (res.headersSent) {
      log.error({ err: error }, 'Error after the response started');
      next(error);
      return;
    }
    try {
      respond(error, res, log);
    } catch (failure) {
      // Never express's HTML error page (it shows the stack): the generic JSON 500 instead.
      log.error({ err: failure, cause: error }, 'Error response could not be written');
      if (!res.headersSent) sendJson(res, 500, INTERNAL);
    }
  };
}

function respond(error: unknown, res: Response, log: Logger): void {
  if (error instanceof RequestValidationError) {
    log.info({ detail: error.detail.map(({ type, loc }) => ({ type, loc })) }, 'Request validation failed');
    sendJson(res, 422, { detail: error.detail });
    return;
  }
  if (error instanceof RefusedRequestError) {
    log.info({ code: error.code, status: error.status }, `Refused request: ${error.message}`);
    sendJson(res, error.status, { error: error.message, code: error.code });
    return;
  }
  if (error instanceof FrameworkHttpError) {
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    sendJson(res, error.status, { detail: error.detail });
    return;
  }
  if (error instanceof AppError && error.kind !== 'unavailable') {
    log.info({ code: error.code }, `Handled exception: ${error.name} — ${error.message}`);
    if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterS));
    sendJson(res, STATUS_BY_KIND[error.kind], { error: error.message, code: error.code });
    return;
  }
  if (error instanceof WrongExpectedVersionError) {
    log.info({ stream: error.streamName }, `Handled exception: ${error.name} — ${error.message}`);
    sendJson(res, 409, CONCURRENCY_CONFLICT);
    return;
  }
  if (error instanceof AppendTooLargeError) {
    log.info({ stream: error.streamName }, `Handled exception: ${error.name} — ${error.message}`);
    sendJson(res, 413, TOO_LARGE);
    return;
  }
  if (error instanceof EventSchemaVersionError) {
    log.error({ err: error }, 'Service unavailable: an event of an unknown schema version');
    sendJson(res, 503, SCHEMA_VERSION_UNSUPPORTED);
    return;
  }
  if (error instanceof AppError || error instanceof EventStoreUnavailableError || isConnectionError(error) || isStatementCancelled(error)) {
    // A client that left is no fault of the service's.
    if (error instanceof AppError && error.code === 'request.aborted') log.info({ code: error.code }, 'Client went away');
    else log.error({ err: error }, 'Service unavailable');
    sendJson(res, 503, error instanceof AppError ? { error: error.message, code: error.code } : UNAVAILABLE);
    return;
  }
  if (isHttpLibraryError(error)) {
    log.info({ type: error.type, status: error.status }, `Rejected request: ${error.message}`);
    sendJson(res, error.status, libraryErrorBody(error));
    return;
  }
  log.error({ err: error }, 'Unhandled error');
  sendJson(res, 500, INTERNAL);
}

function isHttpLibraryError(error: unknown): error is HttpLibraryError {
  if (!(error instanceof Error)) return false;
  const { status, expose } = error as Partial<HttpLibraryError>;
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

function libraryErrorBody(error: HttpLibraryError): { error: string; code: string } {
  if (error.type === 'entity.too.large') return TOO_LARGE;
  if (error.type === 'encoding.unsupported') return { error: 'Unsupported content encoding.', code: 'request.unsupported_encoding' };
  return { error: error.message, code: 'request.invalid' };
}
