/**
 * The one error hierarchy. Every error a client may see is an AppError: `kind` decides the
 * HTTP status (mapped in one place, src/http/error-middleware.ts), `code` is the stable
 * machine-readable name, `message` is the contract's text.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'too_many_requests'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(code: string, message: string) {
    super('validation', code, message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(code: string, message: string) {
    super('unauthenticated', code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code: string, message: string) {
    super('forbidden', code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

/** A business-rule conflict such as a taken username, or lost concurrency after retries (409). */
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super('conflict', code, message);
  }
}

/** A condition the client set (an `If-Match` revision) no longer holds (412). */
export class PreconditionFailedError extends AppError {
  constructor(code: string, message: string) {
    super('precondition_failed', code, message);
  }
}

/** An infrastructure part is down or saturated; the client may retry (503). */
export class ServiceUnavailableError extends AppError {
  constructor(code: string, options?: { cause?: unknown }) {
    super('unavailable', code, 'Service temporarily unavailable. Please try again later.', options);
  }
}

/** Over a throttle's limit (429): `retryAfterS` becomes the `Retry-After` header. */
export class TooManyRequestsError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterS: number,
  ) {
    super('too_many_requests', code, message);
  }
}
