import { expect } from 'chai';
import { UserRevisionMismatchError, userStreamName } from '../../../../src/features/users';
import { ConcurrencyProbe } from '../concurrency-probe';
import { buildFeatures, rejectionOf } from '../harness';
import { InterceptableStore } from '../interceptable-store';

describe('user writes pinned to a revision (If-Match)', () => {
  /** Lets a concurrent write land on the target's stream between the handler's read and its append, once. */
  async function withARaceOnce() {
    const store = new InterceptableStore();
    const f = buildFeatures({ store });
    const boss = await f.aUser('super_admin');
    const admin = await f.aUser('admin');
    const target = await f.aUser('user');
    const probe = new ConcurrencyProbe(store, userStreamName(target.userId), () =>
      f.grantAdmin.execute({ actor: boss, userId: target.userId }, f.ctx(boss.userId)),
    );
    return { f, store, boss, admin, target, probe };
  }

  it('a pinned write that loses the race is refused with 412, not retried: only the winner is stored', async () => {
    const { f, admin, target, probe } = await withARaceOnce();
    probe.arm();
    const refused = await rejectionOf(f.deactivateUser.execute({ actor: admin, userId: target.userId, expectedRevisions: [0n] }, f.ctx(admin.userId)));
    expect(refused).to.be.instanceOf(UserRevisionMismatchError);
    expect(refused).to.include({ kind: 'precondition_failed', code: 'user.revision_mismatch' });
    expect((await f.store.readStream(userStreamName(target.userId))).map((event) => event.type)).to.deep.equal(['UserCreated', 'AdminGranted']);
    expect(probe.appendsTried, 'one try only').to.equal(1);
  });

  it('the same write without a pin retries the race and decides again on the fresh state', async () => {
    const { f, boss, target, probe } = await withARaceOnce();
    probe.arm();
    await f.deactivateUser.execute({ actor: boss, userId: target.userId }, f.ctx(boss.userId));
    expect((await f.store.readStream(userStreamName(target.userId))).map((event) => event.type)).to.deep.equal(['UserCreated', 'AdminGranted', 'UserDeactivated']);
    expect(probe.appendsTried).to.equal(2);
  });

  it('a password set that loses a pinned race is a 412 too', async () => {
    const { f, admin, target, probe } = await withARaceOnce();
    probe.arm();
    const refused = await rejectionOf(f.setUserPassword.execute({ actor: admin, userId: target.userId, password: 'secret2', expectedRevisions: [0n] }, f.ctx(admin.userId)));
    expect(refused).to.be.instanceOf(UserRevisionMismatchError);
    expect(await f.store.readStream(userStreamName(target.userId))).to.have.length(2);
  });
});
