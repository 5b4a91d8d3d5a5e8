export interface SessionIdGenerator {
  /** 256 random bits, base64url: 43 characters. */
  newSessionId(): string;
}

export const SESSION_ID_GENERATOR = Symbol('SessionIdGenerator');
