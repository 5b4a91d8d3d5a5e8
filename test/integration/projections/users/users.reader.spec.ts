import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { usersProjection } from '../../../../projections/users/users.projection';
import { PgUserDirectoryReader } from '../../../../projections/users/users.reader';
import { encodeCursor, InvalidCursorError } from '../../../../projections/users/users-cursor';
import type { UserListItem, UserListPage, UserListQuery } from '../../../../src/features/users/index';
import type { Database } from '../../../../src/shared/database/database';
import type { RecordedEvent } from '../../../../src/shared/event-store/event-store';
import { ValidationError } from '../../../../src/shared/errors';
import { openTestDatabase } from '../../../support/test-database';
import { recorded } from '../fixtures';

const ROLE_RANK: Record<string, number> = { super_admin: 0, admin: 1, user: 2 };
const FIELDS = ['id', 'username', 'role', 'is_active'] as const;
const ORDERS = ['ASC', 'DESC'] as const;

/** The contract's order for a field: role by declaration order, false before true, then id. */
function compare(field: (typeof FIELDS)[number], a: UserListItem, b: UserListItem): number {
  const key = (item: UserListItem): number | string =>
    field === 'role' ? (ROLE_RANK[item.role] as number) : field === 'is_active' ? Number(item.is_active) : field === 'id' ? item.id_ : item.username;
  const [ka, kb] = [key(a), key(b)];
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.id_ < b.id_ ? -1 : a.id_ > b.id_ ? 1 : 0;
}

describe('PgUserDirectoryReader (users list from users_v1)', () => {
  let db: Database;
  let reader: PgUserDirectoryReader;
  const prefix = `r${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const ours = new Set<string>();

  const list = (query: Partial<UserListQuery>): Promise<UserListPage> =>
    reader.list({ limit: 20, offset: 0, sortingField: 'username', sortingOrder: 'ASC', ...query });
  const everything = (sortingField: string, sortingOrder: 'ASC' | 'DESC'): Promise<UserListPage> =>
    list({ sortingField, sortingOrder, limit: 1_000_000 });

  before(async () => {
    db = await openTestDatabase();
    reader = new PgUserDirectoryReader(db);
    const events: RecordedEvent[] = [];
    const roles = ['user', 'admin', 'super_admin', 'user', 'user', 'admin'];
    for (let i = 0; i < 14; i++) {
      const id = randomUUID();
      ours.add(id);
      const stream = `user-${id}`;
      const username = `${prefix}${String.fromCharCode(97 + ((i * 5) % 14))}`;
      events.push(recorded(stream, 0n, 'UserCreated', { userId: id, username, role: roles[i % roles.length], passwordHash: 'h', createdAt: '' }));
      if (i % 3 === 0) events.push(recorded(stream, 1n, 'UserDeactivated', { userId: id, deactivatedAt: '' }));
    }
    const projection = usersProjection();
    await db.transaction((trx) => projection.apply(trx, 'users_v1', events));
  });

  for (const field of FIELDS) {
    for (const order of ORDERS) {
      it(`sorts by ${field} ${order}, ties broken by id`, async () => {
        const { users } = await everything(field, order);
        const sign = order === 'ASC' ? 1 : -1;
        const own = users.filter((user) => ours.has(user.id_));
        expect(own).to.have.length(ours.size);
        if (field !== 'username') {
          for (let i = 1; i < users.length; i++) expect(sign * compare(field, users[i - 1]!, users[i]!)).to.be.below(0);
        }
        expect(own).to.deep.equal([...own].sort((a, b) => sign * compare(field, a, b)));
      });
    }
  }

  it('puts super_admin, admin, user in that order, and inactive users first', async () => {
    const byRole = (await everything('role', 'ASC')).users.filter((user) => ours.has(user.id_)).map((user) => user.role);
    expect([...new Set(byRole)]).to.deep.equal(['super_admin', 'admin', 'user']);
    const byActive = (await everything('is_active', 'ASC')).users.filter((user) => ours.has(user.id_)).map((user) => user.is_active);
    expect([...new Set(byActive)]).to.deep.equal([false, true]);
    const byActiveDesc = (await everything('is_active', 'DESC')).users.filter((user) => ours.has(user.id_)).map((user) => user.is_active);
    expect([...new Set(byActiveDesc)]).to.deep.equal([true, false]);
  });

  it('returns list items with exactly id_, username, role and is_active', async () => {
    const { users } = await list({ limit: 1 });
    expect(users[0]).to.have.all.keys('id_', 'username', 'role', 'is_active');
  });

  it('pages with limit and offset, and reports the maintained total on every page', async () => {
    const all = await everything('role', 'DESC');
    const counted = (await db.knex('users_v1').count({ n: '*' }).first()) as { n: string };
    expect(all.total).to.equal(Number(counted.n));
    for (const [offset, limit] of [[0, 3], [3, 3], [5, 7], [all.total - 2, 5]] as const) {
      const page = await list({ sortingField: 'role', sortingOrder: 'DESC', offset, limit });
      expect(page.users).to.deep.equal(all.users.slice(offset, offset + limit));
      expect(page.total).to.equal(all.total);
    }
  });

  it('reports the true total on a page past the end', async () => {
    const { total } = await list({ limit: 1 });
    expect(await list({ offset: total + 5 })).to.deep.equal({ users: [], total, nextCursor: null });
    expect(total).to.be.at.least(ours.size);
  });

  for (const field of FIELDS) {
    for (const order of ORDERS) {
      it(`gives keyset pages equal to offset pages when sorting by ${field} ${order}`, async () => {
        const all = await everything(field, order);
        const walked: UserListItem[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await list({ sortingField: field, sortingOrder: order, limit: 4, ...(cursor ? { cursor } : {}) });
          const byOffset = await list({ sortingField: field, sortingOrder: order, limit: 4, offset: walked.length });
          expect(page.users).to.deep.equal(byOffset.users);
          expect(page.total).to.equal(all.total);
          walked.push(...page.users);
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor !== undefined && pages < 1000);
        expect(walked).to.deep.equal(all.users);
      });
    }
  }

  it('continues an offset page with its cursor, ignoring the offset sent with a cursor', async () => {
    const all = await everything('username', 'DESC');
    const first = await list({ sortingOrder: 'DESC', offset: 2, limit: 3 });
    expect(first.nextCursor).to.be.a('string');
    const next = await list({ sortingOrder: 'DESC', offset: 999, limit: 3, cursor: first.nextCursor! });
    expect(next.users).to.deep.equal(all.users.slice(5, 8));
  });

  it('gives no cursor on the last page', async () => {
    const { total } = await list({ limit: 1 });
    expect((await list({ offset: total - 1, limit: 1 })).nextCursor).to.equal(null);
    expect((await list({ offset: total - 2, limit: 1 })).nextCursor).to.be.a('string');
  });

  it('refuses a cursor made for another sorting with a 400 users.invalid_cursor', async () => {
    const { nextCursor } = await list({ sortingField: 'role', limit: 2 });
    const attempt = list({ sortingField: 'username', cursor: nextCursor! });
    await expectRejection(attempt, /issued for sorting by 'role' ASC, not by 'username' ASC/);
    await expectRejection(list({ sortingField: 'role', sortingOrder: 'DESC', cursor: nextCursor! }), /not by 'role' DESC/);
  });

  it('refuses garbled or forged cursors with a 400 users.invalid_cursor', async () => {
    for (const cursor of ['garbage!', 'eyJmIjoxfQ', encodeCursor({ field: 'username', order: 'ASC', key: 'a', id: 'x' })]) {
      await expectRejection(list({ cursor }), /^Invalid cursor/);
    }
  });

  it('refuses an unknown sorting field, password_hash included', async () => {
    for (const sortingField of ['password_hash', 'nope']) {
      const error = await list({ sortingField }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(ValidationError);
      expect(error).to.include({ code: 'users.invalid_sorting_field', message: `Invalid sorting field: '${sortingField}'` });
    }
  });

  it('serves every sorting, by offset and by cursor, from an index on (field, id) without sorting the table', async () => {
    for (const field of FIELDS) {
      for (const order of ORDERS) {
        const first = await list({ sortingField: field, sortingOrder: order, limit: 3 });
        for (const query of [{ offset: 2 }, { cursor: first.nextCursor! }]) {
          const plan = await planOf(() => list({ sortingField: field, sortingOrder: order, limit: 3, ...query }));
          const index = field === 'id' ? 'users_v1_pkey' : `users_v1_${field}_id`;
          expect(plan, `${field} ${order} ${Object.keys(query)[0]}`).to.match(new RegExp(`Index Scan (Backward )?using ${index} on users_v1`));
          expect(plan).to.not.match(/Seq Scan on users_v1/);
        }
      }
    }
  });

  /** The plan of the last select `run` sent, with sequential scans and sorts priced out. */
  async function planOf(run: () => Promise<unknown>): Promise<string> {
    let last: { sql: string; bindings: unknown[] } | undefined;
    const listener = (query: { sql: string; bindings: unknown[] }): void => {
      if (/^select/i.test(query.sql)) last = query;
    };
    db.knex.on('query', listener);
    try {
      await run();
    } finally {
      db.knex.removeListener('query', listener);
    }
    const statement = last!;
    return db.transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      await trx.raw('SET LOCAL enable_sort = off');
      const explained = await trx.raw(`EXPLAIN ${statement.sql.replace(/\$\d+/g, '?')}`, statement.bindings as never[]);
      return (explained.rows as Record<string, string>[]).map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  async function expectRejection(attempt: Promise<unknown>, message: RegExp): Promise<void> {
    const error = await attempt.then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidCursorError);
    expect(error).to.include({ kind: 'validation', code: 'users.invalid_cursor' });
    expect((error as Error).message).to.match(message);
  }
});
