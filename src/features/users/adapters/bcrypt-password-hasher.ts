import { createHmac } from 'node:crypto';
import bcrypt from 'bcrypt';
import { ServiceUnavailableError } from '../../../shared/errors';
import type { HashOptions, PasswordHasher } from '../application/ports/password-hasher';
import { Semaphore, type SemaphoreErrors } from './semaphore';

export interface BcryptPasswordHasherOptions {
  /** At least 32 characters; changing it invalidates every stored hash. */
  readonly pepper: string;
  /** bcrypt work factor, never below 10. */
  readonly cost: number;
  /** Hashes running at once; more wait for a slot. */
  readonly maxConcurrent: number;
  /** How long a hash waits for a slot before the request gets 503. */
  readonly waitTimeoutMs: number;
  /** Hashes that may wait for a slot; one more gets 503 at once. Unbounded when not given. */
  readonly maxWaiting?: number;
  /** Sign-ups' own slots and queue; without them sign-ups share the others'. */
  readonly signUp?: { readonly maxConcurrent: number; readonly maxWaiting: number };
}

const ERRORS: SemaphoreErrors = {
  full: () => new ServiceUnavailableError('password_hasher.busy'),
  timeout: () => new ServiceUnavailableError('password_hasher.busy'),
  aborted: () => new ServiceUnavailableError('request.aborted'),
};

/**
 * The original's scheme: HMAC-SHA384 of the UTF-8 password keyed with the pepper, base64
 * (64 ASCII bytes, under bcrypt's 72-byte limit whatever the password's length), then bcrypt.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly slots: Semaphore;
  private readonly signUpSlots: Semaphore;

  constructor(private readonly options: BcryptPasswordHasherOptions) {
    if (!Number.isInteger(options.cost) || options.cost < 10) throw new RangeError('The bcrypt cost must be at least 10.');
    this.slots = new Semaphore(options.maxConcurrent, options.maxWaiting);
    const { signUp } = options;
    this.signUpSlots = signUp === undefined ? this.slots : new Semaphore(signUp.maxConcurrent, signUp.maxWaiting);
  }

  hash(raw: string, options: HashOptions = {}): Promise<string> {
    const slots = options.budget === 'sign_up' ? this.signUpSlots : this.slots;
    return slots.run(() => bcrypt.hash(this.peppered(raw), this.options.cost), this.options.waitTimeoutMs, ERRORS, options.signal);
  }

  verify(raw: string, hash: string, options: Pick<HashOptions, 'signal'> = {}): Promise<boolean> {
    return this.slots.run(() => bcrypt.compare(this.peppered(raw), hash), this.options.waitTimeoutMs, ERRORS, options.signal);
  }

  private peppered(raw: string): string {
    return createHmac('sha384', Buffer.from(this.options.pepper, 'utf8')).update(raw, 'utf8').digest('base64');
  }
}
