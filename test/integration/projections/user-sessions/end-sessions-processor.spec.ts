import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pino from 'pino';
import { container } from 'tsyringe';
import { endSessionsOnUserDeactivatedProcessor } from '../../../../projections/user-sessions/end-sessions-processor';
import { userSessionsProjection } from '../../../../projections/user-sessions/user-sessions.projection';
import { PgUserSessionsIndex } from '../../../../projections/user-sessions/user-sessions.reader';
import { ProjectionWorker } from '../../../../projections/worker';
import { EndSessionsOnUserDeactivated, USER_SESSIONS_INDEX } from '../../../../src/features/sessions/index';
import { ID_GENERATOR, UuidIdGenerator } from '../../../../src/features/users/index';
import { CLOCK } from '../../../../src/shared/clock';
import { EVENT_STORE } from '../../../../src/shared/event-store/event-store';
import type { Database } from '../../../../src/shared/database/database';
import { InMemoryEventStore } from '../../../../src/shared/event-store/in-memory-event-store';
import { openTestDatabase } from '../../../support/test-database';
import { createUser, event, eventually } from '../fixtures';

describe('end-sessions-on-user-deactivated processor with the sessions index', () => {
  let db: Database;
  let worker: ProjectionWorker | undefined;

  before(async () => {
    db = await openTestDatabase();
  });

  afterEach(async () => {
    await worker?.stop();
  });

  it('ends every session the user started before the deactivation, and only those', async () => {
    const store = new InMemoryEventStore();
    const now = new Date();
    const iso = (offsetMs: number): string => new Date(now.getTime() + offsetMs).toISOString();
    const user = await createUser(store);
    const start = async (sessionId: string, startedAt: string): Promise<void> => {
      await store.append(`session-${sessionId}`, [
        event('SessionStarted', { sessionId, userId: user.id, startedAt, expiresAt: iso(300_000) }),
      ], { expectedRevision: 'no_stream' });
    };
    const [early, late] = [randomUUID(), randomUUID()];
    await start(early, iso(-60_000));
    await store.append(`user-${user.id}`, [event('UserDeactivated', { userId: user.id, deactivatedAt: iso(-30_000) })]);
    await start(late, iso(-1_000));

    const sessions = userSessionsProjection(`user_sessions_t${randomUUID().slice(0, 8)}`);
    const index = new PgUserSessionsIndex(db, undefined, sessions.name);
    const scope = container.createChildContainer();
    scope.register(EVENT_STORE, { useValue: store });
    scope.register(USER_SESSIONS_INDEX, { useValue: index });
    scope.register(ID_GENERATOR, { useValue: new UuidIdGenerator() });
    scope.register(CLOCK, { useValue: { now: () => now } });
    const reaction = scope.resolve(EndSessionsOnUserDeactivated);
    const processor = endSessionsOnUserDeactivatedProcessor(reaction, {
      name: `end-sessions:test-${randomUUID()}`,
      sessionsProjection: sessions.name,
    });
    worker = new ProjectionWorker({
      db,
      eventStore: store,
      logger: pino({ level: 'silent' }),
      projections: [sessions],
      processors: [processor],
    });
    worker.start();

    await eventually('the early session to end', async () => (await store.readStream(`session-${early}`)).length === 2);
    const ended = (await store.readStream(`session-${early}`))[1]!;
    expect(ended).to.deep.include({ type: 'SessionEnded' });
    expect(ended.data).to.deep.equal({ sessionId: early, userId: user.id, reason: 'user_deactivated' });
    await eventually('the index to see the end', async () => !(await index.liveSessionIds(user.id)).includes(early));
    expect(await index.liveSessionIds(user.id)).to.deep.equal([late]);
    expect(await store.readStream(`session-${late}`)).to.have.length(1);
  });
});
