import type { Knex } from 'knex';

/**
 * Which event log the read tables and checkpoints were folded from (one row). Checkpoints are
 * positions in one particular log; meeting another log's positions would skip or refold events.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('read_model_source', (table) => {
    table.smallint('id').primary();
    table.uuid('log_id').notNullable();
    table.text('event_store').notNullable();
    table.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE read_model_source ADD CONSTRAINT read_model_source_single_row CHECK (id = 1)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('read_model_source');
}
