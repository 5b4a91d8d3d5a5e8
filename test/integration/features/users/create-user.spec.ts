import { expect } from 'chai';
import {
  InvalidUsernameError,
  NotAuthorizedError,
  PasswordTooShortError,
  UserAlreadyExistsError,
  userStreamName,
  usernameStreamName,
} from '../../../../src/features/users';
import { buildFeatures, rejectionOf, uniqueName, type Features } from '../harness';

describe('CreateUserHandler', () => {
  let f: Features;
  beforeEach(() => {
    f = buildFeatures();
  });

  it('lets an admin create a user: reservation, then UserCreated with full metadata', async () => {
    const admin = await f.aUser('admin');
    const username = uniqueName();
    const ctx = f.ctx(admin.userId);
    const { id, position } = await f.createUser.execute({ actor: admin, username, password: 'secret1', role: 'user' }, ctx);

    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [created] = await f.store.readStream(userStreamName(id));
    expect(created?.type).to.equal('UserCreated');
    expect(created?.position).to.equal(position);
    expect(created?.data).to.deep.include({ userId: id, username, role: 'user', createdAt: ctx.now.toISOString() });
    expect(created?.metadata).to.deep.equal({
      actorId: admin.userId,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      occurredAt: ctx.now.toISOString(),
    });
    const [reserved] = await f.store.readStream(usernameStreamName(username));
    expect(reserved?.data).to.deep.equal({ username, userId: id });
    expect(await f.lookup.findByUsername(username)).to.include({ userId: id, role: 'user', isActive: true });
  });

  it('lets the super admin create an admin', async () => {
    const boss = await f.aUser('super_admin');
    const { id } = await f.createUser.execute({ actor: boss, username: uniqueName(), password: 'secret1', role: 'admin' }, f.ctx());
    expect(await f.lookup.findById(id)).to.include({ role: 'admin' });
  });

  it('refuses by the permission matrix before any other rule, and never hashes', async () => {
    const user = await f.aUser('user');
    const admin = await f.aUser('admin');
    const boss = await f.aUser('super_admin');
    const hashesBefore = f.hasher.hashes;
    for (const [actor, role] of [[user, 'user'], [admin, 'admin'], [admin, 'super_admin'], [boss, 'super_admin']] as const) {
      const error = await rejectionOf(f.createUser.execute({ actor, username: '!', password: '1', role }, f.ctx()));
      expect(error).to.be.instanceOf(NotAuthorizedError).with.property('message', 'Not authorized.');
    }
    expect(f.hasher.hashes).to.equal(hashesBefore);
  });

  it('checks the username before the password, and the password before the duplicate', async () => {
    const admin = await f.aUser('admin');
    const taken = await f.aUser('user');
    const create = (username: string, password: string) =>
      rejectionOf(f.createUser.execute({ actor: admin, username, password, role: 'user' }, f.ctx()));

    expect(await create('ab', '1')).to.be.instanceOf(InvalidUsernameError);
    expect(await create(taken.username, '1')).to.be.instanceOf(PasswordTooShortError);
    const duplicate = await create(taken.username, 'secret1');
    expect(duplicate).to.be.instanceOf(UserAlreadyExistsError);
    expect(duplicate.message).to.equal(`User with '${taken.username}' already exists.`);
    expect(duplicate).to.have.property('code', 'user.already_exists');
  });

  it('treats usernames case-sensitively', async () => {
    const admin = await f.aUser('admin');
    const name = uniqueName('Case');
    const first = await f.createUser.execute({ actor: admin, username: name, password: 'secret1', role: 'user' }, f.ctx());
    const second = await f.createUser.execute({ actor: admin, username: name.toLowerCase(), password: 'secret1', role: 'user' }, f.ctx());
    expect(first.id).to.not.equal(second.id);
  });

  it('gives exactly one success among concurrent creations of one username', async () => {
    const admin = await f.aUser('admin');
    const username = uniqueName();
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => f.createUser.execute({ actor: admin, username, password: 'secret1', role: 'user' }, f.ctx())),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost.every((r) => r.reason instanceof UserAlreadyExistsError)).to.equal(true);
    expect(await f.store.readStream(usernameStreamName(username))).to.have.length(1);
  });
});
