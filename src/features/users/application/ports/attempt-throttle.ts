/**
 * Who makes a password attempt: the account it names (a normalized username, whether or not a
 * user has it, or another stable name of the account) and the client's address.
 */
export interface AttemptSource {
  readonly account: string;
  readonly address: string;
}

/** What a reserved password check came to: `aborted` when it never decided (a 503, a dropped client). */
export type CheckOutcome = 'succeeded' | 'failed' | 'aborted';

export interface CheckReservation {
  settle(outcome: CheckOutcome): Promise<void>;
}

/**
 * Brute-force and flood limits, shared by every process. Over a limit both methods throw
 * TooManyAttemptsError (429 with Retry-After), the same whether or not the account exists.
 */
export interface AttemptThrottle {
  /**
   * Reserves one password check before it runs, so that attempts sent in parallel count too;
   * the caller settles it once the check has decided (a success resets the account).
   */
  reserveCheck(source: AttemptSource): Promise<CheckReservation>;
  /** Counts one password write that checks nothing first: a sign-up, an administrator's set. */
  countWrite(source: AttemptSource): Promise<void>;
}

export const ATTEMPT_THROTTLE = Symbol('AttemptThrottle');
