import { InvalidUsernameError } from './errors';

export type Username = string & { readonly __brand: 'Username' };

const ALNUM = /^[A-Za-z0-9]$/;
const ALLOWED = /^[A-Za-z0-9._-]*$/;
const NO_CONSECUTIVE_SPECIALS = /^[A-Za-z0-9]+([._-]?[A-Za-z0-9]+)*[._-]?$/;

/**
 * The original's username rules, checked in its order; the first failure wins. Length counts
 * code points. A single trailing special passes the consecutive rule and fails the end rule.
 */
export function parseUsername(raw: string): Username {
  const chars = [...raw];
  if (chars.length < 5 || chars.length > 20) {
    throw new InvalidUsernameError('user.username_length', 'Username must be between 5 and 20 characters.');
  }
  if (!ALNUM.test(chars[0] ?? '')) {
    throw new InvalidUsernameError(
      'user.username_start',
      'Username must start with a letter (A-Z, a-z) or a digit (0-9).',
    );
  }
  if (!ALLOWED.test(raw)) {
    throw new InvalidUsernameError(
      'user.username_characters',
      'Username can only contain letters (A-Z, a-z), digits (0-9), dots (.), hyphens (-), and underscores (_).',
    );
  }
  if (!NO_CONSECUTIVE_SPECIALS.test(raw)) {
    throw new InvalidUsernameError(
      'user.username_consecutive_specials',
      'Username cannot contain consecutive special characters like .., --, or __.',
    );
  }
  if (!ALNUM.test(chars[chars.length - 1] ?? '')) {
    throw new InvalidUsernameError('user.username_end', 'Username must end with a letter (A-Z, a-z) or a digit (0-9).');
  }
  return raw as Username;
}
