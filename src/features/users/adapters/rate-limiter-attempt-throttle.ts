import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Knex } from 'knex';
import { TooManyAttemptsError } from '../domain/errors';
import type { AttemptSource, AttemptThrottle, CheckOutcome, CheckReservation } from '../application/ports/attempt-throttle';

export interface ThrottlePolicy {
  /** Failed checks of one account that cost nothing; from the last of them on, one check at a time. */
  readonly accountFreeFailures: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further failure. */
  readonly accountFirstDelayS: number;
  readonly accountMaxDelayS: number;
  /** A hard cap on the checks of one account that may fail in an hour, whatever the delays. */
  readonly accountFailuresPerHour: number;
  readonly addressFailures: number;
  readonly addressFailuresWindowS: number;
  /** Sign-ups and administrators' password sets from one address. */
  readonly addressSignups: number;
  readonly addressSignupsWindowS: number;
  /** Password writes naming one account (sign-ups of a username, sets of a user's password) in an hour. */
  readonly accountWritesPerHour: number;
}

type LimiterOptions = { readonly keyPrefix: string; readonly points: number; readonly duration: number };
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

/** The counters' table (its migration is in ./migrations); every process shares it. */
export const ATTEMPT_COUNTERS_TABLE = 'attempt_counters';

export function postgresLimiters(knex: Knex): LimiterFactory {
  return (options) =>
    new RateLimiterPostgres({ ...options, storeClient: knex, storeType: 'knex', tableName: ATTEMPT_COUNTERS_TABLE, tableCreated: true });
}

/** Counters in this process only: for tests, and for a single process that wants no database. */
export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

/** How long a reservation holds an account's one-at-a-time gate if its process dies before settling. */
const GATE_LEASE_S = 60;
/** Consecutive failures are forgotten a day after the first one, unless a success resets them earlier. */
const FAILURE_MEMORY_S = 86_400;
const UNCAPPED = 1_000_000_000;

/**
 * rate-limiter-flexible's counters (PostgreSQL-backed in production), combined into the policy:
 * every check reserves a point on each counter before it runs and gives it back unless it
 * failed; from the last free failure on, a check must also take the account's gate, a counter
 * of one that a failure blocks for the doubling delay, so only one check at a time can fail.
 */
export class RateLimiterAttemptThrottle implements AttemptThrottle {
  private readonly addressFailures: RateLimiterAbstract;
  private readonly accountHourly: RateLimiterAbstract;
  private readonly accountFailures: RateLimiterAbstract;
  private readonly accountGate: RateLimiterAbstract;
  private readonly addressWrites: RateLimiterAbstract;
  private readonly accountWrites: RateLimiterAbstract;

  constructor(
    private readonly policy: ThrottlePolicy,
    limiter: LimiterFactory,
  ) {
    this.addressFailures = limiter({ keyPrefix: 'address_failures', points: policy.addressFailures, duration: policy.addressFailuresWindowS });
    this.accountHourly = limiter({ keyPrefix: 'account_hourly', points: policy.accountFailuresPerHour, duration: 3_600 });
    this.accountFailures = limiter({ keyPrefix: 'account_failures', points: UNCAPPED, duration: FAILURE_MEMORY_S });
    this.accountGate = limiter({ keyPrefix: 'account_gate', points: 1, duration: GATE_LEASE_S });
    this.addressWrites = limiter({ keyPrefix: 'address_writes', points: policy.addressSignups, duration: policy.addressSignupsWindowS });
    this.accountWrites = limiter({ keyPrefix: 'account_writes', points: policy.accountWritesPerHour, duration: 3_600 });
  }

  async reserveCheck({ account, address }: AttemptSource): Promise<CheckReservation> {
    const taken: Array<[RateLimiterAbstract, string]> = [];
    const giveBack = async (): Promise<void> => {
      for (const [counter, key] of taken) await counter.reward(key, 1);
    };
    try {
      for (const [counter, key] of [[this.addressFailures, address], [this.accountHourly, account]] as const) {
        await counter.consume(key, 1);
        taken.push([counter, key]);
      }
      const { consumedPoints: failures } = await this.accountFailures.consume(account, 1);
      taken.push([this.accountFailures, account]);
      const gated = failures >= this.policy.accountFreeFailures;
      if (gated) await this.accountGate.consume(account, 1);
      return { settle: (outcome) => this.settle(outcome, { account, address, failures, gated }) };
    } catch (error) {
      // A refused attempt never counts: only checks that ran and failed do.
      await giveBack();
      if (error instanceof RateLimiterRes) throw new TooManyAttemptsError(error.msBeforeNext / 1000);
      throw error;
    }
  }

  async countWrite({ account, address }: AttemptSource): Promise<void> {
    try {
      await this.addressWrites.consume(address, 1);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new TooManyAttemptsError(error.msBeforeNext / 1000);
      throw error;
    }
    try {
      await this.accountWrites.consume(account, 1);
    } catch (error) {
      await this.addressWrites.reward(address, 1);
      if (error instanceof RateLimiterRes) throw new TooManyAttemptsError(error.msBeforeNext / 1000);
      throw error;
    }
  }

  private async settle(
    outcome: CheckOutcome,
    held: { account: string; address: string; failures: number; gated: boolean },
  ): Promise<void> {
    const { account, address, failures, gated } = held;
    switch (outcome) {
      case 'failed':
        if (gated) await this.accountGate.block(account, this.delayAfter(failures));
        return;
      case 'succeeded':
        await this.accountFailures.delete(account);
        await this.accountGate.delete(account);
        await this.accountHourly.reward(account, 1);
        await this.addressFailures.reward(address, 1);
        return;
      case 'aborted':
        await this.accountFailures.reward(account, 1);
        if (gated) await this.accountGate.delete(account);
        await this.accountHourly.reward(account, 1);
        await this.addressFailures.reward(address, 1);
        return;
      default: {
        const unknown: never = outcome;
        throw new TypeError(`Unknown outcome ${String(unknown)}`);
      }
    }
  }

  /** 1 s after the last free failure, then twice as long after each one more, up to the cap. */
  private delayAfter(failures: number): number {
    const { accountFreeFailures, accountFirstDelayS, accountMaxDelayS } = this.policy;
    const doublings = Math.min(failures - accountFreeFailures, 30);
    return Math.min(accountFirstDelayS * 2 ** doublings, accountMaxDelayS);
  }
}
