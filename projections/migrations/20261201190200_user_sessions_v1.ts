import type { Knex } from 'knex';

/** Sessions per user, so that a deactivation can end all of them; only live rows are indexed. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_sessions_v1', (table) => {
    table.text('session_id').primary();
    table.uuid('user_id').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.boolean('ended').notNullable();
    table.bigInteger('last_revision').notNullable();
  });
  await knex.raw('CREATE INDEX user_sessions_v1_live ON user_sessions_v1 (user_id) WHERE NOT ended');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_sessions_v1');
}
