import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { CheckpointStore, isLease, type Lease } from '../../../projections/checkpoint-store';
import type { Processor, ProjectionDefinition } from '../../../projections/projection';
import { foldBatch } from '../../../projections/row-projection';
import { evolveUserRow, userIdOf } from '../../../projections/users/users.projector';
import { ReadModelsFromAnotherLogError } from '../../../projections/read-model-source';
import { ProjectionWorker } from '../../../projections/worker';
import type { ProjectionWorkerOptions } from '../../../projections/worker';
import type { Database } from '../../../src/shared/database/database';
import type { EventStore, RecordedEvent } from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';
import { openTestDatabase } from '../../support/test-database';
import {
  capturingLogger,
  changeUser,
  checkpointRow,
  createUser,
  event,
  eventually,
  GatedEventStore,
  testProjection,
  testUsersProjection,
  usersCount,
  usersRows,
} from './fixtures';

const table = (projection: ProjectionDefinition): string => `${projection.name}_v1`;

describe('ProjectionWorker', () => {
  let db: Database;
  const workers: ProjectionWorker[] = [];
  let log = capturingLogger();

  before(async () => {
    db = await openTestDatabase();
  });

  beforeEach(() => {
    log = capturingLogger();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });

  function startWorker(eventStore: EventStore, options: Partial<ProjectionWorkerOptions>): ProjectionWorker {
    const worker = new ProjectionWorker({
      db,
      eventStore,
      logger: log.logger,
      leaseTtlMs: 5_000,
      leaseRetryMs: 50,
      retryInitialMs: 10,
      retryMaxMs: 100,
      ...options,
    });
    workers.push(worker);
    worker.start();
    return worker;
  }

  async function freshReplay(store: EventStore, ids: readonly string[]): Promise<Record<string, unknown>[]> {
    const { events } = await store.readAll();
    const keyOf = (e: RecordedEvent): string | undefined => userIdOf(e);
    const rows = foldBatch(new Map(), events, keyOf, evolveUserRow)
      .flatMap((change) => (change.after === null || !ids.includes(change.key) ? [] : [change.after]))
      .map((row) => ({ ...row, last_revision: row.last_revision.toString() }));
    return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  describe('with the users projection', () => {
    it('folds a stream of events into rows of its live version and keeps the count in step', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const alice = await createUser(store, { role: 'user' });
      const bob = await createUser(store, { role: 'admin' });
      const carol = await createUser(store, { role: 'super_admin' });
      const abandonedId = randomUUID();
      await store.append(`user-${abandonedId}`, [event('UserCreationAbandoned', { userId: abandonedId, username: 'gone' })]);
      await changeUser(store, alice.id, 'AdminGranted');
      await changeUser(store, bob.id, 'UserDeactivated');
      const last = await changeUser(store, bob.id, 'AdminRevoked');

      const worker = startWorker(store, { projections: [projection] });
      expect(await worker.waitUntilPassed(projection.name, last, 5_000)).to.equal(true);

      const expected = [
        { id: alice.id, username: alice.username, role: 'admin', is_active: true, last_revision: '1' },
        { id: bob.id, username: bob.username, role: 'user', is_active: false, last_revision: '2' },
        { id: carol.id, username: carol.username, role: 'super_admin', is_active: true, last_revision: '0' },
      ].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(await usersRows(db, [alice.id, bob.id, carol.id, abandonedId], table(projection))).to.deep.equal(expected);
      expect(await usersRows(db, [alice.id, bob.id, carol.id], projection.name), 'the view reads the live version').to.deep.equal(expected);
      expect(await usersCount(db, table(projection))).to.equal(3);
      expect((await checkpointRow(db, projection.name))?.position).to.equal(last.toString());
    });

    it('applies events appended after it caught up', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const first = await createUser(store);
      const worker = startWorker(store, { projections: [projection] });
      expect(await worker.waitUntilPassed(projection.name, first.position, 5_000)).to.equal(true);

      const later = await createUser(store);
      const position = await changeUser(store, later.id, 'UserDeactivated');
      expect(await worker.waitUntilPassed(projection.name, position, 5_000)).to.equal(true);
      expect(await usersRows(db, [later.id], table(projection))).to.have.deep.nested.property('[0].is_active', false);
      expect(worker.positionOf(projection.name)).to.equal(position);
    });

    it('changes nothing when events already applied come again (crash after commit, before acknowledgement)', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const users = [await createUser(store), await createUser(store), await createUser(store)];
      await changeUser(store, users[0]!.id, 'AdminGranted');
      const last = await changeUser(store, users[1]!.id, 'UserDeactivated');
      const ids = users.map((user) => user.id);
      const first = startWorker(store, { projections: [projection] });
      expect(await first.waitUntilPassed(projection.name, last, 5_000)).to.equal(true);
      await first.stop();
      const rowsOnce = await usersRows(db, ids, table(projection));

      await db.transaction((trx) => trx('projection_checkpoints').where({ name: table(projection) }).update({ position: null }));
      const again = startWorker(store, { projections: [projection] });
      await eventually('the replay to reach the end again', async () => (await checkpointRow(db, projection.name))?.position === last.toString());

      expect(await usersRows(db, ids, table(projection))).to.deep.equal(rowsOnce);
      expect(await usersCount(db, table(projection))).to.equal(3);
      expect(again.positionOf(projection.name)).to.equal(last);
    });

    it('rolls a failed batch back whole, logs it, retries, and after a restart equals a fresh replay', async () => {
      const store = new InMemoryEventStore();
      const real = testUsersProjection();
      const users = [];
      for (let i = 0; i < 6; i++) users.push(await createUser(store));
      const victim = users[2]!;
      let attempts = 0;
      let failing = true;
      const flaky: ProjectionDefinition = {
        ...real,
        async apply(trx, name, events) {
          await real.apply(trx, name, events);
          if (failing && events.some((e) => e.streamName === `user-${victim.id}`)) {
            attempts++;
            throw new Error('killed mid-batch');
          }
        },
      };
      const ids = users.map((user) => user.id);

      startWorker(store, { projections: [flaky], batchSize: 2, maxAttempts: 1_000 });
      await eventually('the failing batch to be retried', async () => attempts >= 3);

      expect((await usersRows(db, ids, table(flaky))).map((row) => row.id).sort()).to.deep.equal([users[0]!.id, users[1]!.id].sort());
      expect((await checkpointRow(db, flaky.name))?.position).to.equal(users[1]!.position.toString());
      expect(await usersCount(db, table(flaky))).to.equal(2);
      const failure = log.lines.find((line) => (line.err as { message?: string })?.message === 'killed mid-batch');
      expect(failure, 'the failed batch is logged').to.include({ projection: flaky.name });

      await workers.splice(0)[0]!.stop();
      failing = false;
      const restarted = startWorker(store, { projections: [flaky], batchSize: 2 });
      expect(await restarted.waitUntilPassed(flaky.name, users[5]!.position, 5_000)).to.equal(true);
      expect(await usersRows(db, ids, table(flaky))).to.deep.equal(await freshReplay(store, ids));
      expect(await usersCount(db, table(flaky))).to.equal(6);
    });

    it('works with the PostgreSQL event store in the same database', async () => {
      const { PgEventStore } = await import('../../../src/shared/event-store/pg/pg-event-store');
      const store = new PgEventStore(db, { pollIntervalMs: 50 });
      try {
        const projection = testUsersProjection();
        const start = await store.append(`marker-${randomUUID()}`, [event('Marker', {})]);
        await db.transaction((trx) => trx('projection_checkpoints').insert({ name: table(projection), position: start.position.toString() }));
        const user = await createUser(store, { role: 'admin' });
        const last = await changeUser(store, user.id, 'UserDeactivated');
        const worker = startWorker(store, { projections: [projection] });
        expect(await worker.waitUntilPassed(projection.name, last, 5_000)).to.equal(true);
        expect(await usersRows(db, [user.id], table(projection))).to.deep.equal([
          { id: user.id, username: user.username, role: 'admin', is_active: false, last_revision: '1' },
        ]);
      } finally {
        await Promise.all(workers.splice(0).map((worker) => worker.stop()));
        await store.close();
      }
    });
  });

  describe('events it cannot apply', () => {
    it('commits what comes before the event, stops the projection at it, and names it in its status and log', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const before = await createUser(store);
      const badRole = randomUUID();
      const poison = await store.append(`user-${badRole}`, [event('UserCreated', { userId: badRole, username: 'x', role: 'root', passwordHash: 'h' })]);
      const after = await createUser(store);
      const worker = startWorker(store, { projections: [projection], maxAttempts: 3 });

      await eventually('the projection to stop', async () => (await checkpointRow(db, projection.name))?.stopped_reason ?? undefined);
      const row = await checkpointRow(db, projection.name);
      expect(row?.position, 'the events before it are committed').to.equal(before.position.toString());
      expect(row?.stopped_reason).to.equal(
        `cannot apply UserCreated at position ${poison.position} (stream user-${badRole}): UserCreated has a role the users table cannot hold: "root"`,
      );
      expect(await usersRows(db, [before.id, after.id], table(projection))).to.have.length(1);
      const attempts = log.lines.filter((line) => line.msg === 'batch could not be applied; retrying');
      expect(attempts.length, 'retried before stopping').to.be.at.least(3);
      expect(log.lines.find((line) => String(line.msg).startsWith('projection stopped: cannot apply UserCreated'))).to.deep.include({
        event: { position: poison.position.toString(), id: (await store.readStream(`user-${badRole}`))[0]!.id, stream: `user-${badRole}`, type: 'UserCreated', revision: '0' },
      });
      await eventually('the worker to report it stopped', async () => worker.states().find((s) => s.name === projection.name)?.role === 'stopped');
    });

    it('passes over the event once an operator resumes it with that event skipped, and goes on', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const bad = randomUUID();
      const poison = await store.append(`user-${bad}`, [event('UserCreated', { userId: bad, username: 'x', role: 'root', passwordHash: 'h' })]);
      const after = await createUser(store);
      const worker = startWorker(store, { projections: [projection], maxAttempts: 2 });
      await eventually('the projection to stop', async () => (await checkpointRow(db, projection.name))?.stopped_reason ?? undefined);

      expect(await new CheckpointStore(db).resume(table(projection), poison.position)).to.equal(true);
      expect(await worker.waitUntilPassed(projection.name, after.position, 5_000)).to.equal(true);
      expect(await usersRows(db, [bad, after.id], table(projection))).to.have.length(1);
      expect(log.lines.some((line) => line.msg === 'skipping the event an operator chose to skip' && line.position === poison.position.toString())).to.equal(true);
    });
  });

  describe('the event log it folds', () => {
    it('stops the projection, named, when the event store starts serving another log while it runs', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      let sameLog = true;
      const checkLog = async (): Promise<void> => {
        if (!sameLog) throw new ReadModelsFromAnotherLogError('the-old-log', 'none: the log is empty or new');
      };
      const worker = startWorker(store, { projections: [projection], checkLog, logCheckEveryMs: 20 });
      const first = await createUser(store);
      expect(await worker.waitUntilPassed(projection.name, first.position, 5_000)).to.equal(true);

      sameLog = false;
      await eventually('the projection to stop', async () => (await checkpointRow(db, projection.name))?.stopped_reason ?? undefined);
      expect((await checkpointRow(db, projection.name))?.stopped_reason).to.match(/^event log mismatch: The read tables in this database were built from another event log \(the-old-log\)/);
      await eventually('the worker to report it stopped', async () => worker.states().find((s) => s.name === projection.name)?.role === 'stopped');
      expect(log.lines.some((line) => line.msg === 'projection stopped: the event store serves another log than the read tables came from')).to.equal(true);
      // A worker that still sees the right log folds the next event; the stopped one has not.
      const control = testProjection('control', { apply: async () => undefined });
      const witness = startWorker(store, { projections: [control] });
      const second = await createUser(store);
      expect(await witness.waitUntilPassed(control.name, second.position, 5_000)).to.equal(true);
      expect(await worker.waitUntilPassed(projection.name, second.position, 0)).to.equal(false);
    });
  });

  describe('leases', () => {
    it('lets only one worker run a projection; another takes over once the first stops', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const first = startWorker(store, { projections: [projection], owner: 'first' });
      const one = await createUser(store);
      expect(await first.waitUntilPassed(projection.name, one.position, 5_000)).to.equal(true);

      const second = startWorker(store, { projections: [projection], owner: 'second' });
      await eventually('the second worker to stand by', async () => second.states()[0]?.role === 'standby');
      expect(second.states()[0]).to.include({ holder: 'first', checkpoint: table(projection) });
      const two = await createUser(store);
      expect(await first.waitUntilPassed(projection.name, two.position, 5_000)).to.equal(true);
      expect(await checkpointRow(db, projection.name)).to.include({ lease_owner: 'first' });
      expect(second.positionOf(projection.name)).to.equal(undefined);

      await first.stop();
      const three = await createUser(store);
      await eventually('the second worker to take over', async () => second.positionOf(projection.name) === three.position);
      expect(await usersRows(db, [three.id], table(projection))).to.have.length(1);
      expect(await checkpointRow(db, projection.name)).to.include({ lease_owner: 'second' });
      expect(log.lines.some((line) => line.msg === 'active: took the lease' && line.projection === projection.name)).to.equal(true);
      expect(log.lines.some((line) => line.msg === `active: took over ${projection.name} from first` && line.projection === projection.name)).to.equal(true);
    });

    it("takes over at once when the holder's database session ends, long before its lease would expire", async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const one = await createUser(store);
      const holder = startWorker(store, { projections: [projection], owner: 'holder', leaseTtlMs: 600_000, renewEveryMs: 600_000 });
      expect(await holder.waitUntilPassed(projection.name, one.position, 5_000)).to.equal(true);
      const standby = startWorker(store, { projections: [projection], owner: 'standby' });
      await eventually('the standby to stand by', async () => standby.states()[0]?.role === 'standby');

      // What a SIGKILL of the holder's process does to its session.
      const { lease_backend_pid: pid } = (await db.knex('projection_checkpoints').where({ name: table(projection) }).first('lease_backend_pid')) as { lease_backend_pid: number };
      await db.knex.raw('SELECT pg_terminate_backend(?)', [pid]);

      await eventually('the standby to take the lease', async () => standby.states()[0]?.role === 'active');
      const two = await createUser(store);
      expect(await standby.waitUntilPassed(projection.name, two.position, 5_000)).to.equal(true);
      expect(await checkpointRow(db, projection.name)).to.include({ lease_owner: 'standby' });
    });

    it('does not let a stalled owner whose lease was taken commit its batch (fencing token)', async () => {
      const gated = new GatedEventStore(new InMemoryEventStore());
      const projection = testUsersProjection();
      const one = await createUser(gated);
      const stalled = startWorker(gated, { projections: [projection], owner: 'stalled', leaseTtlMs: 60_000 });
      expect(await stalled.waitUntilPassed(projection.name, one.position, 5_000)).to.equal(true);

      gated.hold();
      const two = await createUser(gated);
      await gated.waiting;
      await db.transaction((trx) =>
        trx('projection_checkpoints').where({ name: table(projection) }).update({ lease_expires_at: trx.raw("now() - interval '1 second'") }),
      );
      const checkpoints = new CheckpointStore(db);
      const usurper = await checkpoints.acquire(table(projection), 'usurper', 60_000);
      expect(isLease(usurper), 'an expired lease can be taken').to.equal(true);
      gated.letGo();

      await eventually('the stale commit to be refused', async () => log.lines.some((line) => String(line.msg).startsWith('checkpoint compare failed')));
      expect(await usersRows(db, [two.id], table(projection))).to.deep.equal([]);
      expect(await checkpointRow(db, projection.name)).to.include({ position: one.position.toString(), lease_owner: 'usurper' });

      await checkpoints.release(usurper as Lease);
      await eventually('the old owner to retake the free lease and catch up', async () => (await usersRows(db, [two.id], table(projection))).length === 1);
      expect(await checkpointRow(db, projection.name)).to.include({ position: two.position.toString(), lease_owner: 'stalled' });
    });

    it('refuses a second lease while one is held, and a release by a stale token', async () => {
      const checkpoints = new CheckpointStore(db);
      const name = `lease-test-${randomUUID()}`;
      const held = (await checkpoints.acquire(name, 'a', 60_000)) as Lease;
      expect(held).to.include({ name, owner: 'a', position: undefined });
      expect(await checkpoints.acquire(name, 'b', 60_000)).to.deep.include({ kind: 'held', owner: 'a' });
      const retaken = (await checkpoints.acquire(name, 'a', 60_000)) as Lease;
      expect(retaken.token > held.token).to.equal(true);
      expect(await checkpoints.renew(held, 60_000), 'a renewal with the old token fails').to.equal(false);
      await checkpoints.release(held);
      expect(isLease(await checkpoints.acquire(name, 'b', 60_000))).to.equal(false);
      await checkpoints.release(retaken);
      expect(await checkpoints.acquire(name, 'b', 60_000)).to.include({ owner: 'b' });
    });

    it('pauses at the next batch when an operator pauses it, and goes on from there on resume', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const checkpoints = new CheckpointStore(db);
      // Not paused: it folds what the paused one would, proving the later event was there to fold.
      const control = testProjection('control', { apply: async () => undefined });
      const one = await createUser(store);
      const worker = startWorker(store, { projections: [projection, control] });
      const state = () => worker.states().find((s) => s.name === projection.name);
      expect(await worker.waitUntilPassed(projection.name, one.position, 5_000)).to.equal(true);

      expect(await checkpoints.pause(table(projection))).to.equal(true);
      await eventually('the worker to stop', async () => state()?.role === 'stopped');
      expect(state()?.reason).to.equal('paused by an operator');
      const two = await createUser(store);
      expect(await worker.waitUntilPassed(control.name, two.position, 5_000)).to.equal(true);
      expect(await worker.waitUntilPassed(projection.name, two.position, 0)).to.equal(false);

      expect(await checkpoints.resume(table(projection))).to.equal(true);
      expect(await worker.waitUntilPassed(projection.name, two.position, 5_000)).to.equal(true);
    });
  });

  describe('filters and stopping', () => {
    it('advances the checkpoint of a filtered subscription whose filter matches nothing', async () => {
      const store = new InMemoryEventStore();
      const applied: RecordedEvent[] = [];
      const projection = testProjection('nothing', {
        filter: { streamNamePrefixes: ['no-such-stream-'] },
        async apply(_trx, _table, events) {
          applied.push(...events);
        },
      });
      await createUser(store);
      const last = (await createUser(store)).position;
      startWorker(store, { projections: [projection] });
      await eventually('the checkpoint to pass the skipped events', async () => (await checkpointRow(db, projection.name))?.position === last.toString());
      expect(applied).to.deep.equal([]);
    });

    it('stops cleanly: releases the lease, and the next worker goes on from the checkpoint', async () => {
      const store = new InMemoryEventStore();
      const seen: string[] = [];
      const projection = testProjection('stop', {
        async apply(_trx, _table, events) {
          seen.push(...events.map((e) => e.id));
        },
      });
      const one = await createUser(store);
      const first = startWorker(store, { projections: [projection] });
      expect(await first.waitUntilPassed(projection.name, one.position, 5_000)).to.equal(true);
      await first.stop();
      expect(await checkpointRow(db, projection.name)).to.include({ lease_owner: null, position: one.position.toString() });

      const two = await createUser(store);
      const next = startWorker(store, { projections: [projection] });
      expect(await next.waitUntilPassed(projection.name, two.position, 5_000)).to.equal(true);
      const ids = (await store.readAll()).events.map((e) => e.id);
      expect(seen).to.deep.equal(ids);
    });

    it('logs and retries when the event store fails, never calls it poison, and still stops cleanly', async () => {
      const store = new InMemoryEventStore();
      const projection = testUsersProjection();
      const one = await createUser(store);
      const worker = startWorker(store, { projections: [projection], maxAttempts: 1 });
      expect(await worker.waitUntilPassed(projection.name, one.position, 5_000)).to.equal(true);
      await store.close();
      await eventually('the failure to be logged and retried', async () =>
        log.lines.filter((line) => line.level === 50 && (line.err as { type?: string } | undefined)?.type === 'EventStoreUnavailableError').length >= 2,
      );
      await worker.stop();
      expect(await checkpointRow(db, projection.name)).to.include({ lease_owner: null, position: one.position.toString(), stopped_reason: null });
    });

    it('reports a projection that does not reach a position in time', async () => {
      const store = new InMemoryEventStore();
      const worker = startWorker(store, { projections: [] });
      expect(await worker.waitUntilPassed(`never-${randomUUID()}`, 1n, 150)).to.equal(false);
    });
  });

  describe('processors', () => {
    it('handles every event before its checkpoint moves, and again after a failure', async () => {
      const store = new InMemoryEventStore();
      const handled: string[] = [];
      let failOnce = true;
      let release: () => void = () => undefined;
      const blocked = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reachedBlocked: () => void = () => undefined;
      const atBlocked = new Promise<void>((resolve) => {
        reachedBlocked = resolve;
      });
      await createUser(store);
      const two = await createUser(store);
      const processor: Processor = {
        name: `processor-${randomUUID()}`,
        filter: { eventTypePrefixes: ['UserCreated'] },
        async handle(e) {
          if (e.id === (await store.readAll()).events[1]?.id) {
            if (failOnce) {
              failOnce = false;
              throw new Error('reaction failed');
            }
            reachedBlocked();
            await blocked;
          }
          handled.push(e.id);
        },
      };
      startWorker(store, { processors: [processor] });
      await atBlocked;
      expect(log.lines.some((line) => (line.err as { message?: string } | undefined)?.message === 'reaction failed')).to.equal(true);
      expect((await checkpointRow(db, processor.name))?.position ?? null, 'no checkpoint past an unhandled event').to.equal(null);

      release();
      await eventually('the checkpoint to pass both events', async () => (await checkpointRow(db, processor.name))?.position === two.position.toString());
      const ids = (await store.readAll()).events.map((e) => e.id);
      expect(handled.filter((id) => id === ids[0]).length, 'handled at least once').to.be.at.least(1);
      expect(handled).to.include(ids[1]);
    });

    it('waits for the projections it names to pass an event before handling it', async () => {
      const store = new InMemoryEventStore();
      const projectedUpTo: string[] = [];
      const slow = testProjection('slow', {
        async apply() {
          await new Promise((resolve) => setTimeout(resolve, 100));
        },
      });
      const checkpoints = new CheckpointStore(db);
      const processor: Processor = {
        name: `after-slow-${randomUUID()}`,
        waitFor: [slow.name],
        async handle(e) {
          projectedUpTo.push(`${(await checkpoints.positionOf(slow.name))! >= e.position}`);
        },
      };
      await createUser(store);
      const last = (await createUser(store)).position;
      const worker = startWorker(store, { projections: [slow], processors: [processor] });
      expect(await worker.waitUntilPassed(processor.name, last, 5_000)).to.equal(true);
      expect(projectedUpTo).to.deep.equal(['true', 'true']);
    });
  });
});
