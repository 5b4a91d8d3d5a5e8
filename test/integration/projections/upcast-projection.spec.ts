import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ProjectionWorker } from '../../../projections/worker';
import type { Database } from '../../../src/shared/database/database';
import { EventSchemaRegistry } from '../../../src/shared/event-schemas';
import type { EventData, EventStore } from '../../../src/shared/event-store/event-store';
import { PgEventStore } from '../../../src/shared/event-store/pg/pg-event-store';
import { UpcastingEventStore } from '../../../src/shared/event-store/upcasting-event-store';
import { openTestDatabase } from '../../support/test-database';
import { testSchemas, TEST_TYPE } from '../../support/test-event-schemas';
import { capturingLogger, checkpointRow, eventually, testProjection } from './fixtures';

const METADATA = { actorId: 'system:test', correlationId: 'c-1', causationId: 'c-1', occurredAt: '2026-01-01T12:00:00.000Z' };
const asWritten = (data: unknown, schemaVersion?: number): EventData => ({
  id: randomUUID(),
  type: TEST_TYPE,
  data,
  metadata: schemaVersion === undefined ? METADATA : { ...METADATA, schemaVersion },
});

describe('a projection over events of older schema versions (PostgreSQL event table)', () => {
  let db: Database;
  let raw: EventStore;
  let store: UpcastingEventStore;
  const workers: ProjectionWorker[] = [];
  let log = capturingLogger();
  let stream: string;
  let prefix: string;

  before(async () => {
    db = await openTestDatabase();
    raw = new PgEventStore(db, { pollIntervalMs: 20 });
    store = new UpcastingEventStore(raw, new EventSchemaRegistry([testSchemas]));
  });
  beforeEach(() => {
    log = capturingLogger();
    prefix = `person${randomUUID().slice(0, 8)}`;
    stream = `${prefix}-${randomUUID()}`;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });

  /** A table-less projection of this test's stream that keeps the data its fold was given. */
  function recordingProjection() {
    const seen: unknown[] = [];
    const projection = testProjection('people', {
      filter: { streamNamePrefixes: [`${prefix}-`] },
      async apply(_trx, _table, events) {
        seen.push(...events.map((event) => event.data));
      },
    });
    return { projection, seen };
  }

  function startWorker(options: Pick<ConstructorParameters<typeof ProjectionWorker>[0], 'projections' | 'maxAttempts'>): ProjectionWorker {
    const worker = new ProjectionWorker({ db, eventStore: store, logger: log.logger, leaseTtlMs: 5_000, leaseRetryMs: 50, retryInitialMs: 10, retryMaxMs: 50, ...options });
    workers.push(worker);
    worker.start();
    return worker;
  }

  it('folds every stored version in the current shape', async () => {
    await raw.append(stream, [asWritten({ name: 'Ada Lovelace' }), asWritten({ givenName: 'Grace', familyName: 'Hopper' }, 2)]);
    const { position: last } = await raw.append(stream, [asWritten({ givenName: 'Alan', familyName: 'Turing', displayName: 'A. M. Turing' }, 3)]);
    const { projection, seen } = recordingProjection();
    const worker = startWorker({ projections: [projection] });
    expect(await worker.waitUntilPassed(projection.name, last, 10_000)).to.equal(true);
    expect(seen).to.deep.equal([
      { givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace' },
      { givenName: 'Grace', familyName: 'Hopper', displayName: 'Grace Hopper' },
      { givenName: 'Alan', familyName: 'Turing', displayName: 'A. M. Turing' },
    ]);
  });

  it("commits what precedes a newer release's version, then stops at that event, named, and folds nothing after it", async () => {
    const before = await raw.append(stream, [asWritten({ name: 'Ada Lovelace' })]);
    const future = await raw.append(stream, [asWritten({ person: { given: 'Ada' } }, 4)]);
    await raw.append(stream, [asWritten({ name: 'Grace Hopper' })]);
    const { projection, seen } = recordingProjection();
    const worker = startWorker({ projections: [projection], maxAttempts: 2 });

    await eventually('the projection to stop', async () => (await checkpointRow(db, projection.name))?.stopped_reason ?? undefined);
    const row = await checkpointRow(db, projection.name);
    expect(row?.stopped_reason).to.equal(
      `cannot apply ${TEST_TYPE} at position ${future.position} (stream ${stream}): schema version 4 is newer than this release knows (3); deploy a release that knows it`,
    );
    expect(row?.position, 'the event before it is committed').to.equal(before.position.toString());
    expect(seen).to.deep.equal([{ givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace' }]);
    expect(log.lines.find((line) => String(line.msg).startsWith(`projection stopped: cannot apply ${TEST_TYPE}`))).to.deep.include({
      event: { position: future.position.toString(), id: (await raw.readStream(stream))[1]!.id, stream, type: TEST_TYPE, revision: '1' },
    });
    await eventually('the worker to report it stopped', async () => worker.states().find((s) => s.name === projection.name)?.role === 'stopped');
  });
});
