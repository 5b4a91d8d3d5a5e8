/** Where a committed event id landed; what the server's committed-events cache remembers per id. */
export interface CommittedIdEntry {
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * The bounded cache of recently committed event ids that idempotency for `any` and `stream_exists` consults (rule 11).
 * Being bounded is the point: once an id ages out, a replay with `any` is written again, as on the server.
 */
export class CommittedIdCache {
  // A Map iterates in insertion order, so the first key is the oldest entry.
  private readonly entries = new Map<string, CommittedIdEntry>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`idCacheMaxEntries must be a positive integer, got ${maxEntries}`);
  }

  remember(id: string, entry: CommittedIdEntry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  lookup(id: string): CommittedIdEntry | undefined {
    return this.entries.get(id);
  }
}
