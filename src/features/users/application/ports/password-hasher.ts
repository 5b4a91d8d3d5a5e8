export interface HashOptions {
  /** `sign_up` hashes in slots and a queue of its own, so that a flood of sign-ups leaves the others theirs. */
  readonly budget?: 'sign_up' | 'shared';
  /** The request's: a hash still waiting for a slot when its client goes away is dropped. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Slow, salted, peppered password hashing. Busy (queue full, or no slot in time) or dropped
 * (the signal aborted) → ServiceUnavailableError 'password_hasher.busy' / 'request.aborted'.
 */
export interface PasswordHasher {
  hash(raw: string, options?: HashOptions): Promise<string>;
  verify(raw: string, hash: string, options?: Pick<HashOptions, 'signal'>): Promise<boolean>;
}

export const PASSWORD_HASHER = Symbol('PasswordHasher');
