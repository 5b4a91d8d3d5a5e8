import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Database } from '../../../../src/shared/database/database';
import { migrateToLatest } from '../../../../src/shared/database/migrate';
import { openDatabase } from '../../../../src/shared/database/open-database';
import { DEFAULT_SCAN_WINDOW } from '../../../../src/shared/event-store/event-filter';
import type { EventFilter, GlobalPosition } from '../../../../src/shared/event-store/event-store';
import { readAllQuery } from '../../../../src/shared/event-store/pg/pg-event-rows';
import { PgEventStore } from '../../../../src/shared/event-store/pg/pg-event-store';
import { createServerDatabase, testServerUrl } from '../../../support/test-database';

/** Two seeded transactions (xids 1 and 2, long below any horizon) of a million events each. */
const PER_XID = 1_000_000;
const EVENTS = 2 * PER_XID;
/** One event in RARE_EVERY is in a `rare-` stream; the rest are `user-` streams of two events. */
const RARE_EVERY = 100_000;
const PAGE = 500;

const positionOf = (ordinal: number): GlobalPosition => (BigInt(1 + Math.floor(ordinal / PER_XID)) << 20n) | BigInt(ordinal % PER_XID);

/**
 * The log seeded by SQL. The test database is its own and thrown away, so the table is made
 * unlogged and loses its two unique constraints on streams, which no read of the global log
 * uses (it walks the primary key): that keeps the seeding to seconds.
 */
const SEED_SQL = `
  ALTER TABLE events SET UNLOGGED;
  ALTER TABLE events DROP CONSTRAINT events_stream_revision_key, DROP CONSTRAINT events_stream_event_id_key;
  INSERT INTO events (position, xid, stream_name, revision, event_id, type, data, metadata)
  SELECT ((1 + g / ${PER_XID})::bigint << 20) | (g % ${PER_XID}), (1 + g / ${PER_XID})::text::xid8,
         CASE WHEN g % ${RARE_EVERY} = ${RARE_EVERY - 1} THEN 'rare-' || g ELSE 'user-' || (g / 2) END,
         CASE WHEN g % ${RARE_EVERY} = ${RARE_EVERY - 1} THEN 0 ELSE g % 2 END,
         md5(g::text)::uuid,
         CASE WHEN g % 2 = 0 THEN 'UserCreated' ELSE 'UserRenamed' END,
         '{"seeded":true}',
         '{"actorId":"system:seed","correlationId":"seed","causationId":"seed","occurredAt":"2026-01-01T00:00:00.000Z"}'
    FROM generate_series(0, ${EVENTS - 1}) g;
  ANALYZE events;`;

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Shared Hit Blocks': number;
  readonly 'Shared Read Blocks': number;
  readonly Plans?: readonly PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** What one execution of a page statement touched: the most rows any plan node produced, and the buffers. */
interface Touched {
  readonly rows: number;
  readonly blocks: number;
}

function touchedBy(explained: unknown): Touched {
  const [{ Plan: plan }] = explained as [{ Plan: PlanNode }];
  return {
    rows: Math.max(...nodesOf(plan).map((node) => node['Actual Rows'] * node['Actual Loops'])),
    blocks: plan['Shared Hit Blocks'] + plan['Shared Read Blocks'],
  };
}

function literal(value: unknown): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `ARRAY[${value.map((item) => `'${String(item).replace(/'/g, "''")}'`).join(',')}]::text[]`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * EXPLAIN ANALYZE of the page statement the store runs, twice: planned for its values (an
 * unnamed statement) and as a generic plan (what a named prepared statement settles on).
 */
async function explainPage(knex: Knex, after: GlobalPosition | undefined, maxCount: number, filter: EventFilter | undefined): Promise<Touched[]> {
  const { sql, bindings } = readAllQuery(after, maxCount, filter, DEFAULT_SCAN_WINDOW);
  return knex.transaction(async (trx) => {
    const custom = (await trx.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, bindings as Knex.RawBinding[])) as { rows: [{ 'QUERY PLAN': unknown }] };
    let n = 0;
    await trx.raw(`PREPARE page_cost_probe AS ${sql.replace(/\?/g, () => `$${++n}`)}`);
    await trx.raw('SET LOCAL plan_cache_mode = force_generic_plan');
    const generic = (await trx.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE page_cost_probe(${bindings.map(literal).join(', ')})`)) as {
      rows: [{ 'QUERY PLAN': unknown }];
    };
    await trx.raw('DEALLOCATE page_cost_probe');
    return [custom.rows[0]['QUERY PLAN'], generic.rows[0]['QUERY PLAN']].map(touchedBy);
  });
}

describe(`PgEventStore: a page of a ${EVENTS.toLocaleString('en')}-event log costs O(page), not O(log)`, function () {
  this.timeout(120_000);
  let own: { url: string; drop(): Promise<void> };
  let db: Database;
  let store: PgEventStore;
  let rowsPerBlock: number;

  before(async () => {
    own = await createServerDatabase(await testServerUrl());
    db = await openDatabase({ kind: 'server', url: own.url });
    await migrateToLatest(db);
    await db.knex.raw(SEED_SQL);
    // As autovacuum leaves a log it has visited: the visibility map lets index-only walks skip the heap.
    await db.knex.raw('VACUUM events');
    const [stats] = (await db.knex.raw("SELECT reltuples::float8 / relpages AS per_block FROM pg_class WHERE relname = 'events'")).rows as [{ per_block: number }];
    rowsPerBlock = stats.per_block;
    store = new PgEventStore(db);
  });

  after(async () => {
    await store?.close();
    await db?.close();
    await own?.drop();
  });

  /**
   * Rows: no plan node produces more than the window and the one row past it. Blocks: the
   * window's heap blocks, twice over, plus a few index pages; the whole table is hundreds of
   * times that. A scan to the end of the log breaks both.
   */
  function expectBounded(touched: readonly Touched[], window: number): void {
    const heapBlocks = Math.ceil(window / rowsPerBlock);
    for (const [plan, { rows, blocks }] of touched.map((t, i) => [i === 0 ? 'custom plan' : 'generic plan', t] as const)) {
      expect(rows, `${plan}: rows`).to.be.at.most(window + 1);
      expect(blocks, `${plan}: blocks`).to.be.at.most(2 * heapBlocks + 20);
    }
  }

  it('an unfiltered page near the start scans its page of rows and stops', async () => {
    const after = positionOf(1_000);
    const page = await store.readAll({ after, maxCount: PAGE });
    expect(page.events.map((e) => e.position)).to.deep.equal(Array.from({ length: PAGE }, (_, i) => positionOf(1_001 + i)));
    expect(page).to.include({ lastPosition: positionOf(1_000 + PAGE), isEnd: false });
    expectBounded(await explainPage(db.knex, after, PAGE, undefined), PAGE);
  });

  it('a rare filter scans one window, answers a short page with isEnd false, and moves on by the window', async () => {
    const filter = { streamNamePrefixes: ['rare-'] };
    const after = positionOf(10_000);
    const page = await store.readAll({ after, maxCount: PAGE, filter });
    expect(page).to.deep.equal({ events: [], lastPosition: positionOf(10_000 + DEFAULT_SCAN_WINDOW), isEnd: false });
    expectBounded(await explainPage(db.knex, after, PAGE, filter), DEFAULT_SCAN_WINDOW);

    const before = positionOf(RARE_EVERY - 10);
    const hit = await store.readAll({ after: before, maxCount: PAGE, filter });
    expect(hit.events.map((e) => e.streamName)).to.deep.equal([`rare-${RARE_EVERY - 1}`]);
    expect(hit).to.include({ lastPosition: positionOf(RARE_EVERY - 10 + DEFAULT_SCAN_WINDOW), isEnd: false });
  });

  it('a tail page reads the last events and reports the end, touching no more than its page', async () => {
    const after = positionOf(EVENTS - 1 - PAGE);
    const page = await store.readAll({ after, maxCount: PAGE });
    expect(page.events).to.have.length(PAGE);
    expect(page).to.include({ lastPosition: positionOf(EVENTS - 1), isEnd: true });
    expect(await store.headPosition()).to.equal(positionOf(EVENTS - 1));
    expectBounded(await explainPage(db.knex, after, PAGE, undefined), PAGE);

    const filtered = await store.readAll({ after, maxCount: PAGE, filter: { eventTypePrefixes: ['UserCreated'] } });
    expect(filtered.events).to.have.length(PAGE / 2);
    expect(filtered).to.include({ lastPosition: positionOf(EVENTS - 1), isEnd: true });
    expectBounded(await explainPage(db.knex, after, PAGE, { eventTypePrefixes: ['UserCreated'] }), DEFAULT_SCAN_WINDOW);
  });
});
