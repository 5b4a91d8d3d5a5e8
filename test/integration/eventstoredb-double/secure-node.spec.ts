import { expect } from 'chai';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { AccessDeniedError, EventStoreDBClient as Client, FORWARDS, START, jsonEvent } from '@eventstore/db-client';
import type { EventStoreDbDouble } from '../../support/eventstoredb-double';
import { startEventStoreDbDouble } from '../../support/eventstoredb-double';
import { aStreamName, collect, readStreamEvents, rejection } from './harness';

const ADMIN = { username: 'admin', password: 'changeit' };
const APP = { username: 'app', password: 'app-secret' };

const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

async function expectRefused(operation: Promise<unknown>, code: number, message: string): Promise<void> {
  const error = await rejection(operation);
  expect(error, String(error)).to.be.instanceOf(AccessDeniedError);
  expect({ code: (error as AccessDeniedError).code, message: (error as Error).message }).to.deep.equal({ code, message });
}

const anEvent = (): ReturnType<typeof jsonEvent> => jsonEvent({ type: 'Secured', data: { ok: true } });
const readAllTypes = async (client: EventStoreDBClient, maxCount: number): Promise<string[]> =>
  (await collect(client.readAll({ direction: FORWARDS, fromPosition: START, maxCount }))).map((resolved) => `${resolved.event?.streamId} ${resolved.event?.type}`);

describe('EventStoreDB double: a secure node (users, TLS, ACLs)', () => {
  let double: EventStoreDbDouble;
  const clients: EventStoreDBClient[] = [];
  const clientAs = (credentials: { username: string; password: string } | undefined): EventStoreDBClient => {
    const client = Client.connectionString(double.connectionStringAs(credentials));
    clients.push(client);
    return client;
  };

  before(async () => {
    double = await startEventStoreDbDouble({ users: [ADMIN, APP] });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await double.close();
  });

  it('begins $all as a fresh node does: the epoch, then each user with its ACL and its entry in $users', async () => {
    expect(await readAllTypes(clientAs(ADMIN), 7)).to.deep.equal([
      '$epoch-information $epoch-information',
      '$$$user-admin $metadata',
      '$user-admin $UserCreated',
      '$users $User',
      '$$$user-app $metadata',
      '$user-app $UserCreated',
      '$users $User',
    ]);
  });

  it('lets the administrator write and read user streams, system streams and $all', async () => {
    const admin = clientAs(ADMIN);
    const stream = aStreamName();
    await admin.appendToStream(stream, anEvent());
    expect((await readStreamEvents(admin, stream)).map((resolved) => resolved.event?.type)).to.deep.equal(['Secured']);
    expect((await readStreamEvents(admin, '$users')).length).to.equal(2);
  });

  describe('without credentials (anonymous access is off by default)', () => {
    it('refuses appends and reads with PERMISSION_DENIED "Access Denied"', async () => {
      const anonymous = clientAs(undefined);
      const stream = aStreamName();
      await expectRefused(anonymous.appendToStream(stream, anEvent()), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await clientAs(ADMIN).appendToStream(stream, anEvent());
      await expectRefused(readStreamEvents(anonymous, stream), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await expectRefused(collect(anonymous.readAll({ maxCount: 1 })), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
    });
  });

  describe('with a wrong password or an unknown user', () => {
    for (const credentials of [{ username: 'admin', password: 'wrong' }, { username: 'nobody', password: 'changeit' }]) {
      it(`refuses every call from ${credentials.username}:*** with UNAUTHENTICATED, before any ACL`, async () => {
        const stranger = clientAs(credentials);
        const message = '16 UNAUTHENTICATED: Received HTTP status code 401';
        await expectRefused(stranger.appendToStream(aStreamName(), anEvent()), UNAUTHENTICATED, message);
        await expectRefused(readStreamEvents(stranger, aStreamName()), UNAUTHENTICATED, message);
        await expectRefused(collect(stranger.readAll({ maxCount: 1 })), UNAUTHENTICATED, message);
        await expectRefused(stranger.deleteStream(aStreamName()), UNAUTHENTICATED, message);
      });
    }

    it('ends a subscription to $all with the same error', async () => {
      const subscription = clientAs({ username: 'admin', password: 'wrong' }).subscribeToAll({ fromPosition: START });
      const error = await new Promise<Error>((resolve) => subscription.on('error', resolve));
      expect({ type: error.constructor.name, code: (error as AccessDeniedError).code }).to.deep.equal({ type: 'AccessDeniedError', code: UNAUTHENTICATED });
    });
  });

  describe('a user who is not an administrator', () => {
    it('writes and reads user streams, but may not read $all or system streams', async () => {
      const app = clientAs(APP);
      const stream = aStreamName();
      await app.appendToStream(stream, anEvent());
      expect((await readStreamEvents(app, stream)).length).to.equal(1);
      await expectRefused(collect(app.readAll({ maxCount: 1 })), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await expectRefused(readStreamEvents(app, '$users'), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await expectRefused(app.appendToStream('$user-app', anEvent()), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
    });

    it("obeys the stream's $acl: refused where it names others, allowed where it names the user or $all", async () => {
      const [admin, app] = [clientAs(ADMIN), clientAs(APP)];
      const closed = aStreamName();
      await admin.setStreamMetadata(closed, { acl: { readRoles: ['$admins'], writeRoles: ['$admins'], deleteRoles: ['$admins'] } });
      await expectRefused(app.appendToStream(closed, anEvent()), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await expectRefused(readStreamEvents(app, closed), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await expectRefused(app.deleteStream(closed), PERMISSION_DENIED, '7 PERMISSION_DENIED: Access Denied');
      await admin.appendToStream(closed, anEvent());

      const readable = aStreamName();
      await admin.setStreamMetadata(readable, { acl: { readRoles: ['app'], writeRoles: ['$all'] } });
      await app.appendToStream(readable, anEvent());
      expect((await readStreamEvents(app, readable)).length).to.equal(1);
    });
  });

  it('an insecure node begins $all with its epoch too, and checks no credentials', async () => {
    const insecure = await startEventStoreDbDouble();
    const client = Client.connectionString(insecure.connectionString);
    try {
      expect(await readAllTypes(client, 1)).to.deep.equal(['$epoch-information $epoch-information']);
    } finally {
      await client.dispose();
      await insecure.close();
    }
  });
});
