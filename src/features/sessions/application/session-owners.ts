/**
 * Which user each recently seen session belongs to. A session's user is fixed when it starts
 * and never changes, so remembering it is always right; it lets a request read the session's
 * stream and its user's stream in one round trip instead of one after the other. Bounded: the
 * oldest entry goes first.
 */
export class SessionOwners {
  private readonly owners = new Map<string, string>();

  constructor(private readonly capacity = 20_000) {}

  get(sessionId: string): string | undefined {
    return this.owners.get(sessionId);
  }

  remember(sessionId: string, userId: string): void {
    if (this.owners.has(sessionId)) return;
    if (this.owners.size >= this.capacity) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
    this.owners.set(sessionId, userId);
  }
}
