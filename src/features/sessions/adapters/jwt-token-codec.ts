import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { TokenCodec } from '../application/ports/token-codec';

export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * HMAC-signed JWTs (HS256 by default) with exactly the claims `auth_session_id` and `exp`
 * (seconds). The secret is a KeyObject: jsonwebtoken re-imports a string secret on every call,
 * which is many times slower.
 */
export class JwtTokenCodec implements TokenCodec {
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly algorithm: JwtAlgorithm = 'HS256',
  ) {
    if (secret.length < 32) throw new RangeError('The JWT secret must have at least 32 characters.');
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(sessionId: string, expiresAt: Date): string {
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return jwt.sign({ auth_session_id: sessionId, exp }, this.key, { algorithm: this.algorithm, noTimestamp: true });
  }

  decode(token: string, now: Date): { sessionId: string } | null {
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: [this.algorithm],
        clockTimestamp: Math.floor(now.getTime() / 1000),
      });
      if (typeof payload !== 'object' || typeof payload.exp !== 'number') return null;
      const sessionId: unknown = payload['auth_session_id'];
      return typeof sessionId === 'string' && sessionId.length > 0 ? { sessionId } : null;
    } catch {
      return null;
    }
  }
}
