import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Database } from '../../../../src/shared/database/database';
import { APPEND_SQL, appendBindings, PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { openDatabase } from '../../../../src/shared/database/open-database';
import { eventually } from '../../../support/eventually';
import { openTestDatabase, serverTestDatabaseUrl } from '../../../support/test-database';
import { aStream, anEvent, events } from './event-fixtures';
import { SubscriptionProbe } from './subscription-probe';

/** An append through the adapter's own SQL inside a transaction that stays open until released. */
function holdOpenAppend(db: Database, stream: string): { appended: Promise<void>; release: () => void; committed: Promise<void> } {
  let release!: () => void;
  let appended!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const appendedPromise = new Promise<void>((resolve) => (appended = resolve));
  const committed = db.knex.transaction(async (trx) => {
    await trx.raw(APPEND_SQL, appendBindings(stream, [anEvent()], 'any') as never[]);
    appended();
    await released;
  });
  return { appended: appendedPromise, release, committed };
}

describe('PgEventStore: the skipped-gap trap', () => {
  let db: Database;
  let store: PgEventStore;
  /** A store on a pool of its own, whose reads of the log are counted. */
  let liveDb: Database;
  let liveStore: PgEventStore;
  let liveReads = 0;
  before(async () => {
    db = await openTestDatabase();
    store = new PgEventStore(db, { pollIntervalMs: 20 });
    liveDb = await openDatabase({ kind: 'server', url: serverTestDatabaseUrl() as string, poolMax: 2 });
    liveDb.knex.on('query', () => liveReads++);
    liveStore = new PgEventStore(liveDb, { pollIntervalMs: 20 });
  });
  after(async () => {
    await store.close();
    await liveStore.close();
    await liveDb.close();
  });

  it('never moves past an open appending transaction, and delivers its events once it commits', async () => {
    const prefix = `gap${randomUUID().slice(0, 8)}`;
    const filter = { streamNamePrefixes: [prefix] };
    const [held, later] = [aStream(prefix), aStream(prefix)];
    const live = new SubscriptionProbe(liveStore, { filter });
    await live.waitForCaughtUp();
    const open = holdOpenAppend(db, held);
    let fresh: SubscriptionProbe | undefined;
    try {
      await open.appended;
      await store.append(later, events(2));
      // The live subscription starts a read only once it has yielded the page before: after two
      // reads begun since the later events committed, it has seen all one of them could show.
      const readsBefore = liveReads;
      await eventually('the live subscription to read the log twice more', () => liveReads >= readsBefore + 2);

      expect((await store.readAll({ filter })).events).to.deep.equal([]);
      fresh = new SubscriptionProbe(store, { filter });
      await fresh.waitForCaughtUp();
      expect(fresh.events).to.deep.equal([]);
      expect(live.events).to.deep.equal([]);

      open.release();
      await open.committed;
      await store.append(later, [anEvent()]);
      for (const probe of [live, fresh]) {
        await probe.waitForEvents(4);
        expect(probe.events.map((e) => `${e.streamName}@${e.revision}`)).to.deep.equal([`${held}@0`, `${later}@0`, `${later}@1`, `${later}@2`]);
      }
      const page = await store.readAll({ filter });
      expect(page.events.map((e) => e.id)).to.deep.equal(live.events.map((e) => e.id));
    } finally {
      open.release();
      await open.committed;
      await live.close();
      await fresh?.close();
    }
  });

  it('loses nothing when the open transaction rolls back', async () => {
    const prefix = `gap${randomUUID().slice(0, 8)}`;
    const filter = { streamNamePrefixes: [prefix] };
    let release!: () => void;
    let appended!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const appendedPromise = new Promise<void>((resolve) => (appended = resolve));
    const rolledBack = db.knex.transaction(async (trx) => {
      await trx.raw(APPEND_SQL, appendBindings(aStream(prefix), [anEvent()], 'any') as never[]);
      appended();
      await released;
      throw new Error('roll back');
    }).catch(() => undefined);
    const later = aStream(prefix);
    try {
      await appendedPromise;
      await store.append(later, events(2));
      expect((await store.readAll({ filter })).events).to.deep.equal([]);
    } finally {
      release();
      await rolledBack;
    }
    expect((await store.readAll({ filter })).events.map((e) => e.streamName)).to.deep.equal([later, later]);
  });
});
