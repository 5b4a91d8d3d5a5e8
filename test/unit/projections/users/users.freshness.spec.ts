import { expect } from 'chai';
import type { CheckpointStore } from '../../../../projections/checkpoint-store';
import { ProjectionPositions } from '../../../../projections/projection-positions';
import { UsersReadModelFreshness } from '../../../../projections/users/users.freshness';
import { eventually } from '../../../support/eventually';

/** The checkpoint rows as another process's projector would leave them. */
function checkpointRows(): { rows: Map<string, bigint>; store: CheckpointStore; reads: () => number } {
  const rows = new Map<string, bigint>();
  let reads = 0;
  const store = {
    positionOf: async (name: string) => {
      reads++;
      return rows.get(name);
    },
  } as Pick<CheckpointStore, 'positionOf'>;
  return { rows, store: store as CheckpointStore, reads: () => reads };
}

describe('UsersReadModelFreshness', () => {
  it('answers at once when the users projection has already passed the position', async () => {
    const { store } = checkpointRows();
    const positions = new ProjectionPositions(store, 10);
    positions.observe('users', 42n);
    const freshness = new UsersReadModelFreshness(positions);
    expect(await freshness.waitUntilPassed(42n, 5_000)).to.equal(true);
    expect(await freshness.waitUntilPassed(41n, 0)).to.equal(true);
  });

  it('wakes as soon as the in-process projector commits past the position', async () => {
    const { store, reads } = checkpointRows();
    const positions = new ProjectionPositions(store, 60_000);
    const freshness = new UsersReadModelFreshness(positions);
    let answered = false;
    const waiting = freshness.waitUntilPassed(7n, 30_000).finally(() => (answered = true));
    await eventually('the wait to look at the checkpoint row', () => reads() === 1);
    positions.observe('users', 6n);
    await eventually('the wait to wake and look again', () => reads() === 2);
    expect(answered, 'not woken to an answer by a commit short of the position').to.equal(false);
    positions.observe('users', 8n);
    expect(await waiting).to.equal(true);
    expect(reads(), 'answered from the commit, not the row').to.equal(2);
  });

  it('sees a projector in another process through the checkpoint row', async () => {
    const { rows, store, reads } = checkpointRows();
    const freshness = new UsersReadModelFreshness(new ProjectionPositions(store, 5));
    const waiting = freshness.waitUntilPassed(100n, 30_000);
    await eventually('the wait to find no row yet', () => reads() >= 1);
    rows.set('users', 100n);
    expect(await waiting).to.equal(true);
  });

  it('ignores other projections’ checkpoints and answers false after the timeout', async () => {
    const { rows, store } = checkpointRows();
    rows.set('user_sessions', 1_000n);
    const positions = new ProjectionPositions(store, 5);
    positions.observe('user_sessions', 1_000n);
    const freshness = new UsersReadModelFreshness(positions);
    expect(await freshness.waitUntilPassed(1n, 30)).to.equal(false);
  });

  it('caps every wait at its maxWaitMs', async () => {
    const { store } = checkpointRows();
    const freshness = new UsersReadModelFreshness(new ProjectionPositions(store, 5), { maxWaitMs: 20 });
    expect(await freshness.waitUntilPassed(1n, 60_000)).to.equal(false);
  });
});
