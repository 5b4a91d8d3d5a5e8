import { expect } from 'chai';
import { claimReadModelsForLog, LOG_IDENTITY_STREAM, ReadModelsFromAnotherLogError } from '../../../projections';
import type { Database } from '../../../src/shared/database/database';
import { migrateToLatest } from '../../../src/shared/database/migrate';
import { openDatabase } from '../../../src/shared/database/open-database';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';
import { rejection } from '../shared/event-store.contract';
import { createServerDatabase, testServerUrl } from '../../support/test-database';

const NOW = new Date('2026-12-01T12:00:00.000Z');

/** The read tables belong to one event log; this database is the test's own, since it is claimed. */
describe('read tables claimed by one event log', function () {
  this.timeout(30_000);
  let own: { url: string; drop(): Promise<void> };
  let db: Database;

  beforeEach(async () => {
    own = await createServerDatabase(await testServerUrl());
    db = await openDatabase({ kind: 'server', url: own.url });
    await migrateToLatest(db);
  });

  afterEach(async () => {
    await db.close();
    await own.drop();
  });

  it('names a new log once, and accepts the same log again', async () => {
    const log = new InMemoryEventStore();
    const first = await claimReadModelsForLog(db, log, 'postgres', NOW);
    expect(await claimReadModelsForLog(db, log, 'postgres', NOW)).to.equal(first);
    const identity = await log.readStream(LOG_IDENTITY_STREAM);
    expect(identity.map((e) => [e.type, (e.data as { logId: string }).logId])).to.deep.equal([['EventLogCreated', first]]);
  });

  it('refuses a different log, saying how to rebuild, and changes nothing', async () => {
    const first = await claimReadModelsForLog(db, new InMemoryEventStore(), 'postgres', NOW);
    const other = new InMemoryEventStore();
    const error = await rejection(claimReadModelsForLog(db, other, 'eventstoredb', NOW));
    expect(error).to.be.instanceOf(ReadModelsFromAnotherLogError);
    expect(error.message).to.include(first).and.include('fresh database');
    const row = (await db.knex('read_model_source').first('log_id', 'event_store')) as { log_id: string; event_store: string };
    expect(row).to.deep.equal({ log_id: first, event_store: 'postgres' });
  });

  it('gives one id to concurrent first starts on one log', async () => {
    const log = new InMemoryEventStore();
    const ids = await Promise.all(Array.from({ length: 5 }, () => claimReadModelsForLog(db, log, 'postgres', NOW)));
    expect(new Set(ids).size).to.equal(1);
    expect(await log.readStream(LOG_IDENTITY_STREAM)).to.have.length(1);
  });
});
