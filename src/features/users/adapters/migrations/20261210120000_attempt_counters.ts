import type { Knex } from 'knex';

/** rate-limiter-flexible's PostgreSQL table, in its own layout: one row per counter key. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE attempt_counters (
    key varchar(255) PRIMARY KEY,
    points integer NOT NULL DEFAULT 0,
    expire bigint
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attempt_counters');
}
