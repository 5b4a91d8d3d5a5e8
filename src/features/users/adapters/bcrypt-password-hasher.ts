import { createHmac } from 'node:crypto';
import bcrypt from 'bcrypt';
import { ServiceUnavailableError } from '../../../shared/errors';
import type { PasswordHasher } from '../application/ports/password-hasher';
import { Semaphore } from './semaphore';

export interface BcryptPasswordHasherOptions {
  /** At least 32 characters; changing it invalidates every stored hash. */
  readonly pepper: string;
  /** bcrypt work factor, never below 10. */
  readonly cost: number;
  /** Hashes running at once; more wait for a slot. */
  readonly maxConcurrent: number;
  /** How long a hash waits for a slot before the request gets 503. */
  readonly waitTimeoutMs: number;
}

/**
 * The original's scheme: HMAC-SHA384 of the UTF-8 password keyed with the pepper, base64
 * (64 ASCII bytes, under bcrypt's 72-byte limit whatever the password's length), then bcrypt.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  private readonly slots: Semaphore;

  constructor(private readonly options: BcryptPasswordHasherOptions) {
    if (!Number.isInteger(options.cost) || options.cost < 10) throw new RangeError('The bcrypt cost must be at least 10.');
    this.slots = new Semaphore(options.maxConcurrent);
  }

  hash(raw: string): Promise<string> {
    return this.withSlot(() => bcrypt.hash(this.peppered(raw), this.options.cost));
  }

  verify(raw: string, hash: string): Promise<boolean> {
    return this.withSlot(() => bcrypt.compare(this.peppered(raw), hash));
  }

  private withSlot<T>(work: () => Promise<T>): Promise<T> {
    return this.slots.run(work, this.options.waitTimeoutMs, () => new ServiceUnavailableError('password_hasher.busy'));
  }

  private peppered(raw: string): string {
    return createHmac('sha384', Buffer.from(this.options.pepper, 'utf8')).update(raw, 'utf8').digest('base64');
  }
}
