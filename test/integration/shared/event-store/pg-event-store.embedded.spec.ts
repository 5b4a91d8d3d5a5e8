import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Client } from 'pg';
import type { Database } from '../../../../src/shared/database/database';
import { APPEND_SQL, appendBindings, PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { openEmbeddedTestDatabase } from '../../../support/test-database';
import { aStream, anEvent, events } from './event-fixtures';
import { SubscriptionProbe } from './subscription-probe';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The adapter's append SQL in pg's own placeholder style, as a script's client would send it. */
const APPEND_SQL_PG = APPEND_SQL.replace(/\?/g, ((n) => () => `$${++n}`)(0));

/** Another client of the embedded database through its socket, as a script or psql connects. */
async function socketClient(db: Database): Promise<Client> {
  const address = db.socketAddress;
  if (address === undefined) throw new Error('The embedded database has no socket address.');
  const client = new Client({ ...address, user: 'postgres', password: 'postgres', database: 'postgres' });
  await client.connect();
  return client;
}

function settledFlag(promise: Promise<unknown>): { settled: () => boolean } {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  return { settled: () => settled };
}

describe('PgEventStore on embedded PGlite: the socket', () => {
  let db: Database;
  let store: PgEventStore;
  let other: Client;
  before(async () => {
    db = await openEmbeddedTestDatabase();
    store = new PgEventStore(db, { pollIntervalMs: 20 });
    other = await socketClient(db);
  });
  after(async () => {
    await other.end();
    await store.close();
  });

  // PGlite runs one session and pglite-socket serializes transactions, so the server's skipped
  // gap (a later transaction committing while an earlier one is open) cannot happen here. What
  // must hold instead: a second client's open transaction makes the service wait, and after it
  // commits nothing is lost or delivered twice.
  it('makes an append wait while another client holds a transaction, and loses nothing', async () => {
    const prefix = `emb${randomUUID().slice(0, 8)}`;
    const [held, later] = [aStream(prefix), aStream(prefix)];
    const probe = new SubscriptionProbe(store, { filter: { streamNamePrefixes: [prefix] } });
    await probe.waitForCaughtUp();
    await other.query('BEGIN');
    let pending: Promise<unknown> | undefined;
    try {
      await other.query(APPEND_SQL_PG, appendBindings(held, [anEvent()], 'any'));
      pending = store.append(later, events(2));
      const append = settledFlag(pending);
      await pause(200);
      expect(append.settled()).to.equal(false);
      expect(probe.events).to.deep.equal([]);
    } finally {
      await other.query('COMMIT');
    }
    await pending;
    await probe.waitForEvents(3);
    expect(probe.events.map((e) => `${e.streamName}@${e.revision}`)).to.deep.equal([`${held}@0`, `${later}@0`, `${later}@1`]);
    await store.append(later, [anEvent()]);
    await probe.waitForEvents(4);
    expect(new Set(probe.events.map((e) => e.id)).size).to.equal(4);
    await probe.close();
  });

  it('rolls back the transaction of a client that disconnects, and keeps serving', async () => {
    const client = await socketClient(db);
    const stream = aStream();
    await client.query('BEGIN');
    await client.query(APPEND_SQL_PG, appendBindings(stream, [anEvent()], 'any'));
    await client.end();
    const result = await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
    expect(result.nextRevision).to.equal(0n);
  });

  it('serves 100 concurrent appends and reads through the service connection', async () => {
    const shared = aStream();
    const own = Array.from({ length: 50 }, () => aStream());
    const work = [
      ...Array.from({ length: 50 }, () => store.append(shared, [anEvent()])),
      ...own.map((stream) => store.append(stream, events(2), { expectedRevision: 'no_stream' })),
      ...Array.from({ length: 20 }, () => store.readStream(shared)),
      ...Array.from({ length: 20 }, () => store.readAll({ maxCount: 10 })),
    ];
    const outcomes = await Promise.allSettled(work);
    expect(outcomes.filter((o) => o.status === 'rejected')).to.deep.equal([]);
    expect((await store.readStream(shared)).map((e) => e.revision)).to.deep.equal(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    for (const stream of own) expect(await store.readStream(stream)).to.have.length(2);
  });

  it('answers a second client (as a script connects) while the service connection is busy', async () => {
    const stream = aStream();
    const busy = Promise.all(Array.from({ length: 100 }, () => store.append(stream, [anEvent()])));
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) {
      await other.query('BEGIN');
      const { rows } = await other.query<{ count: string }>('SELECT count(*) AS count FROM events WHERE stream_name = $1', [stream]);
      await other.query('COMMIT');
      counts.push(Number(rows[0]?.count));
    }
    await busy;
    const { rows } = await other.query<{ count: string }>('SELECT count(*) AS count FROM events WHERE stream_name = $1', [stream]);
    expect(Number(rows[0]?.count)).to.equal(100);
    expect(counts.every((count, i) => count >= (counts[i - 1] ?? 0) && count <= 100)).to.equal(true);
  });
});
