import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import { expect } from 'chai';
import type { Database } from '../../src/shared/database/database';
import { migrateToLatest } from '../../src/shared/database/migrate';
import { openDatabase } from '../../src/shared/database/open-database';
import type { EventData, EventStore } from '../../src/shared/event-store/event-store';
import { EventStoreDbEventStore } from '../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { ChainingEventStore } from '../../src/shared/event-store/integrity/chaining-event-store';
import { eventHash } from '../../src/shared/event-store/integrity/event-chain';
import { PgEventStore } from '../../src/shared/event-store/pg/pg-event-store';
import { sessionHandle, sessionStreamDigestName } from '../../src/shared/session-stream-mask';
import { createUser, Deployment, type CliRun } from '../support/projections-cli';
import { runTs } from '../support/service-process';

interface Named {
  readonly kind: string;
  readonly stream: string;
  readonly revision: string;
}

/** `npm run audit -- <args>` against the deployment's stores, to its end. */
async function audit(deployment: Deployment, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = runTs('scripts/audit/main.ts', args, { ...deployment.env, ...env });
  let stdout = '';
  let stderr = '';
  child.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await child.exited;
  return { code, stdout, stderr };
}

/** The findings of `verify --json`, and its summary line. */
function parsed(run: CliRun): { findings: Named[]; summary: Record<string, unknown> } {
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const summary = lines.pop() as Record<string, unknown>;
  expect(summary.kind).to.equal('summary');
  const findings = lines.map((line) => ({ kind: line.kind as string, stream: line.stream as string, revision: line.revision as string }));
  return { findings: findings.sort((a, b) => `${a.stream}/${a.revision}/${a.kind}`.localeCompare(`${b.stream}/${b.revision}/${b.kind}`)), summary };
}

const sorted = (named: Named[]): Named[] => [...named].sort((a, b) => `${a.stream}/${a.revision}/${a.kind}`.localeCompare(`${b.stream}/${b.revision}/${b.kind}`));

const anEvent = (n: number): EventData => ({
  id: randomUUID(),
  type: 'ThingHappened',
  data: { n, note: `event ${n}` },
  metadata: { actorId: 'system:test', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
});

/** A stream of `count` chained events, written as the service writes them. */
async function aChainedStream(store: EventStore, count: number): Promise<string> {
  const stream = `thing-${randomUUID()}`;
  await store.append(stream, Array.from({ length: count }, (_, n) => anEvent(n)), { expectedRevision: 'no_stream' });
  return stream;
}

function scratchFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ul-audit-'));
}

describe('npm run audit -- verify / anchor on the PostgreSQL event store', function () {
  this.timeout(120_000);
  let deployment: Deployment;
  let db: Database;
  let raw: PgEventStore;
  let store: ChainingEventStore;
  let folder: string;

  beforeEach(async () => {
    deployment = await Deployment.create('postgres');
    db = await openDatabase({ kind: 'server', url: deployment.env.DATABASE_URL as string, poolMax: 4 });
    await migrateToLatest(db);
    raw = new PgEventStore(db);
    store = new ChainingEventStore(raw);
    folder = scratchFolder();
  });
  afterEach(async () => {
    await store.close();
    await db.close();
    await deployment.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('finds the log the service wrote intact (exit 0), and events written before the chain unchained, not failed', async () => {
    const service = await deployment.startService();
    await createUser(service, 'alice');
    await createUser(service, 'bobby');
    const old = `thing-${randomUUID()}`;
    await raw.append(old, [anEvent(0), anEvent(1)]);
    await store.append(old, [anEvent(2)]);

    const run = await audit(deployment, ['verify', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const { findings, summary } = parsed(run);
    expect(findings).to.deep.equal([]);
    expect(summary).to.include({ intact: true, findings: 0, unchained_events: 2, streams_with_unchained_events: 1 });
    expect(summary.events as number).to.be.at.least(9);

    const text = await audit(deployment, ['verify']);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/^intact: \d+ events in \d+ streams; 2 events in 1 streams are unchained/);
  });

  it('names each event edited, deleted or swapped in the events table by SQL, and exits 1', async () => {
    const edited = await aChainedStream(store, 3);
    const gapped = await aChainedStream(store, 4);
    const dataSwapped = await aChainedStream(store, 4);
    const moved = await aChainedStream(store, 5);
    const untouched = await aChainedStream(store, 3);

    await deployment.query(`UPDATE events SET data = jsonb_set(data, '{note}', '"rewritten"') WHERE stream_name = $1 AND revision = 1`, [edited]);
    await deployment.query('DELETE FROM events WHERE stream_name = $1 AND revision = 2', [gapped]);
    const swap = (column: string) => `
      UPDATE events e SET ${column} = o.${column} FROM events o
       WHERE e.stream_name = $1 AND o.stream_name = $1 AND e.revision IN (1, 2) AND o.revision = 3 - e.revision`;
    await deployment.query(swap('data'), [dataSwapped]);
    await deployment.query(
      `UPDATE events e SET type = o.type, data = o.data, metadata = o.metadata FROM events o
        WHERE e.stream_name = $1 AND o.stream_name = $1 AND e.revision IN (2, 3) AND o.revision = 5 - e.revision`,
      [moved],
    );

    const run = await audit(deployment, ['verify', '--json']);
    expect(run.code, run.stderr).to.equal(1);
    const { findings, summary } = parsed(run);
    expect(findings).to.deep.equal(
      sorted([
        { kind: 'edited', stream: edited, revision: '1' },
        { kind: 'removed', stream: gapped, revision: '2' },
        { kind: 'edited', stream: dataSwapped, revision: '1' },
        { kind: 'edited', stream: dataSwapped, revision: '2' },
        { kind: 'reordered', stream: moved, revision: '2' },
        { kind: 'reordered', stream: moved, revision: '3' },
      ]),
    );
    expect(findings.map((f) => f.stream)).to.not.include(untouched);
    expect(summary).to.include({ intact: false, findings: 6 });

    const text = await audit(deployment, ['verify']);
    expect(text.code).to.equal(1);
    expect(text.stdout).to.include(`edited           ${edited} revision 1 (position `);
    expect(text.stdout).to.include(`removed          ${gapped} revision 2: revision 2 is missing from the stream`);
    expect(text.stdout.trim().split('\n').at(-1)).to.match(/^tampered: 6 findings in 18 events in 5 streams/);
  });

  it('an anchor catches a stream deleted whole, one whose last events were cut and a head rewritten with a hash of its own, which the chain alone cannot', async () => {
    const truncated = await aChainedStream(store, 4);
    const deleted = await aChainedStream(store, 2);
    const rewritten = await aChainedStream(store, 3);
    const growing = await aChainedStream(store, 2);
    const anchorFile = path.join(folder, 'anchor.json');

    const taken = await audit(deployment, ['anchor', '--out', anchorFile]);
    expect(taken.code, taken.stderr).to.equal(0);
    expect(taken.stdout).to.match(/^anchor: 4 streams up to position \d+, sha256 [0-9a-f]{64}, written to /);
    const anchor = JSON.parse(readFileSync(anchorFile, 'utf8')) as { streams: Array<{ stream: string; revision: string }> };
    expect(anchor.streams.find((s) => s.stream === truncated)?.revision).to.equal('3');

    await store.append(growing, [anEvent(2)]);
    await deployment.query('DELETE FROM events WHERE stream_name = $1 AND revision >= 2', [truncated]);
    await deployment.query('DELETE FROM events WHERE stream_name = $1', [deleted]);
    const [head] = await raw.readStream(rewritten, { direction: 'backwards', maxCount: 1 });
    const { chain, ...rest } = head!.metadata as unknown as { chain: { prev: string } };
    const forged = { n: 2, note: 'forged' };
    const hash = eventHash({ type: head!.type, data: forged, metadata: rest }, chain.prev);
    await deployment.query('UPDATE events SET data = $2, metadata = $3 WHERE position = $1', [head!.position.toString(), forged, { ...rest, chain: { prev: chain.prev, hash } }]);

    const alone = await audit(deployment, ['verify', '--json']);
    expect(alone.code, alone.stdout).to.equal(0);

    const against = await audit(deployment, ['verify', '--json', '--anchor', anchorFile]);
    expect(against.code, against.stderr).to.equal(1);
    expect(parsed(against).findings).to.deep.equal(
      sorted([
        { kind: 'stream_truncated', stream: truncated, revision: '2' },
        { kind: 'stream_deleted', stream: deleted, revision: '1' },
        { kind: 'history_changed', stream: rewritten, revision: '2' },
      ]),
    );
  });

  it('never prints a session id: findings name session streams by handle, anchors by digest, and the anchor still catches them', async () => {
    const [editedId, cutId, goneId] = [randomUUID(), randomUUID(), randomUUID()];
    const [edited, cut, gone] = [editedId, cutId, goneId].map((id) => `session-${id}`) as [string, string, string];
    await store.append(edited, [anEvent(0), anEvent(1)], { expectedRevision: 'no_stream' });
    await store.append(cut, [anEvent(0), anEvent(1), anEvent(2)], { expectedRevision: 'no_stream' });
    await store.append(gone, [anEvent(0)], { expectedRevision: 'no_stream' });
    const anchorFile = path.join(folder, 'anchor.json');
    const ids = [editedId, cutId, goneId];

    const taken = await audit(deployment, ['anchor', '--out', anchorFile]);
    expect(taken.code, taken.stderr).to.equal(0);
    const anchorText = readFileSync(anchorFile, 'utf8');
    for (const id of ids) expect(anchorText).to.not.include(id);
    expect((JSON.parse(anchorText) as { streams: { stream: string }[] }).streams.map((s) => s.stream)).to.include.members([edited, cut, gone].map(sessionStreamDigestName));

    await deployment.query(`UPDATE events SET data = jsonb_set(data, '{note}', '"rewritten"') WHERE stream_name = $1 AND revision = 0`, [edited]);
    await deployment.query('DELETE FROM events WHERE stream_name = $1 AND revision >= 1', [cut]);
    await deployment.query('DELETE FROM events WHERE stream_name = $1', [gone]);

    const json = await audit(deployment, ['verify', '--json', '--anchor', anchorFile]);
    const text = await audit(deployment, ['verify', '--anchor', anchorFile]);
    for (const run of [json, text]) {
      expect(run.code, run.stderr).to.equal(1);
      for (const id of ids) expect(run.stdout + run.stderr).to.not.include(id);
    }
    expect(parsed(json).findings).to.deep.equal(
      sorted([
        { kind: 'edited', stream: `session-#${sessionHandle(editedId)}`, revision: '0' },
        { kind: 'stream_truncated', stream: sessionStreamDigestName(cut), revision: '1' },
        { kind: 'stream_deleted', stream: sessionStreamDigestName(gone), revision: '0' },
      ]),
    );
  });

  it('misuse, an anchor file that is missing or altered, and a database out of reach exit 2 with one line', async () => {
    await aChainedStream(store, 2);
    const anchorFile = path.join(folder, 'anchor.json');
    expect((await audit(deployment, ['anchor', '--out', anchorFile])).code).to.equal(0);
    const altered = path.join(folder, 'altered.json');
    writeFileSync(altered, readFileSync(anchorFile, 'utf8').replace(/"revision":"1"/, '"revision":"0"'));

    const runs = await Promise.all([
      audit(deployment, ['verify', '--bogus']),
      audit(deployment, ['nosuch']),
      audit(deployment, ['verify', '--anchor', path.join(folder, 'missing.json')]),
      audit(deployment, ['verify', '--anchor', altered]),
      audit(deployment, ['verify'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }),
    ]);
    for (const run of runs) {
      expect(run.code, JSON.stringify(run)).to.equal(2);
      expect(run.stderr.trim(), JSON.stringify(run)).to.not.equal('').and.not.include('\n');
      expect(run.stdout).to.equal('');
    }
    expect(runs[3]?.stderr).to.include('does not match its digest');
  });
});

describe('npm run audit -- verify / anchor on EventStoreDB (the test double)', function () {
  this.timeout(120_000);
  let deployment: Deployment;
  let store: ChainingEventStore;
  let client: EventStoreDBClient;
  let folder: string;

  beforeEach(async () => {
    deployment = await Deployment.create('eventstoredb');
    const connectionString = deployment.env.EVENTSTORE_CONNECTION_STRING as string;
    store = new ChainingEventStore(EventStoreDbEventStore.fromConnectionString(connectionString));
    client = EventStoreDBClient.connectionString(connectionString);
    folder = scratchFolder();
  });
  afterEach(async () => {
    await store.close();
    await client.dispose();
    await deployment.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('verifies the chains, and catches with an anchor a stream deleted or tombstoned, which the global log still shows', async () => {
    const kept = await aChainedStream(store, 3);
    const deleted = await aChainedStream(store, 2);
    const tombstoned = await aChainedStream(store, 2);
    await store.append(kept, [anEvent(3)], { expectedRevision: 2n });
    const anchorFile = path.join(folder, 'anchor.json');

    const taken = await audit(deployment, ['anchor', '--out', anchorFile]);
    expect(taken.code, taken.stderr).to.equal(0);
    await client.deleteStream(deleted);
    await client.tombstoneStream(tombstoned);

    const alone = await audit(deployment, ['verify', '--json']);
    expect(alone.code, alone.stderr).to.equal(0);
    expect(parsed(alone).summary).to.include({ intact: true, unchained_events: 0, streams: 3, events: 8 });

    const against = await audit(deployment, ['verify', '--json', '--anchor', anchorFile]);
    expect(against.code, against.stderr).to.equal(1);
    expect(parsed(against).findings).to.deep.equal(
      sorted([
        { kind: 'stream_deleted', stream: deleted, revision: '1' },
        { kind: 'stream_deleted', stream: tombstoned, revision: '1' },
      ]),
    );
  });
});
