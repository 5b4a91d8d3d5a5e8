import type { IndexedSessions, UserSessionsIndex } from '../../src/features/sessions';
import type { PasswordHasher } from '../../src/features/users';
import type { Clock } from '../../src/shared/clock';
import type { EventStore, GlobalPosition } from '../../src/shared/event-store/event-store';

/** What the fake hasher stores for `raw`: reversible, so tests can write the expected hash. */
export const fakeHashOf = (raw: string): string => `fake$${Buffer.from(raw, 'utf8').toString('base64')}`;

/** Reversible and fast; counts calls so tests can see that refused commands never hash. */
export class FakeHasher implements PasswordHasher {
  hashes = 0;
  verifies = 0;
  async hash(raw: string): Promise<string> {
    this.hashes++;
    return fakeHashOf(raw);
  }
  async verify(raw: string, hash: string): Promise<boolean> {
    this.verifies++;
    return hash === fakeHashOf(raw);
  }
}

/**
 * The sessions index folded straight from the log, as the projection would after catching up;
 * or, once frozen, as a projection stopped at that position (or one that never ran) would answer the audit.
 */
export class LogUserSessionsIndex implements UserSessionsIndex {
  private frozen: { at: GlobalPosition | undefined } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** From now on the audit's answers stop at `position` (undefined: the projection never folded anything). */
  freeze(position: GlobalPosition | undefined): void {
    this.frozen = { at: position };
  }

  async sessionsOf(userId: string): Promise<IndexedSessions> {
    if (this.frozen !== undefined && this.frozen.at === undefined) return { sessionIds: [], foldedUpTo: undefined };
    const { events, lastPosition } = await this.store.readAll({ filter: { streamNamePrefixes: ['session-'] } });
    const upTo = this.frozen?.at ?? lastPosition;
    const ids = new Set<string>();
    for (const { type, data, position } of events) {
      const d = data as { sessionId: string; userId: string };
      if (type === 'SessionStarted' && d.userId === userId && (upTo === undefined || position <= upTo)) ids.add(d.sessionId);
    }
    return { sessionIds: [...ids], foldedUpTo: upTo };
  }

  async liveSessionIds(userId: string): Promise<string[]> {
    const { events } = await this.store.readAll({ filter: { streamNamePrefixes: ['session-'] } });
    const sessions = new Map<string, { userId: string; expiresAt: string; ended: boolean }>();
    for (const { type, data } of events) {
      const d = data as { sessionId: string; userId: string; expiresAt: string };
      if (type === 'SessionStarted') sessions.set(d.sessionId, { userId: d.userId, expiresAt: d.expiresAt, ended: false });
      const known = sessions.get(d.sessionId);
      if (known && type === 'SessionExtended') known.expiresAt = d.expiresAt;
      if (known && type === 'SessionEnded') known.ended = true;
    }
    const now = this.clock.now().getTime();
    return [...sessions]
      .filter(([, s]) => s.userId === userId && !s.ended && Date.parse(s.expiresAt) > now)
      .map(([id]) => id);
  }
}
