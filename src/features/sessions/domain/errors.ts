import { AppError, ConflictError, ForbiddenError, UnauthenticatedError } from '../../../shared/errors';

/** 401 "Not authenticated.": no token, or one that is invalid, expired or for an ended session. */
export class NotAuthenticatedError extends UnauthenticatedError {
  constructor() {
    super('auth.not_authenticated', 'Not authenticated.');
  }
}

/** 403 on sign-up and log-in while a valid session is presented. */
export class AlreadyAuthenticatedError extends ForbiddenError {
  constructor() {
    super('auth.already_authenticated', 'You are already authenticated. Consider logging out.');
  }
}

/** 401 "Invalid password." on log-in (change-password answers 403 with the same text). */
export class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('auth.invalid_password', 'Invalid password.');
  }
}

/** 401 on log-in to a deactivated account; checked after the password. */
export class AccountInactiveError extends UnauthenticatedError {
  constructor() {
    super('auth.account_inactive', 'Your account is inactive. Please contact support.');
  }
}

/** 401 when the session could not be stored, in the original's wording. */
export class AuthenticationUnavailableError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('unauthenticated', 'auth.unavailable', 'Authentication is currently unavailable. Please try again later.', options);
  }
}

/** A new session id that is already taken: ids are 256 random bits, so only a bug gets here. */
export class SessionAlreadyStartedError extends ConflictError {
  constructor(sessionId: string) {
    super('auth.session_exists', `Session ${sessionId.slice(0, 6)}… already exists.`);
  }
}
