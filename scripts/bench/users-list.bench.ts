import { PgUserDirectoryReader } from '../../projections/users/users.reader';
import { encodeCursor } from '../../projections/users/users-cursor';
import type { Database } from '../../src/shared/database';
import { measure, type Measurement } from './measure';

/** The users list at scale: offset pages against keyset pages, and COUNT(*) against the kept count. */
export async function benchUsersList(db: Database, label: string, users: number): Promise<Measurement[]> {
  await db.transaction(async (trx) => {
    await trx.raw(
      `INSERT INTO users_v1 (id, username, role, is_active, last_revision)
       SELECT gen_random_uuid(), substr(md5(g::text), 1, 10) || g,
              (ARRAY['user', 'admin', 'user', 'user']::users_v1_role[])[1 + g % 4], g % 10 <> 0, 0
       FROM generate_series(1, ?::int) AS g`,
      [users],
    );
    await trx('read_model_counts').where({ name: 'users_v1' }).increment('value', users);
  });
  await db.transaction((trx) => trx.raw('ANALYZE users_v1'));
  const reader = new PgUserDirectoryReader(db);
  const depth = Math.floor(users / 2);
  const middle = (await db.knex('users_v1').select('username', 'id').orderBy([{ column: 'username' }, { column: 'id' }]).offset(depth).first()) as { username: string; id: string };
  const cursor = encodeCursor({ field: 'username', order: 'ASC', key: middle.username, id: middle.id });
  const page = { limit: 20, sortingField: 'username', sortingOrder: 'ASC' as const };
  const size = `${label}, ${users.toLocaleString('en')} users`;
  return [
    await measure('SELECT COUNT(*) FROM users_v1', size, 5, 1, () => db.knex.raw('SELECT COUNT(*) FROM users_v1')),
    await measure('list page 1 (limit 20, by username)', size, 200, 1, () => reader.list({ ...page, offset: 0 })),
    await measure(`list by offset ${depth.toLocaleString('en')}`, size, 5, 1, () => reader.list({ ...page, offset: depth })),
    await measure(`list by cursor at the same depth`, size, 200, 1, () => reader.list({ ...page, offset: 0, cursor })),
    await measure('list page 1 by role DESC', size, 200, 1, () =>
      reader.list({ ...page, sortingField: 'role', sortingOrder: 'DESC', offset: 0 }),
    ),
  ];
}
