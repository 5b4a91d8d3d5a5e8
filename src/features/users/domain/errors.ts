import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, TooManyRequestsError, ValidationError } from '../../../shared/errors';

/** 403 "Not authorized.": the permission matrix refuses the action. */
export class NotAuthorizedError extends ForbiddenError {
  constructor() {
    super('auth.not_authorized', 'Not authorized.');
  }
}

/** 400: one of the username rules, each with its own code and the contract's message. */
export class InvalidUsernameError extends ValidationError {}

export class PasswordTooShortError extends ValidationError {
  constructor() {
    super('user.password_too_short', 'Password must be at least 6 characters long.');
  }
}

/** 409: the username is reserved by a created user (or by a creation still in progress). */
export class UserAlreadyExistsError extends ConflictError {
  constructor(readonly username: string) {
    super('user.already_exists', `User with '${username}' already exists.`);
  }
}

/** 404, in the original's Python-repr wording: `'NAME'` by name, `UUID('…')` by id. */
export class UserNotFoundError extends NotFoundError {
  static byUsername(username: string): UserNotFoundError {
    return new UserNotFoundError(`User with '${username}' is not found.`);
  }

  static byId(userId: string): UserNotFoundError {
    return new UserNotFoundError(`User with UUID('${userId.toLowerCase()}') is not found.`);
  }

  private constructor(message: string) {
    super('user.not_found', message);
  }
}

/** 412: the user's stream is no longer at the revision the caller's `If-Match` names. */
export class UserRevisionMismatchError extends PreconditionFailedError {
  constructor(userId: string) {
    super('user.revision_mismatch', `User with UUID('${userId.toLowerCase()}') has changed since the revision If-Match names.`);
  }
}

/** 404 for a state asked of a moment before the user's creation. */
export class UserNotYetCreatedError extends NotFoundError {
  constructor(userId: string, asOf: Date) {
    super('user.not_yet_created', `User with UUID('${userId.toLowerCase()}') was not yet created at ${asOf.toISOString()}.`);
  }
}

/** 404 for a state asked of a revision the user's stream has not reached. */
export class UserRevisionNotFoundError extends NotFoundError {
  constructor(userId: string, revision: bigint, head: bigint) {
    super('user.revision_not_found', `User with UUID('${userId.toLowerCase()}') has no revision ${revision} (the latest is ${head}).`);
  }
}

/** 403: the role of a super_admin is never changed. */
export class RoleChangeNotPermittedError extends ForbiddenError {
  constructor(username: string) {
    super('user.role_change_not_permitted', `Changing role of user '${username}' (super_admin) is not permitted.`);
  }
}

/** 403 "Invalid password.": a wrong current password on change-password (login answers 401). */
export class CurrentPasswordInvalidError extends ForbiddenError {
  constructor() {
    super('auth.invalid_password', 'Invalid password.');
  }
}

/** 400 for a sorting field that is not a read-model column (no trailing dot, as the original). */
export class InvalidSortingFieldError extends ValidationError {
  constructor(field: string) {
    super('users.invalid_sorting_field', `Invalid sorting field: ${pythonRepr(field)}`);
  }
}

/** What Python's str.isprintable() refuses: controls, format, surrogates, private use, unassigned, separators but the space. */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** A string as Python's repr() prints it, since the original's messages embed reprs. */
export function pythonRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) out += pythonEscape(code);
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

function pythonEscape(code: number): string {
  const hex = code.toString(16);
  if (code < 0x100) return `\\x${hex.padStart(2, '0')}`;
  return code < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

export class PasswordUnchangedError extends ValidationError {
  constructor() {
    super('auth.password_unchanged', 'New password must differ from current password.');
  }
}

/** 429: a brute-force or flood limit; `retryAfterS` is when the next attempt may be made. */
export class TooManyAttemptsError extends TooManyRequestsError {
  constructor(retryAfterS: number) {
    super('auth.too_many_attempts', 'Too many attempts. Please try again later.', Math.max(1, Math.ceil(retryAfterS)));
  }
}

/** The bootstrap or the script named a user that exists with another role: nothing is written. */
export class NotASuperAdminError extends ConflictError {
  constructor(username: string, role: string) {
    super('bootstrap.not_super_admin', `User '${username}' exists but is not a super admin (role ${role}); nothing changed. Choose another username.`);
  }
}
