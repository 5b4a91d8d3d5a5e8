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

  it('reports created for exactly one of concurrent bootstraps', async () => {
    const f = buildFeatures();
    const handler: BootstrapSuperAdminHandler = f.bootstrap;
    const username = uniqueName('root');
    const results = await Promise.all(Array.from({ length: 5 }, () => handler.execute({ username, password: 'secret1' }, f.ctx('system:test'))));
    expect(results.filter((r) => r.created)).to.have.length(1);
    expect(new Set(results.map((r) => r.id)).size).to.equal(1);
  });
});
