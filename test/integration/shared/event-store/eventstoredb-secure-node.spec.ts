import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { expect } from 'chai';
import sinon from 'sinon';
import { EventStoreAccessDeniedError, EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { EventStoreConnectionStringError, maskConnectionString } from '../../../../src/shared/event-store/eventstoredb/connection-string';
import { EventStoreDbEventStore } from '../../../../src/shared/event-store/eventstoredb/eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../support/eventstoredb-double';
import { CONTRACT_SCAN_WINDOW, eventStoreContract, rejection } from '../event-store.contract';
import { aStream, anEvent } from './event-fixtures';

const ADMIN = { username: 'admin', password: 'changeit-5f1e' };
const APP = { username: 'app', password: 'app-secret-9c2d' };
const WRONG_CREDENTIALS = 'EventStoreDB refused the credentials of the connection string (wrong username or password).';

/** Everything an error shows a log: its message, its own properties and its causes, as pino serialises them. */
function everythingIn(error: unknown): string {
  const seen = new Set<unknown>();
  const walk = (value: unknown): string => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return String(value);
    seen.add(value);
    const own = Object.getOwnPropertyNames(value).map((key) => `${key}=${walk((value as Record<string, unknown>)[key])}`);
    return `${String(value)} ${own.join(' ')}`;
  };
  return walk(error);
}

describe('EventStoreDbEventStore on a secure node (TLS, credentials, ACLs)', () => {
  let double: EventStoreDbDouble;
  const stores: EventStoreDbEventStore[] = [];
  const storeAs = (credentials: { username: string; password: string } | undefined): EventStoreDbEventStore => {
    const store = EventStoreDbEventStore.fromConnectionString(double.connectionStringAs(credentials), { scanWindow: CONTRACT_SCAN_WINDOW });
    stores.push(store);
    return store;
  };

  before(async () => {
    double = await startEventStoreDbDouble({ users: [ADMIN, APP] });
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await double.close();
  });

  describe('the contract, as the administrator', () => {
    eventStoreContract(async () => storeAs(ADMIN), { idsUniquePerStream: false, scanWindow: CONTRACT_SCAN_WINDOW });

    it("leaves the fresh node's system events (the epoch, the users) out of $all", async () => {
      const { events } = await storeAs(ADMIN).readAll({ maxCount: 5 });
      expect(events.filter((event) => event.streamName.startsWith('$'))).to.deep.equal([]);
    });
  });

  describe('with a wrong password', () => {
    it('refuses every operation with one sentence that names the cause and never the credentials', async () => {
      const store = storeAs({ username: 'admin', password: 'not-the-password-7e' });
      for (const operation of [() => store.append(aStream(), [anEvent()]), () => store.readStream(aStream()), () => store.readAll({ maxCount: 1 }), () => store.headPosition()]) {
        const error = await rejection(operation());
        expect(error).to.be.instanceOf(EventStoreAccessDeniedError).and.instanceOf(EventStoreUnavailableError);
        expect(error.message).to.equal(WRONG_CREDENTIALS);
        expect(everythingIn(error)).not.to.include('not-the-password-7e');
      }
    });

    it('refuses after a password reset on the server, from the next call on', async () => {
      const store = storeAs(APP);
      const stream = aStream();
      await store.append(stream, [anEvent()]);
      double.changePassword('app', 'reset-by-the-operator');
      try {
        expect((await rejection(store.append(stream, [anEvent()]))).message).to.equal(WRONG_CREDENTIALS);
      } finally {
        double.changePassword('app', APP.password);
      }
    });
  });

  describe('without credentials, or with a user the ACLs shut out', () => {
    it('says access was denied and where, naming a stream by its category only', async () => {
      const sessionId = randomUUID();
      const error = await rejection(storeAs(undefined).append(`session-${sessionId}`, [anEvent()]));
      expect(error).to.be.instanceOf(EventStoreAccessDeniedError);
      expect(error.message).to.equal("EventStoreDB denied access to a 'session-…' stream: the connection string names no user, or its user lacks the permission.");
      expect(everythingIn(error)).not.to.include(sessionId);
    });

    it("refuses a user who may not read $all, and a stream whose $acl names others", async () => {
      const app = storeAs(APP);
      expect((await rejection(app.readAll({ maxCount: 1 }))).message).to.equal(
        'EventStoreDB denied access to $all: the connection string names no user, or its user lacks the permission.',
      );
      const stream = aStream('guarded');
      const admin = EventStoreDBClient.connectionString(double.connectionStringAs(ADMIN));
      try {
        await admin.setStreamMetadata(stream, { acl: { readRoles: ['$admins'], writeRoles: ['$admins'] } });
      } finally {
        await admin.dispose();
      }
      const error = await rejection(app.append(stream, [anEvent()]));
      expect(error.message).to.equal("EventStoreDB denied access to a 'guarded-…' stream: the connection string names no user, or its user lacks the permission.");
      expect(await storeAs(ADMIN).readStream(stream)).to.deep.equal([]);
    });
  });

  describe('connection strings', () => {
    afterEach(() => sinon.restore());

    it('masks the credentials for logs', () => {
      expect(maskConnectionString('esdb://admin:s3cret@db.internal:2113?tls=true')).to.equal('esdb://***@db.internal:2113?tls=true');
      expect(maskConnectionString('esdb+discover://a%40b:p%3Aw@cluster:2113')).to.equal('esdb+discover://***@cluster:2113');
      expect(maskConnectionString('esdb://db.internal:2113?tls=false')).to.equal('esdb://db.internal:2113?tls=false');
    });

    it('refuses one the client cannot read, in a message without the credentials', () => {
      const error = (() => {
        try {
          EventStoreDbEventStore.fromConnectionString('esdb://admin:s3cret-31@db.internal:2113?tls=maybe');
        } catch (caught) {
          return caught;
        }
        throw new Error('expected a refusal');
      })();
      expect(error).to.be.instanceOf(EventStoreConnectionStringError);
      expect((error as Error).message).to.match(/^Invalid EventStoreDB connection string esdb:\/\/\*\*\*@db\.internal:2113\?tls=maybe: Unexpected "maybe" at position \d+, expected true or false\.$/);
      expect(everythingIn(error)).not.to.include('s3cret-31');
    });

    it("never lets the client print the credentials in its warning about an unknown option", async () => {
      const warn = sinon.stub(console, 'warn');
      const store = EventStoreDbEventStore.fromConnectionString('esdb://admin:s3cret-32@127.0.0.1:1?tls=false&colour=blue');
      await store.close();
      expect(warn.called, 'the client warned about the unknown option').to.equal(true);
      expect(warn.args.flat().join('\n')).not.to.include('s3cret-32');
    });
  });
});
