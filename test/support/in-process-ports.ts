import type { UserSessionsIndex } from '../../src/features/sessions';
import type { PasswordHasher } from '../../src/features/users';
import type { Clock } from '../../src/shared/clock';
import type { EventStore } from '../../src/shared/event-store/event-store';

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

/** The sessions index folded straight from the log, as the projection would after catching up. */
export class LogUserSessionsIndex implements UserSessionsIndex {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async sessionIdsOf(userId: string): Promise<string[]> {
    const { events } = await this.store.readAll({ filter: { streamNamePrefixes: ['session-'] } });
    const ids = new Set<string>();
    for (const { type, data } of events) {
      const d = data as { sessionId: string; userId: string };
      if (type === 'SessionStarted' && d.userId === userId) ids.add(d.sessionId);
    }
    return [...ids];
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
