/**
 * The `access_token` cookie, written by hand rather than through cookie-session: its value must
 * be the bare JWT and its attributes exactly the original's (see docs/adr/0003-http-contract.md).
 */
export const SESSION_COOKIE_NAME = 'access_token';

export interface CookieSettings {
  /** `SameSite=Strict; Secure`, as the original's `[security.cookies] SECURE`; else `SameSite=Lax`. */
  readonly secure: boolean;
}

/**
 * No Max-Age or Expires: a browser-session cookie whose lifetime is carried by the JWT and the
 * session. Never without SameSite (the original set it only with secure cookies): Lax keeps the
 * cookie off cross-site POSTs while a link from another site still arrives logged in.
 */
export function sessionCookie(token: string, settings: CookieSettings): string {
  const base = `${SESSION_COOKIE_NAME}=${token}; HttpOnly; Path=/`;
  return settings.secure ? `${base}; SameSite=Strict; Secure` : `${base}; SameSite=Lax`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE_NAME}=""; HttpOnly; Max-Age=0; Path=/`;
}

/** The token from a `Cookie` header; the last one wins and an empty value counts as none (as Starlette). */
export function readSessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  let token: string | undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1) continue;
    if (pair.slice(0, separator).trim() !== SESSION_COOKIE_NAME) continue;
    token = unquote(pair.slice(separator + 1).trim());
  }
  return token === '' ? undefined : token;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}
