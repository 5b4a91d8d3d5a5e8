import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import {
  AccountInactiveError,
  AuthenticationUnavailableError,
  InvalidCredentialsError,
  sessionStreamName,
} from '../../../../src/features/sessions';
import {
  InvalidUsernameError,
  PasswordTooShortError,
  UserAlreadyExistsError,
  UserNotFoundError,
  userStreamName,
} from '../../../../src/features/users';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { TTL_MS, buildFeatures, rejectionOf, uniqueName, type Features } from '../harness';
import { InterceptableStore } from '../interceptable-store';

describe('SignUpHandler', () => {
  let f: Features;
  beforeEach(() => {
    f = buildFeatures();
  });

  it('creates a plain, active user who is the actor of their own creation', async () => {
    const username = uniqueName();
    const { id } = await f.signUp.execute({ username, password: 'secret1' }, f.ctx('anonymous'));
    const [created] = await f.store.readStream(userStreamName(id));
    expect(created?.data).to.include({ username, role: 'user' });
    expect(created?.metadata.actorId).to.equal(id);
    expect(await f.lookup.findById(id)).to.include({ isActive: true });
  });

  it('checks username, then password, then the duplicate', async () => {
    const taken = await f.aUser();
    expect(await rejectionOf(f.signUp.execute({ username: '-bad-', password: '1' }, f.ctx()))).to.be.instanceOf(InvalidUsernameError);
    expect(await rejectionOf(f.signUp.execute({ username: taken.username, password: '1' }, f.ctx()))).to.be.instanceOf(PasswordTooShortError);
    const error = await rejectionOf(f.signUp.execute({ username: taken.username, password: 'secret1' }, f.ctx()));
    expect(error).to.be.instanceOf(UserAlreadyExistsError).with.property('message', `User with '${taken.username}' already exists.`);
  });
});

describe('LogInHandler', () => {
  let f: Features;
  beforeEach(() => {
    f = buildFeatures();
  });

  it('starts a session and issues a JWT with exactly auth_session_id and exp', async () => {
    const user = await f.aUser();
    const ctx = f.ctx();
    const issued = await f.logIn.execute({ username: user.username, password: user.password }, ctx);

    expect(issued.sessionId).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt.getTime()).to.equal(ctx.now.getTime() + TTL_MS);
    const decoded = jwt.decode(issued.token, { complete: true });
    expect(decoded?.header).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
    expect(decoded?.payload).to.deep.equal({ auth_session_id: issued.sessionId, exp: Math.floor(issued.expiresAt.getTime() / 1000) });
    const [started] = await f.store.readStream(sessionStreamName(issued.sessionId));
    expect(started?.data).to.deep.equal({
      sessionId: issued.sessionId,
      userId: user.userId,
      startedAt: ctx.now.toISOString(),
      expiresAt: issued.expiresAt.toISOString(),
    });
    expect(started?.metadata).to.include({ actorId: user.userId, correlationId: ctx.correlationId });
  });

  it('allows many sessions per user', async () => {
    const user = await f.aUser();
    const first = await f.aSession(user);
    const second = await f.aSession(user);
    expect(first.sessionId).to.not.equal(second.sessionId);
  });

  it('checks username → password → unknown (404) → wrong password (401) → inactive (401)', async () => {
    const user = await f.aUser();
    const logIn = (username: string, password: string) => rejectionOf(f.logIn.execute({ username, password }, f.ctx()));
    expect(await logIn('abc', '1')).to.be.instanceOf(InvalidUsernameError);
    expect(await logIn(user.username, '12345')).to.be.instanceOf(PasswordTooShortError);
    const name = uniqueName('nobody');
    expect(await logIn(name, 'secret1')).to.be.instanceOf(UserNotFoundError).with.property('message', `User with '${name}' is not found.`);
    const wrong = await logIn(user.username, 'wrong-password');
    expect(wrong).to.be.instanceOf(InvalidCredentialsError).with.property('message', 'Invalid password.');
    expect(wrong).to.have.property('kind', 'unauthenticated');
  });

  it('answers a wrong password before the inactive account', async () => {
    const admin = await f.aUser('admin');
    const user = await f.aUser();
    await f.deactivateUser.execute({ actor: admin, userId: user.userId }, f.ctx(admin.userId));
    expect(await rejectionOf(f.logIn.execute({ username: user.username, password: 'wrong-password' }, f.ctx()))).to.be.instanceOf(InvalidCredentialsError);
    const inactive = await rejectionOf(f.logIn.execute({ username: user.username, password: user.password }, f.ctx()));
    expect(inactive).to.be.instanceOf(AccountInactiveError).with.property('message', 'Your account is inactive. Please contact support.');
  });

  it('answers 401 "Authentication is currently unavailable" when the session cannot be stored', async () => {
    const store = new InterceptableStore();
    const g = buildFeatures({ store });
    const user = await g.aUser();
    store.intercept((stream) => {
      if (stream.startsWith('session-')) throw new EventStoreUnavailableError('down');
    });
    const error = await rejectionOf(g.logIn.execute({ username: user.username, password: user.password }, g.ctx()));
    expect(error).to.be.instanceOf(AuthenticationUnavailableError);
    expect(error.message).to.equal('Authentication is currently unavailable. Please try again later.');
  });
});
