import { expect } from 'chai';
import type {
  BootstrapSuperAdminHandler} from '../../../../src/features/users';
import {
  InvalidSortingFieldError,
  ListUsersHandler,
  NotAuthorizedError,
  type ReadModelFreshness,
  type UserDirectoryReader,
  type UserListQuery,
} from '../../../../src/features/users';
import { buildFeatures, rejectionOf, uniqueName } from '../harness';
import { gate, InterceptableStore } from '../interceptable-store';
import { eventually } from '../../../support/eventually';
import type { ReadStreamOptions, RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { NotASuperAdminError, usernameStreamName } from '../../../../src/features/users';
import { anActor, anAdmin } from '../../../support/builders';

describe('ListUsersHandler', () => {
  const queries: UserListQuery[] = [];
  const reader: UserDirectoryReader = {
    sortableFields: ['id', 'username', 'role', 'is_active'],
    async list(query) {
      queries.push(query);
      return { users: [], total: 0, nextCursor: null };
    },
  };
  const waits: { position: bigint; timeoutMs: number }[] = [];
  let projected = 0n;
  const freshness: ReadModelFreshness = {
    async waitUntilPassed(position, timeoutMs) {
      waits.push({ position, timeoutMs });
      return projected >= position;
    },
  };
  const handler = new ListUsersHandler(reader, freshness);
  const query: UserListQuery = { limit: 20, offset: 0, sortingField: 'username', sortingOrder: 'ASC' };

  it('passes an administrator’s query to the read model without waiting', async () => {
    const before = waits.length;
    const page = await handler.execute({ actor: anAdmin(), ...query, cursor: 'abc' });
    expect(page).to.deep.equal({ users: [], total: 0, nextCursor: null, stale: false });
    expect(queries.at(-1)).to.deep.equal({ ...query, cursor: 'abc' });
    expect(waits).to.have.length(before);
  });

  it('waits for min_position, bounded, before reading, and says whether it got there', async () => {
    projected = 10n;
    expect(await handler.execute({ actor: anAdmin(), ...query, minPosition: 10n })).to.include({ stale: false });
    expect(waits.at(-1)).to.deep.equal({ position: 10n, timeoutMs: 2_000 });
    expect(await handler.execute({ actor: anAdmin(), ...query, minPosition: 11n })).to.include({ stale: true });
    expect(queries.at(-1)).to.deep.equal(query);
  });

  it('refuses a plain user before waiting', async () => {
    const before = waits.length;
    const error = await rejectionOf(handler.execute({ actor: anActor(), ...query, minPosition: 1n }));
    expect(error).to.be.instanceOf(NotAuthorizedError);
    expect(waits).to.have.length(before);
  });

  it('refuses plain users before looking at the query', async () => {
    const error = await rejectionOf(handler.execute({ actor: anActor(), ...query, sortingField: 'nope' }));
    expect(error).to.be.instanceOf(NotAuthorizedError);
  });

  it('refuses unknown sorting fields and password_hash with the original’s message', async () => {
    for (const field of ['password_hash', 'nope']) {
      const error = await rejectionOf(handler.execute({ actor: anAdmin(), ...query, sortingField: field }));
      expect(error).to.be.instanceOf(InvalidSortingFieldError).with.property('message', `Invalid sorting field: '${field}'`);
    }
    const quoted = await rejectionOf(handler.execute({ actor: anAdmin(), ...query, sortingField: "it's" }));
    expect(quoted.message).to.equal(`Invalid sorting field: "it's"`);
  });
});

describe('BootstrapSuperAdminHandler', () => {
  it('creates the super admin once; later calls change nothing', async () => {
    const f = buildFeatures();
    const username = uniqueName('root');
    const first = await f.bootstrap.execute({ username, password: 'secret1' }, f.ctx('system:bootstrap'));
    const again = await f.bootstrap.execute({ username, password: 'other-pw' }, f.ctx('system:bootstrap'));
    expect(first.created).to.equal(true);
    expect(again).to.deep.equal({ id: first.id, created: false });
    expect(await f.lookup.findById(first.id)).to.include({ role: 'super_admin', username });
    await f.logIn.execute({ username, password: 'secret1' }, f.ctx());
  });

  it('refuses a name held by a user of another role, writing nothing, in one line that says so', async () => {
    const f = buildFeatures();
    const plain = await f.aUser('user');
    const admin = await f.aUser('admin');
    for (const user of [plain, admin]) {
      const before = await f.store.headPosition();
      const error = await rejectionOf(f.bootstrap.execute({ username: user.username, password: 'secret1' }, f.ctx('system:bootstrap')));
      expect(error).to.be.instanceOf(NotASuperAdminError);
      expect(error).to.have.property('message', `User '${user.username}' exists but is not a super admin (role ${user.role}); nothing changed. Choose another username.`);
      expect((error as Error).message).to.not.include('\n');
      expect(await f.store.headPosition()).to.equal(before);
      expect(await f.lookup.findById(user.userId)).to.include({ role: user.role });
    }
  });

  it('answers the loser of a race with the winner, even when it sees the name reserved before the user exists', async () => {
    let usernameReads = 0;
    const store = new (class extends InterceptableStore {
      override readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
        if (streamName === usernameStreamName(username)) usernameReads++;
        return super.readStream(streamName, options);
      }
    })();
    const f = buildFeatures({ store });
    const username = uniqueName('root');
    const reached = gate();
    const held = gate();
    let readsWhenRefused: number | undefined;
    store.intercept(async (stream, events) => {
      if (stream.startsWith('user-') && events[0]?.type === 'UserCreated') {
        // The winner stops between its reservation and its user stream; the loser's reservation is refused next.
        store.intercept((next) => {
          if (next === usernameStreamName(username)) readsWhenRefused = usernameReads;
        });
        reached.open();
        await held.opened;
      }
    });
    const winner = f.bootstrap.execute({ username, password: 'secret1' }, f.ctx('system:first'));
    await reached.opened;
    const loser = f.bootstrap.execute({ username, password: 'secret1' }, f.ctx('system:second'));
    // The loser was refused the name and has looked for the winner once, finding no user yet.
    await eventually('the loser to look for the winner', () => readsWhenRefused !== undefined && usernameReads > readsWhenRefused);
    store.intercept(undefined);
    held.open();
    const [first, second] = await Promise.all([winner, loser]);
    expect(first.created).to.equal(true);
    expect(second).to.deep.equal({ id: first.id, created: false });
  });

  it('reports created for exactly one of concurrent bootstraps', async () => {
    const f = buildFeatures();
    const handler: BootstrapSuperAdminHandler = f.bootstrap;
    const username = uniqueName('root');
    const results = await Promise.all(Array.from({ length: 5 }, () => handler.execute({ username, password: 'secret1' }, f.ctx('system:test'))));
    expect(results.filter((r) => r.created)).to.have.length(1);
    expect(new Set(results.map((r) => r.id)).size).to.equal(1);
  });
});
