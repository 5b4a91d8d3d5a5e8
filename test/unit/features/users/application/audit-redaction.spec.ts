import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { redactEventData, redactStreamName, sessionHandle } from '../../../../../src/features/users/application/audit-redaction';

describe('audit redaction', () => {
  const userId = '00000000-0000-7000-8000-000000000001';

  it('UserCreated: everything but the password hash', () => {
    const data = { userId, username: 'alice.smith', role: 'user', passwordHash: '$2b$12$abcdefghijklmnopqrstuv', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(redactEventData('UserCreated', data)).to.deep.equal({ userId, username: 'alice.smith', role: 'user', createdAt: '2026-01-01T00:00:00.000Z' });
  });

  it('PasswordChanged: `password: changed`, never the hash', () => {
    expect(redactEventData('PasswordChanged', { userId, passwordHash: 'hash' })).to.deep.equal({ userId, password: 'changed' });
  });

  it('PasswordSet: `password: set` and who set it, never the hash', () => {
    const setBy = '00000000-0000-7000-8000-000000000002';
    expect(redactEventData('PasswordSet', { userId, passwordHash: 'hash', setBy })).to.deep.equal({ userId, setBy, password: 'set' });
  });

  it('replaces a session id by its handle, the first 8 hex of its SHA-256', () => {
    const sessionId = 'a-secret-session-id';
    const handle = createHash('sha256').update(sessionId).digest('hex').slice(0, 8);
    expect(sessionHandle(sessionId)).to.equal(handle).and.match(/^[0-9a-f]{8}$/);
    expect(redactEventData('SessionEnded', { sessionId, userId, reason: 'logout' })).to.deep.equal({ session: handle, userId, reason: 'logout' });
  });

  it('drops token, secret, pepper and hash keys of any event, also nested', () => {
    const data = { keep: 1, accessToken: 't', refresh_token: 't', clientSecret: 's', pepperId: 'p', digestHash: 'h', nested: { tokenValue: 't', kept: true } };
    expect(redactEventData('SomethingNew', data)).to.deep.equal({ keep: 1, nested: { kept: true } });
  });

  it('leaves events without secrets as they are, and answers {} for data that is no object', () => {
    expect(redactEventData('UserDeactivated', { userId, deactivatedAt: 'x' })).to.deep.equal({ userId, deactivatedAt: 'x' });
    expect(redactEventData('Odd', null)).to.deep.equal({});
  });

  it('names a session stream by its handle, and leaves every other stream name as it is', () => {
    const sessionId = 'a-secret-session-id';
    expect(redactStreamName(`session-${sessionId}`)).to.equal(`session-${sessionHandle(sessionId)}`).and.not.include(sessionId);
    expect(redactStreamName(`user-${userId}`)).to.equal(`user-${userId}`);
    expect(redactStreamName('username-alice.smith')).to.equal('username-alice.smith');
  });
});
