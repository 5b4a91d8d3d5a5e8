import type { Knex } from 'knex';

/**
 * The users list. `role` is an enum declared super_admin, admin, user so that it sorts in the
 * original's order; every sortable column has an index ending in `id`, the unique tie-break
 * that keyset pages need, and each index serves both directions.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TYPE users_v1_role AS ENUM ('super_admin', 'admin', 'user')`);
  await knex.schema.createTable('users_v1', (table) => {
    table.uuid('id').primary();
    table.text('username').notNullable();
    table.specificType('role', 'users_v1_role').notNullable();
    table.boolean('is_active').notNullable();
    table.bigInteger('last_revision').notNullable();
    table.index(['username', 'id'], 'users_v1_username_id');
    table.index(['role', 'id'], 'users_v1_role_id');
    table.index(['is_active', 'id'], 'users_v1_is_active_id');
  });
  await knex('read_model_counts').insert({ name: 'users_v1', value: 0 });
}

export async function down(knex: Knex): Promise<void> {
  await knex('read_model_counts').where({ name: 'users_v1' }).delete();
  await knex.schema.dropTable('users_v1');
  await knex.raw('DROP TYPE users_v1_role');
}
