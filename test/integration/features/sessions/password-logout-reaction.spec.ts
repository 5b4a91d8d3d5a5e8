import { expect } from 'chai';
import { sessionStreamName } from '../../../../src/features/sessions';
import {
  PasswordUnchangedError,
  type Caller,
  CurrentPasswordInvalidError,
  NotAuthorizedError,
  PasswordTooShortError,
  userStreamName,
} from '../../../../src/features/users';
import type { RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { ServiceUnavailableError } from '../../../../src/shared/errors';
import { buildFeatures, rejectionOf, type Features } from '../harness';
import { InterceptableStore } from '../interceptable-store';

async function callerOf(f: Features, token: string): Promise<Caller> {
  const resolution = await f.resolveSession.execute({ token }, f.ctx());
  if (resolution.status !== 'authenticated') throw new Error(`not authenticated: ${resolution.status}`);
  return resolution.caller;
}

describe('ChangePasswordHandler', () => {
  let f: Features;
  beforeEach(() => {
    f = buildFeatures();
  });

  it('changes the password; the old one stops working; the session it was changed in goes on, the others end at once', async () => {
    const user = await f.aUser();
    const other = await f.aSession(user);
    const { token } = await f.aSession(user);
    const caller = await callerOf(f, token);
    await f.changePassword.execute({ caller, currentPassword: user.password, newPassword: 'changed-1' }, f.ctx(user.userId));
    expect(await f.resolveSession.execute({ token: other.token }, f.ctx())).to.have.property('status', 'anonymous');
    f.clock.advance(1);

    const events = await f.store.readStream(userStreamName(user.userId));
    expect(events.map((e) => e.type)).to.deep.equal(['UserCreated', 'PasswordChanged']);
    expect(events[1]?.metadata.actorId).to.equal(user.userId);
    await f.logIn.execute({ username: user.username, password: 'changed-1' }, f.ctx());
    expect(await rejectionOf(f.logIn.execute({ username: user.username, password: user.password }, f.ctx()))).to.have.property('code', 'auth.invalid_password');
    expect(await f.resolveSession.execute({ token }, f.ctx())).to.have.property('status', 'authenticated');
  });

  it('checks current rule → new rule → same bytes → current password (403), hashing nothing on refusal', async () => {
    const user = await f.aUser();
    const caller = await callerOf(f, (await f.aSession(user)).token);
    const change = (currentPassword: string, newPassword: string) =>
      rejectionOf(f.changePassword.execute({ caller, currentPassword, newPassword }, f.ctx()));
    const hashes = f.hasher.hashes;

    expect(await change('short', 'x')).to.be.instanceOf(PasswordTooShortError);
    expect(await change('wrong-password', 'x')).to.be.instanceOf(PasswordTooShortError);
    const same = await change('wrong-password', 'wrong-password');
    expect(same).to.be.instanceOf(PasswordUnchangedError).with.property('message', 'New password must differ from current password.');
    const wrong = await change('wrong-password', 'changed-1');
    expect(wrong).to.be.instanceOf(CurrentPasswordInvalidError).with.property('message', 'Invalid password.');
    expect(wrong).to.have.property('kind', 'forbidden');
    expect(f.hasher.hashes).to.equal(hashes);
  });

  it('refuses a caller who was deactivated meanwhile', async () => {
    const admin = await f.aUser('admin');
    const user = await f.aUser();
    const caller = await callerOf(f, (await f.aSession(user)).token);
    await f.deactivateUser.execute({ actor: admin, userId: user.userId }, f.ctx());
    const error = await rejectionOf(f.changePassword.execute({ caller, currentPassword: user.password, newPassword: 'changed-1' }, f.ctx()));
    expect(error).to.be.instanceOf(NotAuthorizedError);
  });
});

describe('LogOutHandler', () => {
  it('fails with 503 (service.unavailable) when the end of the session cannot be stored, and the session stays valid', async () => {
    const store = new InterceptableStore();
    const f = buildFeatures({ store });
    const user = await f.aUser();
    const { token } = await f.aSession(user);
    const caller = await callerOf(f, token);
    store.intercept(() => {
      throw new EventStoreUnavailableError('down');
    });
    const error = await rejectionOf(f.logOut.execute({ caller }, f.ctx()));
    store.intercept(undefined);
    expect(error).to.be.instanceOf(ServiceUnavailableError).with.property('code', 'service.unavailable');
    expect(await store.readStream(sessionStreamName(caller.sessionId))).to.have.length(1);
    expect(await f.resolveSession.execute({ token }, f.ctx())).to.have.property('status', 'authenticated');
  });

  it('is a no-op for a session that has already ended', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const caller = await callerOf(f, (await f.aSession(user)).token);
    await f.logOut.execute({ caller }, f.ctx());
    await f.logOut.execute({ caller }, f.ctx());
    expect(await f.store.readStream(sessionStreamName(caller.sessionId))).to.have.length(2);
  });
});

describe('RevokeSessionsHandler (log out everywhere)', () => {
  it('ends every session of the caller at once, the current one included, and not those started later or of others', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const bystander = await f.aSession(await f.aUser());
    const sessions = [await f.aSession(user), await f.aSession(user)];
    const caller = await callerOf(f, (sessions[1] as { token: string }).token);
    await f.revokeSessions.execute({ caller }, f.ctx(user.userId));
    for (const { token } of sessions) expect(await f.resolveSession.execute({ token }, f.ctx())).to.have.property('status', 'anonymous');
    expect(await f.resolveSession.execute({ token: bystander.token }, f.ctx())).to.have.property('status', 'authenticated');
    f.clock.advance(1);
    const later = await f.aSession(user);
    expect(await f.resolveSession.execute({ token: later.token }, f.ctx())).to.have.property('status', 'authenticated');
  });

  it('lets the store failure through (503), so that nothing claims the sessions ended', async () => {
    const store = new InterceptableStore();
    const f = buildFeatures({ store });
    const user = await f.aUser();
    const { token } = await f.aSession(user);
    const caller = await callerOf(f, token);
    store.intercept(() => {
      throw new EventStoreUnavailableError('down');
    });
    const error = await rejectionOf(f.revokeSessions.execute({ caller }, f.ctx()));
    store.intercept(undefined);
    expect(error).to.be.instanceOf(EventStoreUnavailableError);
    expect(await f.resolveSession.execute({ token }, f.ctx())).to.have.property('status', 'authenticated');
  });
});

describe('EndSessionsOnSessionsRevoked', () => {
  async function lastUserEvent(f: Features, userId: string): Promise<RecordedEvent> {
    const events = await f.store.readStream(userStreamName(userId));
    return events[events.length - 1] as RecordedEvent;
  }
  const streamOf = async (f: Features, sessionId: string) => (await f.store.readStream(sessionStreamName(sessionId))).map((e) => [e.type, (e.data as { reason?: string }).reason]);

  it("records the ends of a password change's other sessions, keeping the one it was made in, once", async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const other = await f.aSession(user);
    const current = await f.aSession(user);
    const caller = await callerOf(f, current.token);
    await f.changePassword.execute({ caller, currentPassword: user.password, newPassword: 'changed-1' }, f.ctx(user.userId));
    const event = await lastUserEvent(f, user.userId);
    await f.endSessionsOnRevocation.handle(event);
    await f.endSessionsOnRevocation.handle(event);
    expect(await streamOf(f, other.sessionId)).to.deep.equal([['SessionStarted', undefined], ['SessionEnded', 'password_changed']]);
    expect(await streamOf(f, current.sessionId)).to.deep.equal([['SessionStarted', undefined]]);
    const [, ended] = await f.store.readStream(sessionStreamName(other.sessionId));
    expect(ended?.metadata).to.include({ actorId: 'system:end-sessions-on-sessions-revoked', causationId: event.id });
  });

  it('records the ends of all sessions for a password set by an admin and for log-out everywhere, leaving later sessions alone', async () => {
    const f = buildFeatures();
    const admin = await f.aUser('admin');
    const user = await f.aUser();
    const first = await f.aSession(user);
    await f.setUserPassword.execute({ actor: admin, userId: user.userId, password: 'brand-new' }, f.ctx(admin.userId));
    const set = await lastUserEvent(f, user.userId);
    f.clock.advance(1);
    const second = await f.logIn.execute({ username: user.username, password: 'brand-new' }, f.ctx());
    await f.endSessionsOnRevocation.handle(set);
    expect(await streamOf(f, first.sessionId)).to.deep.equal([['SessionStarted', undefined], ['SessionEnded', 'password_set']]);
    expect(await streamOf(f, second.sessionId)).to.deep.equal([['SessionStarted', undefined]]);
    await f.revokeSessions.execute({ caller: await callerOf(f, second.token) }, f.ctx(user.userId));
    await f.endSessionsOnRevocation.handle(await lastUserEvent(f, user.userId));
    expect(await streamOf(f, second.sessionId)).to.deep.equal([['SessionStarted', undefined], ['SessionEnded', 'logout_everywhere']]);
  });

  it('ends nothing for a password change written before the rule (no time, no session in it)', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const session = await f.aSession(user);
    const old = { ...(await lastUserEvent(f, user.userId)), type: 'PasswordChanged', data: { userId: user.userId, passwordHash: 'old' } };
    await f.endSessionsOnRevocation.handle(old);
    expect(await streamOf(f, session.sessionId)).to.deep.equal([['SessionStarted', undefined]]);
  });
});

describe('EndSessionsOnUserDeactivated', () => {
  async function deactivation(f: Features, userId: string): Promise<RecordedEvent> {
    const admin = await f.aUser('admin');
    await f.deactivateUser.execute({ actor: admin, userId }, f.ctx(admin.userId));
    const events = await f.store.readStream(userStreamName(userId));
    const last = events[events.length - 1];
    if (last?.type !== 'UserDeactivated') throw new Error('no deactivation');
    return last;
  }

  it('ends every session of the deactivated user with deterministic event ids, once', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const other = await f.aUser();
    const sessions = [await f.aSession(user), await f.aSession(user)];
    const bystander = await f.aSession(other);
    f.clock.advance(1000);
    const event = await deactivation(f, user.userId);

    await f.endSessionsOnDeactivation.handle(event);
    await f.endSessionsOnDeactivation.handle(event);
    for (const { sessionId } of sessions) {
      const stream = await f.store.readStream(sessionStreamName(sessionId));
      expect(stream.map((e) => e.type)).to.deep.equal(['SessionStarted', 'SessionEnded']);
      expect(stream[1]?.data).to.include({ reason: 'user_deactivated' });
      expect(stream[1]?.metadata).to.include({
        actorId: 'system:end-sessions-on-user-deactivated',
        causationId: event.id,
        correlationId: event.metadata.correlationId,
      });
    }
    expect(await f.store.readStream(sessionStreamName(bystander.sessionId))).to.have.length(1);
  });

  it('appends nothing twice when two runs race on the same session', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const { sessionId } = await f.aSession(user);
    f.clock.advance(1000);
    const event = await deactivation(f, user.userId);
    await Promise.all([f.endSessionsOnDeactivation.handle(event), f.endSessionsOnDeactivation.handle(event)]);
    expect(await f.store.readStream(sessionStreamName(sessionId))).to.have.length(2);
  });

  it('leaves sessions started after a reactivation alone when an old deactivation is replayed', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const event = await deactivation(f, user.userId);
    const admin = await f.aUser('admin');
    await f.activateUser.execute({ actor: admin, userId: user.userId }, f.ctx());
    f.clock.advance(1000);
    const { sessionId } = await f.aSession(user);
    await f.endSessionsOnDeactivation.handle(event);
    expect(await f.store.readStream(sessionStreamName(sessionId))).to.have.length(1);
  });

  it('ignores other events', async () => {
    const f = buildFeatures();
    const user = await f.aUser();
    const { sessionId } = await f.aSession(user);
    const [created] = await f.store.readStream(userStreamName(user.userId));
    await f.endSessionsOnDeactivation.handle(created as RecordedEvent);
    expect(await f.store.readStream(sessionStreamName(sessionId))).to.have.length(1);
  });
});
