import type { Knex } from 'knex';

/**
 * One row per projection or processor: its checkpoint and its lease. The lease token grows on
 * every take and the checkpoint update compares it, so an owner that lost the lease cannot commit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('projection_checkpoints', (table) => {
    table.text('name').primary();
    table.bigInteger('position').nullable();
    table.text('lease_owner').nullable();
    table.bigInteger('lease_token').notNullable().defaultTo(0);
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('read_model_counts', (table) => {
    table.text('name').primary();
    table.bigInteger('value').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('read_model_counts');
  await knex.schema.dropTable('projection_checkpoints');
}
