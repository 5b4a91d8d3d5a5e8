import type { ReadModelFreshness } from '../../src/features/users/index';
import type { ProjectionPositions } from '../projection-positions';
import { USERS } from './users.table';

export interface UsersFreshnessOptions {
  /** Caps every wait, so operators (and tests) can shorten the query's bound. */
  readonly maxWaitMs?: number;
}

/**
 * Read-your-writes for the users read model: waits on the projection's checkpoint, which this
 * process sees at once when it runs the projector and otherwise by polling the checkpoint row.
 */
export class UsersReadModelFreshness implements ReadModelFreshness {
  constructor(
    private readonly positions: ProjectionPositions,
    private readonly options: UsersFreshnessOptions = {},
  ) {}

  waitUntilPassed(position: bigint, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const bound = Math.min(timeoutMs, this.options.maxWaitMs ?? timeoutMs);
    return this.positions.waitUntilPassed(USERS, position, { timeoutMs: Math.max(0, bound), ...(signal ? { signal } : {}) });
  }
}
