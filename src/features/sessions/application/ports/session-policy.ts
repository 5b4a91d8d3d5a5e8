/** A session lives `ttlMs`; it is renewed when its remaining lifetime is at most ttl × refreshThreshold. */
export interface SessionPolicy {
  readonly ttlMs: number;
  /** Strictly between 0 and 1; the original's default is 0.2. */
  readonly refreshThreshold: number;
}

export const SESSION_POLICY = Symbol('SessionPolicy');
