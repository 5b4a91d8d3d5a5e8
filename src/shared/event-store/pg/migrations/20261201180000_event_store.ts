import type { Knex } from 'knex';

/**
 * Streams and events, and the append as one PL/pgSQL function (one round trip: lock the
 * stream row, check idempotency and the expectation, insert, bump the revision). It answers a
 * status row instead of raising, so a failed expectation costs no error round trip.
 *
 * A position is (xid << 20 | ordinal in the transaction): readers take only rows of
 * transactions below the snapshot's xmin, so positions are handed out in delivery order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE event_streams (
      stream_name text PRIMARY KEY,
      revision bigint NOT NULL
    );

    CREATE TABLE events (
      position bigint PRIMARY KEY,
      xid xid8 NOT NULL,
      stream_name text NOT NULL,
      revision bigint NOT NULL,
      event_id uuid NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision),
      CONSTRAINT events_stream_event_id_key UNIQUE (stream_name, event_id)
    );

    CREATE FUNCTION append_events(
      p_stream text,
      p_expected text,
      p_events jsonb,
      OUT o_status text,
      OUT o_actual bigint,
      OUT o_next_revision bigint,
      OUT o_position bigint
    ) LANGUAGE plpgsql AS $fn$
    DECLARE
      v_count int := jsonb_array_length(p_events);
      v_ids uuid[] := ARRAY(SELECT (x.ev->>'id')::uuid FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, n) ORDER BY x.n);
      v_current bigint;
      v_expected bigint;
      v_known int;
      v_xid bigint;
      v_ordinal bigint;
    BEGIN
      INSERT INTO event_streams (stream_name, revision) VALUES (p_stream, -1) ON CONFLICT DO NOTHING;
      SELECT s.revision INTO v_current FROM event_streams s WHERE s.stream_name = p_stream FOR UPDATE;
      o_actual := v_current;

      IF p_expected IN ('any', 'stream_exists') THEN
        IF EXISTS (SELECT 1 FROM events e WHERE e.stream_name = p_stream AND e.event_id = v_ids[1]) THEN
          SELECT count(*) INTO v_known FROM events e WHERE e.stream_name = p_stream AND e.event_id = ANY (v_ids);
          IF v_known < v_count THEN
            o_status := 'wrong_expected_version';
            RETURN;
          END IF;
          SELECT 'idempotent', e.revision, e.position INTO o_status, o_next_revision, o_position
            FROM events e WHERE e.stream_name = p_stream AND e.event_id = v_ids[v_count];
          RETURN;
        END IF;
        IF p_expected = 'stream_exists' AND v_current < 0 THEN
          o_status := 'wrong_expected_version';
          RETURN;
        END IF;
      ELSE
        v_expected := CASE WHEN p_expected = 'no_stream' THEN -1 ELSE p_expected::bigint END;
        IF v_expected > v_current THEN
          o_status := 'wrong_expected_version';
          RETURN;
        END IF;
        IF v_expected < v_current THEN
          SELECT count(*) INTO v_known
            FROM unnest(v_ids) WITH ORDINALITY AS x(id, n)
            JOIN events e ON e.stream_name = p_stream AND e.revision = v_expected + x.n AND e.event_id = x.id;
          IF v_known < v_count THEN
            o_status := 'wrong_expected_version';
            RETURN;
          END IF;
          SELECT 'idempotent', e.revision, e.position INTO o_status, o_next_revision, o_position
            FROM events e WHERE e.stream_name = p_stream AND e.revision = v_expected + v_count;
          RETURN;
        END IF;
      END IF;

      -- Ids are unique per stream: a batch that repeats a stored id but is no replay is refused.
      IF EXISTS (SELECT 1 FROM events e WHERE e.stream_name = p_stream AND e.event_id = ANY (v_ids)) THEN
        o_status := 'wrong_expected_version';
        RETURN;
      END IF;

      v_xid := pg_current_xact_id()::text::bigint;
      SELECT coalesce(max(e.position) - (v_xid << 20) + 1, 0) INTO v_ordinal
        FROM events e WHERE e.position >= (v_xid << 20) AND e.position < ((v_xid + 1) << 20);
      INSERT INTO events (position, xid, stream_name, revision, event_id, type, data, metadata)
        SELECT (v_xid << 20) | (v_ordinal + x.n - 1), pg_current_xact_id(), p_stream, v_current + x.n,
               (x.ev->>'id')::uuid, x.ev->>'type', x.ev->'data', x.ev->'metadata'
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, n);
      UPDATE event_streams SET revision = v_current + v_count WHERE stream_name = p_stream;
      o_status := 'ok';
      o_next_revision := v_current + v_count;
      o_position := (v_xid << 20) | (v_ordinal + v_count - 1);
    END
    $fn$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP FUNCTION IF EXISTS append_events(text, text, jsonb);
    DROP TABLE IF EXISTS events;
    DROP TABLE IF EXISTS event_streams;
  `);
}
