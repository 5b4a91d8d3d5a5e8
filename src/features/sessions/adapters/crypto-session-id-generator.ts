import { randomBytes } from 'node:crypto';
import type { SessionIdGenerator } from '../application/ports/session-id-generator';

export class CryptoSessionIdGenerator implements SessionIdGenerator {
  newSessionId(): string {
    return randomBytes(32).toString('base64url');
  }
}
