/** Where a request comes from, as the throttles and the hasher need it (the HTTP layer fills it in). */
export interface RequestOrigin {
  /** The client's address: the socket's peer, or what a trusted proxy says. */
  readonly address: string;
  /** Aborts when the client has gone: work still waiting for a hash slot is dropped. */
  readonly signal?: AbortSignal | undefined;
}

/** Calls from inside the service (scripts, tests) have no client: their address counters are shared. */
export const NO_CLIENT: RequestOrigin = { address: 'internal' };
