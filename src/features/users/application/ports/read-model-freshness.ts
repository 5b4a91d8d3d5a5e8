/** Read-your-writes: how a query waits for the users read model to reach a command's position. */
export interface ReadModelFreshness {
  /** True once the read model has applied every event up to `position`; false after `timeoutMs`, or once `signal` aborts. */
  waitUntilPassed(position: bigint, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
}

export const READ_MODEL_FRESHNESS = Symbol('ReadModelFreshness');
