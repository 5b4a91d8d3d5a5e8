import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  NotAuthorizedError,
  PasswordTooShortError,
  RoleChangeNotPermittedError,
  UserNotFoundError,
  userStreamName,
} from '../../../../src/features/users';
import { buildFeatures, rejectionOf, type Features } from '../harness';

describe('user administration handlers', () => {
  let f: Features;
  beforeEach(() => {
    f = buildFeatures();
  });
  const types = async (userId: string) => (await f.store.readStream(userStreamName(userId))).map((e) => e.type);

  describe('SetUserPasswordHandler', () => {
    it('lets an admin set a user’s password: the user logs in with it, and every session started before ends at once', async () => {
      const admin = await f.aUser('admin');
      const target = await f.aUser('user');
      const session = await f.aSession(target);
      await f.setUserPassword.execute({ actor: admin, userId: target.userId, password: 'brand-new' }, f.ctx(admin.userId));

      const [, setEvent] = await f.store.readStream(userStreamName(target.userId));
      expect(setEvent).to.deep.include({ type: 'PasswordSet' });
      expect(setEvent?.data).to.include({ userId: target.userId, setBy: admin.userId, setAt: f.clock.now().toISOString() });
      expect(await f.resolveSession.execute({ token: session.token }, f.ctx())).to.have.property('status', 'anonymous');
      f.clock.advance(1);
      const { token } = await f.logIn.execute({ username: target.username, password: 'brand-new' }, f.ctx());
      expect(await f.resolveSession.execute({ token }, f.ctx())).to.have.property('status', 'authenticated');
    });

    it('checks administrator → password → target → subordinate, hashing only at the end', async () => {
      const plain = await f.aUser('user');
      const admin = await f.aUser('admin');
      const peer = await f.aUser('admin');
      const unknown = randomUUID();
      const set = (actor: typeof admin, userId: string, password: string) =>
        rejectionOf(f.setUserPassword.execute({ actor, userId, password }, f.ctx()));
      const hashes = f.hasher.hashes;

      expect(await set(plain, unknown, '1')).to.be.instanceOf(NotAuthorizedError);
      expect(await set(admin, unknown, '1')).to.be.instanceOf(PasswordTooShortError);
      expect((await set(admin, unknown, 'secret1')).message).to.equal(`User with UUID('${unknown}') is not found.`);
      expect(await set(admin, peer.userId, 'secret1')).to.be.instanceOf(NotAuthorizedError);
      expect(await set(admin, admin.userId, 'secret1')).to.be.instanceOf(NotAuthorizedError);
      expect(f.hasher.hashes).to.equal(hashes);
    });

    it('accepts an upper-case id for the same user', async () => {
      const admin = await f.aUser('admin');
      const target = await f.aUser('user');
      await f.setUserPassword.execute({ actor: admin, userId: target.userId.toUpperCase(), password: 'brand-new' }, f.ctx());
      expect(await types(target.userId)).to.deep.equal(['UserCreated', 'PasswordSet']);
    });
  });

  describe('GrantAdminHandler and RevokeAdminHandler', () => {
    it('lets the super admin promote and demote, idempotently', async () => {
      const boss = await f.aUser('super_admin');
      const target = await f.aUser('user');
      await f.grantAdmin.execute({ actor: boss, userId: target.userId }, f.ctx(boss.userId));
      await f.grantAdmin.execute({ actor: boss, userId: target.userId }, f.ctx(boss.userId));
      expect(await f.lookup.findById(target.userId)).to.include({ role: 'admin' });
      await f.revokeAdmin.execute({ actor: boss, userId: target.userId }, f.ctx(boss.userId));
      await f.revokeAdmin.execute({ actor: boss, userId: target.userId }, f.ctx(boss.userId));
      expect(await types(target.userId)).to.deep.equal(['UserCreated', 'AdminGranted', 'AdminRevoked']);
    });

    it('refuses admins, unknown targets and super admins with the contract’s errors', async () => {
      const admin = await f.aUser('admin');
      const boss = await f.aUser('super_admin');
      const target = await f.aUser('user');
      expect(await rejectionOf(f.grantAdmin.execute({ actor: admin, userId: target.userId }, f.ctx()))).to.be.instanceOf(NotAuthorizedError);
      expect(await rejectionOf(f.revokeAdmin.execute({ actor: boss, userId: randomUUID() }, f.ctx()))).to.be.instanceOf(UserNotFoundError);
      const error = await rejectionOf(f.revokeAdmin.execute({ actor: boss, userId: boss.userId }, f.ctx()));
      expect(error).to.be.instanceOf(RoleChangeNotPermittedError);
      expect(error.message).to.equal(`Changing role of user '${boss.username}' (super_admin) is not permitted.`);
    });
  });

  describe('ActivateUserHandler and DeactivateUserHandler', () => {
    it('deactivates and reactivates a subordinate; repeats append nothing', async () => {
      const admin = await f.aUser('admin');
      const target = await f.aUser('user');
      const ctx = f.ctx(admin.userId);
      await f.deactivateUser.execute({ actor: admin, userId: target.userId }, ctx);
      await f.deactivateUser.execute({ actor: admin, userId: target.userId }, f.ctx(admin.userId));
      const [, deactivated] = await f.store.readStream(userStreamName(target.userId));
      expect(deactivated?.data).to.deep.equal({ userId: target.userId, deactivatedAt: ctx.now.toISOString() });
      expect(await f.lookup.findById(target.userId)).to.include({ isActive: false });
      await f.activateUser.execute({ actor: admin, userId: target.userId }, f.ctx(admin.userId));
      await f.activateUser.execute({ actor: admin, userId: target.userId }, f.ctx(admin.userId));
      expect(await types(target.userId)).to.deep.equal(['UserCreated', 'UserDeactivated', 'UserActivated']);
    });

    it('refuses the super admin as a target, even for itself, and admins on admins', async () => {
      const admin = await f.aUser('admin');
      const boss = await f.aUser('super_admin');
      for (const [actor, userId] of [[admin, boss.userId], [boss, boss.userId], [admin, admin.userId]] as const) {
        const error = await rejectionOf(f.deactivateUser.execute({ actor, userId }, f.ctx()));
        expect(error).to.be.instanceOf(NotAuthorizedError);
      }
      expect(await types(boss.userId)).to.deep.equal(['UserCreated']);
    });
  });
});
