import { PasswordTooShortError } from './errors';

const MIN_LENGTH = 6;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The only password rule: at least 6 code points. No maximum (the hasher pre-hashes). */
export function assertPasswordRule(raw: string): void {
  if ([...raw].length < MIN_LENGTH) throw new PasswordTooShortError();
}

/**
 * Whether two passwords have the same UTF-8 bytes, which is what the hasher sees: UTF-8
 * encoding turns every lone surrogate into U+FFFD, so compare after doing the same.
 */
export function sameUtf8Bytes(a: string, b: string): boolean {
  return a.replace(LONE_SURROGATE, '\uFFFD') === b.replace(LONE_SURROGATE, '\uFFFD');
}
