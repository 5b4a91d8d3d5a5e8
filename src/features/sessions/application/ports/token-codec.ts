/** The access token: a signed JWT carrying only the session id and its expiry. */
export interface TokenCodec {
  issue(sessionId: string, expiresAt: Date): string;
  /** null for a bad signature, an expired or malformed token, or a missing claim. */
  decode(token: string, now: Date): { sessionId: string } | null;
}

export const TOKEN_CODEC = Symbol('TokenCodec');
