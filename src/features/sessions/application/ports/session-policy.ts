/**
 * A session lives `ttlMs`; it is renewed when its remaining lifetime is at most ttl ×
 * refreshThreshold, and never past `maxLifetimeMs` after it started.
 */
export interface SessionPolicy {
  readonly ttlMs: number;
  /** Strictly between 0 and 1; the original's default is 0.2. */
  readonly refreshThreshold: number;
  /** The absolute cap (12 h by default); then the user logs in again. */
  readonly maxLifetimeMs: number;
}

export const SESSION_POLICY = Symbol('SessionPolicy');
