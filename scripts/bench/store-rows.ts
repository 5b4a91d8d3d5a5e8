import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { rebuildProjection } from '../../projections/operations/rebuild';
import { USER_LIST_EVENT_TYPES } from '../../projections/users/users.projector';
import { usersProjection } from '../../projections/users/users.projection';
import { openDatabase } from '../../src/shared/database';
import type { EventData } from '../../src/shared/event-store/event-store';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { timed } from './measure';
import type { Progress } from './progress';
import { judged, type Figure, type RowResult } from './results';
import type { ScratchDatabase } from './scratch-database';

const metadata = { actorId: 'system:bench', correlationId: 'bench', causationId: 'bench', occurredAt: new Date().toISOString() };
const payload = { userId: randomUUID(), text: 'x'.repeat(100) };

/**
 * One event appended to a new stream through the PostgreSQL adapter (one PL/pgSQL call: lock,
 * checks, insert, revision), against the floor: one prepared single-row INSERT of the same
 * values into a table of the same shape (`LIKE events INCLUDING ALL`: same keys and indexes),
 * each on a pool of `connections`, that many at once.
 */
export async function appendRow(scratch: ScratchDatabase, connections: 1 | 8, durationMs: number, signal: AbortSignal): Promise<RowResult> {
  const db = await openDatabase({ kind: 'server', url: scratch.url, poolMax: connections });
  const table = `bench_raw_events_${connections}`;
  try {
    await db.knex.raw(`CREATE TABLE ${table} (LIKE events INCLUDING ALL)`);
    const store = new PgEventStore(db);
    const run = randomUUID().slice(0, 8);
    const event = (): EventData => ({ id: randomUUID(), type: 'BenchEventHappened', data: payload, metadata });
    const port = await timed(durationMs, connections, (i) => store.append(`bench-${run}-${i}`, [event()], { expectedRevision: 'no_stream' }), signal);
    const insert = `INSERT INTO ${table} (position, xid, stream_name, revision, event_id, type, data, metadata) VALUES (?, pg_current_xact_id(), ?, 0, ?, ?, ?::jsonb, ?::jsonb)`;
    const raw = await timed(
      durationMs,
      connections,
      (i) => db.query(insert, [String(i), `bench-${run}-${i}`, randomUUID(), 'BenchEventHappened', JSON.stringify(payload), JSON.stringify(metadata)]),
      signal,
    );
    await db.knex.raw(`DROP TABLE ${table}`);
    const figure = (f: { perSecond: number; p50Ms: number; p99Ms: number }): Figure => ({ value: f.perSecond, unit: 'events/s', p50Ms: f.p50Ms, p99Ms: f.p99Ms });
    return judged({
      id: `append-${connections}`,
      title: `event-store append, 1 event to a new stream, ${connections} connection${connections === 1 ? '' : 's'}`,
      figure: figure(port),
      baseline: { name: 'single-row INSERT, same table shape', figure: figure(raw) },
      target: { kind: 'ratio-at-least', value: 0.75 },
    });
  } finally {
    await db.close();
  }
}

/**
 * `npm run projections -- rebuild users`' work, from the start of the log to the switch, over
 * the users the run seeded, against a COPY of the rows it built (out of the new table, into a
 * table of the same shape with the same indexes). Both as rows (events) per second.
 */
export async function rebuildRow(scratch: ScratchDatabase, progress: Progress, signal: AbortSignal): Promise<RowResult> {
  const { db } = scratch;
  const [{ events }] = (await db.knex.raw(`SELECT count(*)::int AS events FROM events WHERE stream_name LIKE 'user-%' AND type = ANY(?)`, [[...USER_LIST_EVENT_TYPES]])).rows as [{ events: number }];
  const store = new PgEventStore(db);
  const report = progress.eta('rebuild', 'events');
  const started = process.hrtime.bigint();
  const result = await rebuildProjection(db, store, usersProjection(), {
    signal,
    onProgress: (p) => report(p.events, events, Number(process.hrtime.bigint() - started) / 1e9),
  });
  const rebuildS = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  signal.throwIfAborted();
  if (result.outcome !== 'switched') throw new Error(`the rebuild did not switch: ${result.outcome}`);
  const live = `users_v${result.version}`;
  const copy = await copyRows(scratch.url, live);
  return judged({
    id: 'rebuild',
    title: `rebuild users: ${events.toLocaleString('en')} events → ${copy.rows.toLocaleString('en')} rows, start to switch`,
    figure: { value: events / rebuildS, unit: 'events/s' },
    baseline: { name: `COPY of the same rows into a table of the same shape (${copy.seconds.toFixed(1)} s)`, figure: { value: copy.rows / copy.seconds, unit: 'rows/s' } },
    // Issue 5's bound: a million events rebuilt in under 20 s.
    target: { kind: 'at-least', value: 50_000 },
  });
}

async function copyRows(url: string, table: string): Promise<{ rows: number; seconds: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy_floor; CREATE TABLE bench_copy_floor (LIKE ${table} INCLUDING ALL)`);
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(`COPY ${table} TO STDOUT`)) as AsyncIterable<Buffer>) chunks.push(chunk);
    const sink = client.query(copyFrom('COPY bench_copy_floor FROM STDIN'));
    await pipeline(Readable.from(chunks), sink);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rows = Number(sink.rowCount ?? 0);
    await client.query('DROP TABLE bench_copy_floor');
    return { rows, seconds };
  } finally {
    await client.end();
  }
}
