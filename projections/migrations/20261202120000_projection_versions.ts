import type { Knex } from 'knex';

/**
 * Versioned read models. `projection_versions` records which version of each projection the
 * API reads (`users` → `users_v1`) and which one a rebuild is building beside it; the API reads
 * through views (`users`, `users_count`, `user_sessions`) that a rebuild repoints in the same
 * transaction as the record, so a switch is atomic and needs no lookup per request. Every
 * version of the users table shares one role type, so a view keeps its column types across a
 * switch (a prepared statement may not change its result type).
 *
 * Checkpoint rows learn why a projection stopped (an operator's pause, a poison event, a log
 * that is not theirs), and which database session holds a lease, so that a standby can take
 * over as soon as the holder's connection is gone instead of waiting for the lease to expire.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TYPE user_role AS ENUM ('super_admin', 'admin', 'user');
    ALTER TABLE users_v1 ALTER COLUMN role TYPE user_role USING role::text::user_role;
    DROP TYPE users_v1_role;

    CREATE TABLE projection_versions (
      name text PRIMARY KEY,
      live_version integer NOT NULL,
      building_version integer,
      switched_at timestamptz
    );
    INSERT INTO projection_versions (name, live_version) VALUES ('users', 1), ('user_sessions', 1);
    CREATE VIEW users AS SELECT id, username, role, is_active, last_revision FROM users_v1;
    CREATE VIEW users_count AS SELECT value FROM read_model_counts WHERE name = 'users_v1';
    CREATE VIEW user_sessions AS SELECT session_id, user_id, expires_at, ended, last_revision FROM user_sessions_v1;

    ALTER TABLE projection_checkpoints
      ADD COLUMN lease_taken_at timestamptz,
      ADD COLUMN lease_backend_pid integer,
      ADD COLUMN lease_backend_start timestamptz,
      ADD COLUMN paused boolean NOT NULL DEFAULT false,
      ADD COLUMN stopped_reason text,
      ADD COLUMN stopped_at timestamptz,
      ADD COLUMN stopped_event jsonb,
      ADD COLUMN skip_position bigint,
      ADD COLUMN retired boolean NOT NULL DEFAULT false;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE projection_checkpoints
      DROP COLUMN lease_taken_at, DROP COLUMN lease_backend_pid, DROP COLUMN lease_backend_start,
      DROP COLUMN paused, DROP COLUMN stopped_reason, DROP COLUMN stopped_at, DROP COLUMN stopped_event,
      DROP COLUMN skip_position, DROP COLUMN retired;
    DROP VIEW user_sessions;
    DROP VIEW users_count;
    DROP VIEW users;
    DROP TABLE projection_versions;
    CREATE TYPE users_v1_role AS ENUM ('super_admin', 'admin', 'user');
    ALTER TABLE users_v1 ALTER COLUMN role TYPE users_v1_role USING role::text::users_v1_role;
    DROP TYPE user_role;
  `);
}
