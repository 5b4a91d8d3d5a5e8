import { expect } from 'chai';
import { E2E_EVENT_STORES, aUsername, startE2eService, tokenFrom, type E2eService } from '../support/http-e2e-service';

const NA = { error: 'Not authenticated.', code: 'auth.not_authenticated' };
const errorOf = (reply: { json: unknown }) => (reply.json as { error: string }).error;
const MINUTE = 60_000;

for (const eventStore of E2E_EVENT_STORES) {
  describe(`e2e: account routes against the running service (events in ${eventStore})`, function () {
    this.timeout(120_000);
    let service: E2eService;

    before(async () => {
      service = await startE2eService({}, eventStore);
    });
    after(() => service?.stop());

    const signUp = (username: string, password = 'secret1', token?: string) =>
      service.request('POST', '/api/v1/account/signup', { json: { username, password }, ...(token ? { token } : {}) });
    const logIn = (username: string, password: string, token?: string) =>
      service.request('POST', '/api/v1/account/login', { json: { username, password }, ...(token ? { token } : {}) });

    describe('sign-up', () => {
      it('creates a user: 201 {id} with a UUIDv7, and no cookie', async () => {
        const reply = await signUp(aUsername());
        expect(reply.status).to.equal(201);
        expect(Object.keys(reply.json as object)).to.deep.equal(['id']);
        expect((reply.json as { id: string }).id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(reply.headers.getSetCookie()).to.deep.equal([]);
      });

      it('answers a taken username with 409, case-sensitively', async () => {
        const username = aUsername('Dup');
        expect((await signUp(username)).status).to.equal(201);
        const again = await signUp(username);
        expect(again.status).to.equal(409);
        expect(again.json).to.deep.include({ error: `User with '${username}' already exists.` });
        expect((await signUp(username.toLowerCase())).status).to.equal(201);
      });

      const usernameRules: Array<[string, string]> = [
        ['abcd', 'Username must be between 5 and 20 characters.'],
        ['a'.repeat(21), 'Username must be between 5 and 20 characters.'],
        ['.alice', 'Username must start with a letter (A-Z, a-z) or a digit (0-9).'],
        ['ali!ce', 'Username can only contain letters (A-Z, a-z), digits (0-9), dots (.), hyphens (-), and underscores (_).'],
        ['ali..ce', 'Username cannot contain consecutive special characters like .., --, or __.'],
        ['alice_', 'Username must end with a letter (A-Z, a-z) or a digit (0-9).'],
      ];
      for (const [username, message] of usernameRules) {
        it(`refuses ${JSON.stringify(username)} with 400 "${message}"`, async () => {
          const reply = await signUp(username);
          expect(reply.status).to.equal(400);
          expect(errorOf(reply)).to.equal(message);
        });
      }

      it('checks the username before the password, and the password length (6)', async () => {
        expect(errorOf(await signUp('abc', '1'))).to.equal('Username must be between 5 and 20 characters.');
        const short = await signUp(aUsername(), '12345');
        expect(short.status).to.equal(400);
        expect(errorOf(short)).to.equal('Password must be at least 6 characters long.');
      });
    });

    describe('log-in', () => {
      it('sets the access_token cookie, whose JWT carries only auth_session_id and exp', async () => {
        const username = aUsername();
        await signUp(username);
        const reply = await logIn(username, 'secret1');
        expect(reply.status).to.equal(204);
        expect(reply.text).to.equal('');
        const [cookie] = reply.headers.getSetCookie();
        expect(cookie).to.match(/^access_token=[\w-]+\.[\w-]+\.[\w-]+; HttpOnly; Path=\/; SameSite=Lax$/);
        const token = tokenFrom(reply) as string;
        const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
        expect(Object.keys(claims).sort()).to.deep.equal(['auth_session_id', 'exp']);
        expect(claims['auth_session_id']).to.match(/^[\w-]{43}$/);
        expect(claims['exp']).to.equal(Math.floor(service.clock.now().getTime() / 1000) + 5 * 60);
      });

      it('answers an unknown username with 404, a wrong password with 401', async () => {
        const unknown = aUsername();
        const notFound = await logIn(unknown, 'secret1');
        expect(notFound.status).to.equal(404);
        expect(errorOf(notFound)).to.equal(`User with '${unknown}' is not found.`);
        const username = aUsername();
        await signUp(username);
        const wrong = await logIn(username, 'wrong-pw');
        expect(wrong.status).to.equal(401);
        expect(errorOf(wrong)).to.equal('Invalid password.');
      });

      it('refuses a second log-in with a live session (403), but ignores a stale cookie', async () => {
        const username = aUsername();
        await signUp(username);
        const token = await service.logIn(username, 'secret1');
        const again = await logIn(username, 'secret1', token);
        expect(again.status).to.equal(403);
        expect(errorOf(again)).to.equal('You are already authenticated. Consider logging out.');
        expect((await signUp(aUsername(), 'secret1', token)).status).to.equal(403);
        expect((await logIn(username, 'secret1', 'not-a-jwt')).status).to.equal(204);
      });
    });

    describe('change password', () => {
      let username: string;
      let token: string;
      const change = (current_password: string, new_password: string, as = token) =>
        service.request('PUT', '/api/v1/account/password', { json: { current_password, new_password }, token: as });

      before(async () => {
        username = aUsername();
        await signUp(username);
        token = await service.logIn(username, 'secret1');
      });

      it('needs a session', async () => {
        const reply = await service.request('PUT', '/api/v1/account/password', { json: { current_password: 'secret1', new_password: 'secret2' } });
        expect(reply.status).to.equal(401);
        expect(reply.json).to.deep.equal(NA);
      });

      it('checks lengths, then equality (before the current password), then the current password (403)', async () => {
        expect(errorOf(await change('12345', 'whatever1'))).to.equal('Password must be at least 6 characters long.');
        expect(errorOf(await change('whatever1', '12345'))).to.equal('Password must be at least 6 characters long.');
        const same = await change('not-the-current', 'not-the-current');
        expect(same.status).to.equal(400);
        expect(errorOf(same)).to.equal('New password must differ from current password.');
        const wrong = await change('wrong-current', 'secret2');
        expect(wrong.status).to.equal(403);
        expect(errorOf(wrong)).to.equal('Invalid password.');
      });

      it('changes it: 204, the session stays valid, and only the new password logs in', async () => {
        expect((await change('secret1', 'secret2')).status).to.equal(204);
        expect((await change('secret2', 'secret3')).status).to.equal(204);
        expect((await logIn(username, 'secret1')).status).to.equal(401);
        expect((await logIn(username, 'secret3')).status).to.equal(204);
      });
    });

    describe('log-out', () => {
      it('ends only the current session and clears the cookie', async () => {
        const username = aUsername();
        await signUp(username);
        const first = await service.logIn(username, 'secret1');
        const second = await service.logIn(username, 'secret1');
        const reply = await service.request('DELETE', '/api/v1/account/logout', { token: first });
        expect(reply.status).to.equal(204);
        expect(reply.headers.getSetCookie()).to.deep.equal(['access_token=""; HttpOnly; Max-Age=0; Path=/']);
        const ended = await service.request('DELETE', '/api/v1/account/logout', { token: first });
        expect(ended.status).to.equal(401);
        expect(ended.json).to.deep.equal(NA);
        expect((await service.request('PUT', '/api/v1/account/password', { json: { current_password: 'x', new_password: 'x' }, token: second })).status).to.equal(400);
      });
    });

    describe('session lifetime (TTL 5 minutes, renewal in the last 20 %)', () => {
      const probe = (token: string) =>
        service.request('PUT', '/api/v1/account/password', { json: { current_password: 'same-pw', new_password: 'same-pw' }, token });

      it('does not renew early, renews inside the last minute (also on a 4xx), and slides the expiry', async () => {
        const username = aUsername();
        await signUp(username);
        const token = await service.logIn(username, 'secret1');
        service.clock.advance(3 * MINUTE);
        const early = await probe(token);
        expect(early.status).to.equal(400);
        expect(tokenFrom(early)).to.equal(undefined);

        service.clock.advance(1.5 * MINUTE);
        const late = await probe(token);
        expect(late.status).to.equal(400);
        const renewed = tokenFrom(late);
        expect(renewed).to.be.a('string').and.not.equal(token);

        service.clock.advance(3 * MINUTE);
        const afterOldExpiry = await probe(renewed as string);
        expect(afterOldExpiry.status, 'the renewed session outlives the first expiry').to.equal(400);
      });

      it('expires an idle session after exactly the TTL', async () => {
        const username = aUsername();
        await signUp(username);
        const token = await service.logIn(username, 'secret1');
        service.clock.advance(5 * MINUTE - 1000);
        expect((await probe(token)).status).to.equal(400);
        service.clock.advance(5 * MINUTE);
        const expired = await probe(token);
        expect(expired.status).to.equal(401);
        expect(expired.json).to.deep.equal(NA);
        expect((await logIn(username, 'secret1', token)).status, 'an expired cookie does not block log-in').to.equal(204);
      });
    });
  });
}
