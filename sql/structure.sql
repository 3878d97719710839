
CREATE SCHEMA event_store;

COMMENT ON SCHEMA event_store IS 'Append-only event store for AI coding-agent supervisor instances (PS/MS): registry, emit, query, replay. Use the functions; tables are owner-only.';

CREATE TYPE event_store._fold_acc AS (
	instance_id text,
	status text,
	instance_type text,
	project text,
	last_sequence_num bigint,
	last_event_type text,
	latest_timestamp timestamp with time zone,
	total_events bigint,
	last_epic text,
	current_epic jsonb,
	epics jsonb,
	tests_started bigint,
	tests_passed bigint,
	tests_failed bigint,
	tests_last_failure jsonb,
	validations_passed bigint,
	validations_failed bigint,
	validations_last_failure jsonb,
	commits bigint,
	last_commit jsonb,
	open_prs jsonb,
	merged_prs jsonb,
	deployments_started bigint,
	deployments_completed bigint,
	deployments_failed bigint,
	last_deployment jsonb,
	deployments_by_env jsonb,
	context_usage_percent numeric,
	context_updated_at timestamp with time zone,
	checkpoints_created bigint,
	checkpoints_loaded bigint,
	last_checkpoint_id text,
	planned_epics jsonb,
	feature_requests bigint,
	tasks_spawned bigint
);

COMMENT ON TYPE event_store._fold_acc IS 'Internal: the running state of the fold between _fold_apply calls (scalars, epics map, PR and planned-epic lists); _fold_final shapes it into the jsonb state. Snapshots store it as jsonb.';

CREATE FUNCTION event_store._bump_head(p_instance_id text, p_count integer, p_expected_sequence bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_last bigint;
BEGIN
    PERFORM event_store._lock_stream(p_instance_id);     -- the stream lock before the row
    UPDATE event_store.instances i
       SET last_sequence_num = i.last_sequence_num + p_count,
           last_feed_key = greatest(i.last_feed_key, pg_current_xact_id())   -- feed order, see emit_event
     WHERE i.instance_id = p_instance_id
    RETURNING i.last_sequence_num INTO v_last;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;
    IF p_expected_sequence IS NOT NULL AND v_last - p_count <> p_expected_sequence THEN
        PERFORM event_store._sequence_conflict(p_instance_id, p_expected_sequence, v_last - p_count);
    END IF;
    RETURN v_last;
END
$$;

COMMENT ON FUNCTION event_store._bump_head(p_instance_id text, p_count integer, p_expected_sequence bigint) IS 'Internal: bump an instance''s stream head by p_count (taking its lock) and return it; ES002, ES004.';

CREATE FUNCTION event_store._check_data_schema(p_schema jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_field text;
    v_spec  jsonb;
    v_hint  text := 'Example: {"type": "object", "required": ["epic_id"], '
                    '"properties": {"epic_id": {"type": "string"}, "hours": {"type": "number", "minimum": 0}}}';
BEGIN
    IF p_schema IS NULL OR jsonb_typeof(p_schema) <> 'object' THEN
        RAISE EXCEPTION 'data_schema must be a JSON object' USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    -- Size limits first, before anything loops over the schema (issue 10: 5,000 properties broke
    -- every emit with 54001, 40,000 took 135 s to be refused).
    IF jsonb_typeof(p_schema -> 'properties') = 'object'
       AND (SELECT count(*) FROM jsonb_object_keys(p_schema -> 'properties')) > 200 THEN
        RAISE EXCEPTION 'data_schema has % properties, over the limit of 200',
                        (SELECT count(*) FROM jsonb_object_keys(p_schema -> 'properties'))
            USING ERRCODE = 'ES006', HINT = 'Declare the fields that matter; fields not listed are allowed anyway.';
    END IF;
    IF jsonb_typeof(p_schema -> 'required') = 'array' AND jsonb_array_length(p_schema -> 'required') > 200 THEN
        RAISE EXCEPTION 'data_schema has % required fields, over the limit of 200', jsonb_array_length(p_schema -> 'required')
            USING ERRCODE = 'ES006', HINT = 'Require only the fields every event of the type must carry.';
    END IF;
    IF octet_length(p_schema::text) > 65536 THEN
        RAISE EXCEPTION 'data_schema is % bytes as text, over the limit of 65536', octet_length(p_schema::text)
            USING ERRCODE = 'ES006', HINT = 'Describe the fields events must have, not every possible value.';
    END IF;
    PERFORM event_store._check_json_limits(p_schema, 'data_schema', 'ES006');
    SELECT p.key INTO v_field
      FROM jsonb_each(CASE WHEN jsonb_typeof(p_schema -> 'properties') = 'object' THEN p_schema -> 'properties' END) p
     WHERE jsonb_typeof(p.value -> 'enum') = 'array' AND jsonb_array_length(p.value -> 'enum') > 200
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'data_schema property "%" has an enum of % values, over the limit of 200',
                        v_field, jsonb_array_length(p_schema -> 'properties' -> v_field -> 'enum')
            USING ERRCODE = 'ES006', HINT = 'Use "type": "string" for open-ended values.';
    END IF;
    IF p_schema ? 'type' AND p_schema -> 'type' <> '"object"' THEN
        RAISE EXCEPTION 'data_schema type must be "object", got %', p_schema -> 'type'
            USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    IF p_schema ? 'required' AND (jsonb_typeof(p_schema -> 'required') <> 'array'
       OR EXISTS (SELECT FROM jsonb_array_elements(p_schema -> 'required') r WHERE jsonb_typeof(r) <> 'string')) THEN
        RAISE EXCEPTION 'data_schema required must be an array of field names'
            USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    IF p_schema ? 'properties' AND jsonb_typeof(p_schema -> 'properties') <> 'object' THEN
        RAISE EXCEPTION 'data_schema properties must be an object of {field: {type: ...}}'
            USING ERRCODE = 'ES006', HINT = v_hint;
    END IF;
    FOR v_field, v_spec IN SELECT key, value FROM jsonb_each(coalesce(p_schema -> 'properties', '{}')) LOOP
        IF jsonb_typeof(v_spec) <> 'object' THEN
            RAISE EXCEPTION 'data_schema property "%" must be an object', v_field USING ERRCODE = 'ES006', HINT = v_hint;
        END IF;
        IF v_spec ? 'type' AND coalesce(v_spec ->> 'type', '') NOT IN
           ('string', 'integer', 'number', 'boolean', 'array', 'object') THEN
            RAISE EXCEPTION 'data_schema property "%" has unsupported type %', v_field, v_spec -> 'type'
                USING ERRCODE = 'ES006',
                      HINT = 'Supported types: string, integer, number, boolean, array, object.';
        END IF;
        IF v_spec ? 'enum' AND jsonb_typeof(v_spec -> 'enum') <> 'array' THEN
            RAISE EXCEPTION 'data_schema property "%": enum must be an array', v_field
                USING ERRCODE = 'ES006', HINT = v_hint;
        END IF;
        IF (v_spec ? 'minimum' AND jsonb_typeof(v_spec -> 'minimum') <> 'number')
           OR (v_spec ? 'maximum' AND jsonb_typeof(v_spec -> 'maximum') <> 'number') THEN
            RAISE EXCEPTION 'data_schema property "%": minimum and maximum must be numbers', v_field
                USING ERRCODE = 'ES006', HINT = v_hint;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store._check_data_schema(p_schema jsonb) IS 'Internal: raises ES006 unless a data_schema is in the supported JSON Schema subset.';

CREATE FUNCTION event_store._check_date_range(p_start_date timestamp with time zone, p_end_date timestamp with time zone) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_start_date > p_end_date THEN
        RAISE EXCEPTION 'start_date % is after end_date %', p_start_date, p_end_date
            USING ERRCODE = 'ES006', HINT = 'Swap them; both ends are inclusive.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_date_range(p_start_date timestamp with time zone, p_end_date timestamp with time zone) IS 'Internal: raises ES006 when p_start_date is after p_end_date.';

CREATE FUNCTION event_store._check_emit_arguments(p_instance_id text, p_metadata jsonb, p_expected_sequence bigint) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    PERFORM event_store._check_metadata(p_metadata);
    IF p_expected_sequence < 0 THEN
        RAISE EXCEPTION 'expected_sequence must be 0 or more, got %', p_expected_sequence
            USING ERRCODE = 'ES006', HINT = 'Use 0 for "no events yet", or the last sequence_num you read.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_emit_arguments(p_instance_id text, p_metadata jsonb, p_expected_sequence bigint) IS 'Internal: raises ES006 for a bad instance id, non-object or oversized metadata (1 MiB, 32 levels, numbers of 64 characters), or a negative expected sequence.';

CREATE FUNCTION event_store._check_event_types(p_event_types text[]) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_unknown text;
BEGIN
    IF array_ndims(p_event_types) > 1 THEN
        RAISE EXCEPTION 'event_types must be a one-dimensional list, got % dimensions', array_ndims(p_event_types)
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all types, or e.g. ARRAY[''test_failed'', ''epic_started''].';
    END IF;
    IF cardinality(p_event_types) = 0 OR array_position(p_event_types, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'event_types must be a non-empty list without nulls, got %', p_event_types
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all types, or e.g. ARRAY[''test_failed''].';
    END IF;
    -- Before any lookup or hint: a name no type can have is refused at once (bounded work).
    SELECT t INTO v_unknown FROM unnest(p_event_types) t WHERE length(t) > 63 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'event_type "%..." is % characters long, over the limit of 63', left(v_unknown, 40), length(v_unknown)
            USING ERRCODE = 'ES006', HINT = 'Event type names have 1-63 characters; list them with event_store.list_event_types().';
    END IF;
    SELECT t INTO v_unknown
      FROM unnest(p_event_types) t
     WHERE NOT EXISTS (SELECT FROM event_store.event_types et WHERE et.event_type = t)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown event_type "%"', v_unknown
            USING ERRCODE = 'ES001',
                  HINT = format('Did you mean %s? List all types with event_store.list_event_types().',
                                (SELECT string_agg(format('"%s"', c), ' or ')
                                   FROM unnest(event_store._closest_event_types(v_unknown)) c));
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_event_types(p_event_types text[]) IS 'Internal: raises ES006 for an empty or multi-dimensional list, a NULL element or a name over 63 characters, and ES001 (hint: closest types) for the first unregistered type in a filter list.';

CREATE FUNCTION event_store._check_feed_filters(p_event_types text[], p_instance_ids text[], p_project text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_id text;
BEGIN
    IF p_event_types IS NOT NULL THEN
        PERFORM event_store._check_event_types(p_event_types);
    END IF;
    IF p_instance_ids IS NOT NULL THEN
        IF cardinality(p_instance_ids) = 0 OR array_position(p_instance_ids, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'instance_ids must be a non-empty list without nulls, got %', p_instance_ids
                USING ERRCODE = 'ES006', HINT = 'Pass NULL for all instances, or e.g. ARRAY[''odin-PS-8f4a2b''].';
        END IF;
        FOREACH v_id IN ARRAY p_instance_ids LOOP
            PERFORM event_store._check_instance_id(v_id);
            IF NOT EXISTS (SELECT FROM event_store.instances i WHERE i.instance_id = v_id) THEN
                PERFORM event_store._instance_not_found(v_id);
            END IF;
        END LOOP;
    END IF;
    IF p_project !~ '\S' THEN
        RAISE EXCEPTION 'project must not be blank'
            USING ERRCODE = 'ES006', HINT = 'Pass NULL for all projects, or a project name such as ''odin''.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_feed_filters(p_event_types text[], p_instance_ids text[], p_project text) IS 'Internal: checks the filters of read_all and subscriptions. Errors: ES001 unknown type, ES002 unknown instance, ES006 empty list, NULL element, malformed instance id or blank project.';

CREATE FUNCTION event_store._check_instance_id(p_instance_id text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_instance_id IS NULL THEN
        RAISE EXCEPTION 'instance_id must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the id the instance registered with, e.g. ''odin-PS-8f4a2b''.';
    END IF;
    IF NOT event_store._is_instance_id(p_instance_id) THEN
        RAISE EXCEPTION 'invalid instance_id "%": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"',
                        left(p_instance_id, 64)
            USING ERRCODE = 'ES006', HINT = 'For example ''odin-PS-8f4a2b''.';
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._check_instance_id(p_instance_id text) IS 'Internal: raises ES006 when an instance id is null or not 1-32 characters of [A-Za-z0-9_.-].';

CREATE FUNCTION event_store._check_instance_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF NOT event_store._is_instance_id(NEW.instance_id) THEN
        RAISE EXCEPTION 'invalid instance_id "%": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"', NEW.instance_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_instance_id_format';
    ELSIF NEW.instance_type NOT IN ('PS', 'MS') THEN
        RAISE EXCEPTION 'invalid instance_type "%": must be PS or MS', NEW.instance_type
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_instance_type_known';
    ELSIF NEW.project !~ '[^[:space:]]' THEN
        RAISE EXCEPTION 'project must not be empty'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_project_not_blank';
    ELSIF NEW.status NOT IN ('active', 'stale') THEN
        RAISE EXCEPTION 'invalid status "%": must be active or stale', NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_status_known';
    ELSIF jsonb_typeof(NEW.metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object, got %', jsonb_typeof(NEW.metadata)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_metadata_object';
    ELSIF NEW.last_sequence_num < 0 THEN
        RAISE EXCEPTION 'last_sequence_num must not be negative'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_last_sequence_num_not_negative';
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION event_store._check_instance_row() IS 'Trigger function: the row rules of instances (id format, PS/MS, non-blank project, status, metadata object), raised as check_violation (23514).';

CREATE FUNCTION event_store._check_json_limits(p_value jsonb, p_what text, p_errcode text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_number text;
BEGIN
    IF p_value IS NULL OR event_store._json_within_limits(p_value) THEN
        RETURN true;
    END IF;
    IF jsonb_path_exists(p_value, 'strict $.**{32} ? (@.type() == "object" || @.type() == "array")') THEN
        RAISE EXCEPTION '% is nested deeper than the limit of 32 levels', p_what
            USING ERRCODE = p_errcode,
                  HINT = 'Flatten it: at most 32 levels of nested objects and arrays (the top level is level 1).';
    END IF;
    SELECT n::text INTO v_number
      FROM jsonb_path_query(p_value, 'strict $.** ? (@.type() == "number")') n
     WHERE length(n::text) > 64
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% has a number of % characters, over the limit of 64: %...',
                        p_what, length(v_number), left(v_number, 20)
            USING ERRCODE = p_errcode,
                  HINT = 'Numbers may have at most 64 characters (sign, digits, point); send longer ones as strings.';
    END IF;
    RETURN true;
END
$_$;

COMMENT ON FUNCTION event_store._check_json_limits(p_value jsonb, p_what text, p_errcode text) IS 'Internal: raises p_errcode (ES003/ES006) naming p_what when a JSON value is nested deeper than 32 levels or holds a number over 64 characters; returns true otherwise.';

CREATE FUNCTION event_store._check_lifecycle_emit(p_event_type text, p_where text DEFAULT ''::text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_event_type NOT IN ('instance_registered', 'instance_heartbeat', 'instance_stale')
       OR current_setting('event_store.lifecycle_key', true) = (SELECT k.key FROM event_store.lifecycle_key k) THEN
        RETURN true;
    END IF;
    RAISE EXCEPTION '%event_type "%" is written only by %', p_where, p_event_type,
                    CASE p_event_type WHEN 'instance_registered' THEN 'register_instance'
                                      WHEN 'instance_heartbeat' THEN 'heartbeat'
                                      ELSE 'mark_stale_instances' END
        USING ERRCODE = 'ES006',
              HINT = CASE p_event_type
                         WHEN 'instance_registered' THEN 'Call event_store.register_instance(instance_id, instance_type, project, metadata).'
                         WHEN 'instance_heartbeat' THEN 'Call event_store.heartbeat(instance_id, context_percent).'
                         ELSE 'Call event_store.mark_stale_instances(timeout).' END;
END
$$;

COMMENT ON FUNCTION event_store._check_lifecycle_emit(p_event_type text, p_where text) IS 'Internal: raises ES006 (hint: the function to call) when instance_registered, instance_heartbeat or instance_stale is emitted other than by register_instance, heartbeat or mark_stale_instances.';

CREATE FUNCTION event_store._check_metadata(p_metadata jsonb, p_where text DEFAULT ''::text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_metadata IS NULL THEN
        RETURN true;
    END IF;
    IF jsonb_typeof(p_metadata) <> 'object' THEN
        RAISE EXCEPTION '%metadata must be a JSON object, got %', p_where, jsonb_typeof(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Pass an object such as {"source": "cli"}, or leave it out.';
    END IF;
    IF pg_column_size(p_metadata) > 1048576 THEN
        RAISE EXCEPTION '%metadata is % bytes, over the 1 MiB cap', p_where, pg_column_size(p_metadata)
            USING ERRCODE = 'ES006', HINT = 'Keep metadata small; store large payloads elsewhere.';
    END IF;
    RETURN event_store._check_json_limits(p_metadata, p_where || 'metadata', 'ES006');
END
$$;

COMMENT ON FUNCTION event_store._check_metadata(p_metadata jsonb, p_where text) IS 'Internal: raises ES006 unless metadata is NULL or a JSON object within the limits (1 MiB, 32 levels, numbers of 64 characters); true otherwise.';

CREATE FUNCTION event_store._closest_event_types(p_name text, p_limit integer DEFAULT 3) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_result text[];
BEGIN
    IF length(p_name) > 63 THEN
        RETURN '{}';
    END IF;
    SELECT array_agg(t.event_type ORDER BY t.distance, t.event_type)
      INTO v_result
      FROM (SELECT c.event_type,
                   event_store._edit_distance(lower(coalesce(p_name, '')), c.event_type) AS distance
              FROM (SELECT et.event_type
                      FROM event_store.event_types et
                     ORDER BY abs(length(et.event_type) - length(coalesce(p_name, ''))), et.event_type
                     LIMIT 200) c
             ORDER BY 2, 1
             LIMIT p_limit) t;
    RETURN coalesce(v_result, '{}');
END
$$;

COMMENT ON FUNCTION event_store._closest_event_types(p_name text, p_limit integer) IS 'Internal: up to p_limit registered event types nearest to p_name by edit distance, best first.';

CREATE FUNCTION event_store._edit_distance(p_a text, p_b text) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_prev int[];
    v_curr int[];
    v_la   int := length(p_a);
    v_lb   int := length(p_b);
BEGIN
    IF v_la = 0 THEN RETURN v_lb; END IF;
    IF v_lb = 0 THEN RETURN v_la; END IF;
    v_prev := ARRAY(SELECT generate_series(0, v_lb));
    FOR i IN 1 .. v_la LOOP
        v_curr := ARRAY[i];
        FOR j IN 1 .. v_lb LOOP
            v_curr := v_curr || least(
                v_prev[j + 1] + 1,
                v_curr[j] + 1,
                v_prev[j] + CASE WHEN substr(p_a, i, 1) = substr(p_b, j, 1) THEN 0 ELSE 1 END);
        END LOOP;
        v_prev := v_curr;
    END LOOP;
    RETURN v_prev[v_lb + 1];
END
$$;

COMMENT ON FUNCTION event_store._edit_distance(p_a text, p_b text) IS 'Internal: Levenshtein edit distance between two strings.';

CREATE TABLE event_store.events (
    event_id uuid DEFAULT gen_random_uuid() NOT NULL,
    instance_id character varying(32) NOT NULL,
    event_type text NOT NULL,
    sequence_num bigint NOT NULL,
    "timestamp" timestamp with time zone DEFAULT now() NOT NULL,
    event_data jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    global_position bigint NOT NULL,
    transaction_id xid8 DEFAULT pg_current_xact_id() NOT NULL,
    feed_key xid8 DEFAULT pg_current_xact_id() NOT NULL,
    CONSTRAINT events_event_data_object CHECK ((jsonb_typeof(event_data) = 'object'::text)),
    CONSTRAINT events_metadata_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT events_never_updated CHECK ((updated_at = created_at)),
    CONSTRAINT events_sequence_num_positive CHECK ((sequence_num > 0))
);

COMMENT ON TABLE event_store.events IS 'The append-only event log. Rows are written only by emit_event/emit_events and never change (triggers raise ES005); delete_events_for_instance is the one admin path that removes rows.';

COMMENT ON COLUMN event_store.events.sequence_num IS 'Position in the instance''s stream: 1, 2, 3... with no gaps, even across rolled-back emits.';

COMMENT ON COLUMN event_store.events."timestamp" IS 'When the event was appended (clock_timestamp() under the stream lock, so it never decreases along an instance''s sequence).';

COMMENT ON COLUMN event_store.events.updated_at IS 'Always equal to created_at: events never change.';

COMMENT ON COLUMN event_store.events.global_position IS 'Cross-instance append order (identity). Assigned at insert, visible at commit: tail with transaction_id, not with the largest position seen.';

COMMENT ON COLUMN event_store.events.transaction_id IS 'pg_current_xact_id() of the appending transaction; read below pg_snapshot_xmin(pg_current_snapshot()) for catch-up reads that never skip a late commit.';

COMMENT ON COLUMN event_store.events.feed_key IS 'Change-feed order key: greatest(transaction_id, feed_key of the instance''s previous event). read_all orders by (feed_key, global_position) below pg_snapshot_xmin: never skips, never repeats, keeps each instance in sequence order.';

CREATE FUNCTION event_store._event_id_reused(p_event_id uuid, p_stored event_store.events DEFAULT NULL::event_store.events, p_where text DEFAULT ''::text, p_detail text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_message text := p_where || CASE WHEN p_event_id IS NULL
                                      THEN 'an event_id of this batch was stored concurrently for a different event'
                                      ELSE format('event_id %s was already used for a different event', p_event_id) END;
    v_detail  text := coalesce(p_detail,
                               format('Stored: instance "%s", type "%s", sequence_num %s.',
                                      p_stored.instance_id, p_stored.event_type, p_stored.sequence_num));
BEGIN
    IF p_stored.event_id IS NULL AND p_detail IS NULL THEN
        v_detail := 'The other event was stored by a concurrent call.';
    END IF;
    RAISE EXCEPTION '%', v_message
        USING ERRCODE = 'ES007', DETAIL = v_detail,
              HINT = 'Use a new event_id for a new event; reuse an id only to retry the identical event.';
END
$$;

COMMENT ON FUNCTION event_store._event_id_reused(p_event_id uuid, p_stored event_store.events, p_where text, p_detail text) IS 'Internal: raises ES007 (event_id already used for a different event), naming the stored event or p_detail.';

CREATE FUNCTION event_store._feed_cursor(p_feed_key xid8, p_global_position bigint, p_salt bigint DEFAULT NULL::bigint) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT 'f1.' || p_feed_key::text || '.' || p_global_position::text || '.'
           || pg_catalog.to_hex(((p_feed_key::text::numeric % 1000003)::bigint * 7919
                                 + (p_global_position % 1000033) * 104729
                                 + coalesce(p_salt, ('x' || pg_catalog.left(pg_catalog.md5(pg_catalog.current_database()), 7))::bit(28)::bigint))
                                % 4294967291)
$$;

COMMENT ON FUNCTION event_store._feed_cursor(p_feed_key xid8, p_global_position bigint, p_salt bigint) IS 'Internal: the opaque, checksummed cursor text of a change-feed position (feed_key, global_position).';

CREATE FUNCTION event_store._feed_key_since(p_since timestamp with time zone) RETURNS xid8
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_mark_key xid8;
    v_mark_pos bigint;
    v_key      xid8;
BEGIN
    -- The watermark as values (one snapshot: STABLE), so the events after it are planned as the
    -- short range of events_feed_key_idx they are.
    SELECT w.feed_key, w.global_position INTO v_mark_key, v_mark_pos
      FROM event_store.projections w WHERE w.projection_name = 'fleet_index';
    EXECUTE 'SELECT least((SELECT pg_catalog.min(f.feed_key) FROM event_store.fleet_index f WHERE f."timestamp" >= $1),
                          (SELECT pg_catalog.min(e.feed_key) FROM event_store.events e
                            WHERE (e.feed_key, e.global_position) OPERATOR(pg_catalog.>) ($2, $3)
                              AND e."timestamp" >= $1),
                          pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()))'
       INTO v_key USING p_since, v_mark_key, v_mark_pos;
    RETURN v_key;
END
$_$;

COMMENT ON FUNCTION event_store._feed_key_since(p_since timestamp with time zone) IS 'Internal: the feed key to start reading from p_since on: the smallest key of the events stamped at or after it (projected or not), or the horizon when smaller.';

CREATE FUNCTION event_store._feed_page(p_feed_key xid8, p_global_position bigint, p_horizon xid8, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text, p_members integer, p_slot integer, p_salt bigint DEFAULT NULL::bigint) RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE sql STABLE
    AS $$
    SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
           e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
           event_store._feed_cursor(e.feed_key, e.global_position, p_salt)
      FROM event_store.events e
     WHERE (e.feed_key, e.global_position) > (p_feed_key, p_global_position)
       AND e.feed_key < p_horizon
       AND (p_event_types IS NULL OR e.event_type = ANY (p_event_types))
       AND (p_instance_ids IS NULL OR e.instance_id = ANY (p_instance_ids))
       AND (p_project IS NULL OR EXISTS (SELECT FROM event_store.instances i
                                          WHERE i.instance_id = e.instance_id AND i.project = p_project))
       AND (p_members = 1 OR event_store._feed_slot(e.instance_id, p_members) = p_slot)
     ORDER BY e.feed_key, e.global_position
     LIMIT p_limit
$$;

COMMENT ON FUNCTION event_store._feed_page(p_feed_key xid8, p_global_position bigint, p_horizon xid8, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text, p_members integer, p_slot integer, p_salt bigint) IS 'Internal: a page of the change feed after a position, below a horizon, filtered by type, instance, project and consumer-group slot.';

CREATE FUNCTION event_store._feed_position(p_cursor text, OUT feed_key xid8, OUT global_position bigint) RETURNS record
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_parts text[];
BEGIN
    IF p_cursor IS NULL THEN
        feed_key := '0';
        global_position := 0;
        RETURN;
    END IF;
    v_parts := regexp_match(p_cursor, '^f1\.([0-9]{1,20})\.([0-9]{1,19})\.[0-9a-f]{1,8}$');
    IF v_parts IS NULL OR v_parts[1]::numeric > 18446744073709551615 OR v_parts[2]::numeric > 9223372036854775807
       OR event_store._feed_cursor(v_parts[1]::xid8, v_parts[2]::bigint) <> p_cursor THEN
        RAISE EXCEPTION 'invalid cursor "%": not a cursor of this event store', left(p_cursor, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Pass the cursor column of a row returned by read_all or poll_subscription in this '
                         'database, unchanged, or NULL to start from the beginning.';
    END IF;
    feed_key := v_parts[1]::xid8;
    global_position := v_parts[2]::bigint;
END
$_$;

COMMENT ON FUNCTION event_store._feed_position(p_cursor text, OUT feed_key xid8, OUT global_position bigint) IS 'Internal: (feed_key, global_position) of a cursor; NULL is the start. Errors: ES006 malformed or foreign cursor.';

CREATE FUNCTION event_store._feed_slot(p_instance_id text, p_members integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT (('x' || pg_catalog.left(pg_catalog.md5(p_instance_id), 8))::bit(32)::bigint
            % p_members)::int
$$;

COMMENT ON FUNCTION event_store._feed_slot(p_instance_id text, p_members integer) IS 'Internal: the consumer-group slot of an instance (first 32 bits of md5(instance_id) mod the group size).';

CREATE FUNCTION event_store._fold_apply(p_acc event_store._fold_acc, p_events event_store.events[]) RETURNS event_store._fold_acc
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_e           event_store.events;
    v_type        text;
    v_data        jsonb;
    v_key         text;
    v_num         numeric;
    v_epic_ids    text[]        := '{}';    -- logs of this call, merged into p_acc at the end
    v_epic_events text[]        := '{}';
    v_epic_at     timestamptz[] := '{}';
    v_epic_reason text[]        := '{}';
    v_pr_numbers  numeric[]     := '{}';
    v_pr_merged   boolean[]     := '{}';
    v_planned     text[]        := '{}';
    v_merged_new  numeric[];
    v_pr          jsonb;
BEGIN
    FOREACH v_e IN ARRAY coalesce(p_events, '{}') LOOP
        v_type := v_e.event_type;
        v_data := v_e.event_data;
        p_acc.total_events := p_acc.total_events + 1;

        IF v_type = 'instance_heartbeat' THEN
            p_acc.status := 'active';
            v_num := (v_data ->> 'context_percent')::numeric;
            IF v_num IS NOT NULL THEN
                p_acc.context_usage_percent := v_num;
                p_acc.context_updated_at := v_e."timestamp";
            END IF;
        ELSIF v_type = 'test_started' THEN
            p_acc.tests_started := p_acc.tests_started + 1;
        ELSIF v_type = 'test_passed' THEN
            p_acc.tests_passed := p_acc.tests_passed + 1;
        ELSIF v_type = 'test_failed' THEN
            p_acc.tests_failed := p_acc.tests_failed + 1;
            p_acc.tests_last_failure := v_data;
        ELSIF v_type = 'commit_created' THEN
            p_acc.commits := p_acc.commits + 1;
            p_acc.last_commit := v_data;
        ELSIF v_type = 'context_window_updated' THEN
            p_acc.context_usage_percent := (v_data ->> 'usage_percent')::numeric;
            p_acc.context_updated_at := v_e."timestamp";
        ELSIF v_type = 'validation_passed' THEN
            p_acc.validations_passed := p_acc.validations_passed + 1;
        ELSIF v_type = 'validation_failed' THEN
            p_acc.validations_failed := p_acc.validations_failed + 1;
            p_acc.validations_last_failure := v_data;
        ELSIF v_type = 'task_spawned' THEN
            p_acc.tasks_spawned := p_acc.tasks_spawned + 1;
        ELSIF v_type = 'checkpoint_created' THEN
            p_acc.checkpoints_created := p_acc.checkpoints_created + 1;
            p_acc.last_checkpoint_id := v_data ->> 'checkpoint_id';
        ELSIF v_type = 'checkpoint_loaded' THEN
            p_acc.checkpoints_loaded := p_acc.checkpoints_loaded + 1;
            p_acc.last_checkpoint_id := v_data ->> 'checkpoint_id';
        ELSIF v_type IN ('epic_started', 'epic_completed', 'epic_failed') THEN
            v_key := v_data ->> 'epic_id';
            p_acc.last_epic := v_key;
            v_type := substr(v_type, 6);                        -- started | completed | failed
            v_epic_ids := array_append(v_epic_ids, v_key);
            v_epic_events := array_append(v_epic_events, v_type);
            v_epic_at := array_append(v_epic_at, v_e."timestamp");
            v_epic_reason := array_append(v_epic_reason, v_data ->> 'reason');
            IF v_type = 'started' THEN
                p_acc.current_epic := jsonb_build_object(
                    'epic_id', v_key, 'status', 'in_progress',
                    'started_at', to_char(v_e."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                    'feature_name', v_data -> 'feature_name', 'reason', NULL);
            ELSIF p_acc.current_epic ->> 'epic_id' = v_key THEN
                p_acc.current_epic := p_acc.current_epic || jsonb_build_object(
                    'status', v_type, 'reason', v_data -> 'reason');
            END IF;
        ELSIF v_type IN ('deployment_started', 'deployment_completed', 'deployment_failed') THEN
            v_key := substr(v_type, 12);                        -- started | completed | failed
            IF v_key = 'started' THEN
                p_acc.deployments_started := p_acc.deployments_started + 1;
            ELSIF v_key = 'completed' THEN
                p_acc.deployments_completed := p_acc.deployments_completed + 1;
            ELSE
                p_acc.deployments_failed := p_acc.deployments_failed + 1;
            END IF;
            p_acc.last_deployment := jsonb_build_object(
                'deployment_id', v_data -> 'deployment_id', 'environment', v_data -> 'environment',
                'status', v_key);
            p_acc.deployments_by_env := p_acc.deployments_by_env || jsonb_build_object(
                coalesce(v_data ->> 'environment', ''),
                jsonb_build_object('deployment_id', v_data -> 'deployment_id', 'status', v_key));
        ELSIF v_type IN ('pr_created', 'pr_merged') THEN
            v_num := (v_data ->> 'pr_number')::numeric;
            IF v_num IS NOT NULL THEN
                v_pr_numbers := array_append(v_pr_numbers, v_num);
                v_pr_merged := array_append(v_pr_merged, v_type = 'pr_merged');
            END IF;
        ELSIF v_type = 'epic_planned' THEN
            v_key := v_data ->> 'epic_id';
            IF v_key IS NOT NULL THEN
                v_planned := array_append(v_planned, v_key);
            END IF;
        ELSIF v_type = 'feature_requested' THEN
            p_acc.feature_requests := p_acc.feature_requests + 1;
        ELSIF v_type = 'instance_registered' THEN
            p_acc.status := 'active';
            p_acc.instance_type := v_data ->> 'instance_type';
            p_acc.project := v_data ->> 'project';
        ELSIF v_type = 'instance_stale' THEN
            p_acc.status := 'stale';
        END IF;
    END LOOP;

    IF v_e.event_id IS NOT NULL THEN                            -- the last event applied
        p_acc.instance_id := v_e.instance_id;
        p_acc.last_sequence_num := v_e.sequence_num;
        p_acc.last_event_type := v_e.event_type;
        p_acc.latest_timestamp := v_e."timestamp";
    END IF;
    -- Merge this call's logs, set-based, once. Per epic the latest event decides (started:
    -- in_progress with no end; completed/failed: that status, ended_at, the failure reason);
    -- started_at is the latest epic_started, here or already in the map.
    IF cardinality(v_epic_ids) > 0 THEN
        SELECT p_acc.epics || coalesce(jsonb_object_agg(l.epic_id, CASE WHEN l.kind = 'started'
                   THEN jsonb_build_object('status', 'in_progress', 'started_at', l.at_iso, 'ended_at', NULL, 'reason', NULL)
                   ELSE jsonb_build_object('status', l.kind,
                            'started_at', coalesce(to_jsonb(l.started_iso), p_acc.epics -> l.epic_id -> 'started_at', 'null'),
                            'ended_at', l.at_iso, 'reason', CASE WHEN l.kind = 'failed' THEN l.reason END) END), '{}')
          INTO p_acc.epics
          FROM (SELECT DISTINCT ON (e.epic_id) e.epic_id, e.kind, e.reason,
                       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_iso,
                       to_char(max(e.at) FILTER (WHERE e.kind = 'started') OVER (PARTITION BY e.epic_id)
                               AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started_iso
                  FROM unnest(v_epic_ids, v_epic_events, v_epic_at, v_epic_reason)
                       WITH ORDINALITY AS e (epic_id, kind, at, reason, n)
                 WHERE e.epic_id IS NOT NULL
                 ORDER BY e.epic_id, e.n DESC) l;
    END IF;
    -- Pull requests: merged_prs lists every number ever merged, in order of first merge;
    -- open_prs those created and never merged, in order of first creation. A few (a replay
    -- from a recent snapshot): one by one with jsonb containment, a scan of the list in C per
    -- PR; many (a long replay): set-based with hashed NOT IN. Both give the same lists.
    IF cardinality(v_pr_numbers) BETWEEN 1 AND 16 THEN
        FOR i IN 1 .. cardinality(v_pr_numbers) LOOP
            v_pr := to_jsonb(v_pr_numbers[i]);
            IF p_acc.merged_prs @> v_pr THEN
                CONTINUE;
            ELSIF v_pr_merged[i] THEN
                p_acc.merged_prs := p_acc.merged_prs || v_pr;
                IF p_acc.open_prs @> v_pr THEN
                    p_acc.open_prs := jsonb_path_query_array(p_acc.open_prs, '$[*] ? (@ != $pr)',
                                                             jsonb_build_object('pr', v_pr));
                END IF;
            ELSIF NOT p_acc.open_prs @> v_pr THEN
                p_acc.open_prs := p_acc.open_prs || v_pr;
            END IF;
        END LOOP;
    ELSIF cardinality(v_pr_numbers) > 16 THEN
        v_merged_new := ARRAY(SELECT l.pr FROM unnest(v_pr_numbers, v_pr_merged) WITH ORDINALITY AS l (pr, merged, n)
                               WHERE l.merged
                                 AND l.pr NOT IN (SELECT m::numeric FROM jsonb_array_elements(p_acc.merged_prs) m)
                               GROUP BY l.pr ORDER BY min(l.n));
        IF cardinality(v_merged_new) > 0 THEN
            p_acc.merged_prs := p_acc.merged_prs || to_jsonb(v_merged_new);
            p_acc.open_prs := coalesce((SELECT jsonb_agg(o.pr ORDER BY o.n)
                                          FROM jsonb_array_elements(p_acc.open_prs) WITH ORDINALITY AS o (pr, n)
                                         WHERE o.pr::numeric <> ALL (v_merged_new)), '[]');
        END IF;
        p_acc.open_prs := p_acc.open_prs
                          || to_jsonb(ARRAY(SELECT l.pr FROM unnest(v_pr_numbers, v_pr_merged) WITH ORDINALITY AS l (pr, merged, n)
                                             WHERE NOT l.merged
                                               AND l.pr NOT IN (SELECT m::numeric FROM jsonb_array_elements(p_acc.merged_prs) m)
                                               AND l.pr NOT IN (SELECT o::numeric FROM jsonb_array_elements(p_acc.open_prs) o)
                                             GROUP BY l.pr ORDER BY min(l.n)));
    END IF;
    -- Planned epics, in order of first planning; the same two ways.
    IF cardinality(v_planned) BETWEEN 1 AND 16 THEN
        FOR i IN 1 .. cardinality(v_planned) LOOP
            IF NOT p_acc.planned_epics ? v_planned[i] THEN
                p_acc.planned_epics := p_acc.planned_epics || to_jsonb(v_planned[i]);
            END IF;
        END LOOP;
    ELSIF cardinality(v_planned) > 16 THEN
        p_acc.planned_epics := p_acc.planned_epics
                               || to_jsonb(ARRAY(SELECT l.epic_id FROM unnest(v_planned) WITH ORDINALITY AS l (epic_id, n)
                                                  WHERE l.epic_id NOT IN (SELECT jsonb_array_elements_text(p_acc.planned_epics))
                                                  GROUP BY l.epic_id ORDER BY min(l.n)));
    END IF;
    RETURN p_acc;
END
$_$;

COMMENT ON FUNCTION event_store._fold_apply(p_acc event_store._fold_acc, p_events event_store.events[]) IS 'Internal: the fold''s state transitions, one branch per event type: applies p_events in array order to the running state p_acc and returns it. Unknown types only move the counters.';

CREATE FUNCTION event_store._fold_final(p_acc event_store._fold_acc) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT jsonb_build_object(
        'instance_id', p_acc.instance_id,
        'status', p_acc.status,
        'instance_type', p_acc.instance_type,
        'project', p_acc.project,
        'last_sequence_num', p_acc.last_sequence_num,
        'last_event_type', p_acc.last_event_type,
        'latest_timestamp', to_char(p_acc.latest_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'total_events_replayed', p_acc.total_events,
        'last_epic', p_acc.last_epic,
        'current_epic', p_acc.current_epic,
        'epics', p_acc.epics,
        'tests', jsonb_build_object(
            'started', p_acc.tests_started, 'passed', p_acc.tests_passed,
            'failed', p_acc.tests_failed, 'last_failure', p_acc.tests_last_failure),
        'validations', jsonb_build_object(
            'passed', p_acc.validations_passed, 'failed', p_acc.validations_failed,
            'last_failure', p_acc.validations_last_failure),
        'git', jsonb_build_object(
            'commits', p_acc.commits,
            'last_commit', CASE WHEN p_acc.last_commit IS NOT NULL THEN jsonb_build_object(
                               'commit_sha', p_acc.last_commit -> 'commit_sha',
                               'message', p_acc.last_commit -> 'message',
                               'branch', p_acc.last_commit -> 'branch') END,
            'open_prs', p_acc.open_prs,
            'merged_prs', p_acc.merged_prs),
        'deployments', jsonb_build_object(
            'started', p_acc.deployments_started, 'completed', p_acc.deployments_completed,
            'failed', p_acc.deployments_failed, 'last', p_acc.last_deployment,
            'by_environment', p_acc.deployments_by_env),
        'context_window', jsonb_build_object(
            'usage_percent', p_acc.context_usage_percent,
            'updated_at', to_char(p_acc.context_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
        'checkpoints', jsonb_build_object(
            'created', p_acc.checkpoints_created, 'loaded', p_acc.checkpoints_loaded,
            'last_checkpoint_id', p_acc.last_checkpoint_id),
        'planning', jsonb_build_object(
            'planned_epics', p_acc.planned_epics,
            'feature_requests', p_acc.feature_requests, 'tasks_spawned', p_acc.tasks_spawned))
$$;

COMMENT ON FUNCTION event_store._fold_final(p_acc event_store._fold_acc) IS 'Internal: the jsonb state (every key present, timestamps ISO UTC) from a running _fold_acc.';

CREATE FUNCTION event_store._fold_initial() RETURNS event_store._fold_acc
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
    SELECT '(,active,,,0,,,0,,,{},0,0,0,,0,0,,0,,[],[],0,0,0,,{},,,0,0,,[],0,0)'::event_store._fold_acc
$$;

COMMENT ON FUNCTION event_store._fold_initial() IS 'Internal: the fold state before any event (status active, zero counters, empty logs).';

CREATE FUNCTION event_store._fold_state_final(p_events event_store.events[]) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
    SELECT event_store._fold_final(event_store._fold_apply(event_store._fold_initial(), p_events))
$$;

COMMENT ON FUNCTION event_store._fold_state_final(p_events event_store.events[]) IS 'Internal: final function of fold_state; the jsonb state after the collected events.';

CREATE FUNCTION event_store._fold_version() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
    SELECT 1
$$;

COMMENT ON FUNCTION event_store._fold_version() IS 'Internal: version of the fold logic; snapshots record it and replay ignores other versions.';

CREATE FUNCTION event_store._instance_head(p_instance_id text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_head bigint;
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    SELECT i.last_sequence_num INTO v_head FROM event_store.instances i WHERE i.instance_id = p_instance_id;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;
    RETURN v_head;
END
$$;

COMMENT ON FUNCTION event_store._instance_head(p_instance_id text) IS 'Internal: an instance''s last_sequence_num; raises ES006 (NULL or malformed id) or ES002 (unknown).';

CREATE FUNCTION event_store._instance_not_found(p_instance_id text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'instance "%" not found', p_instance_id
        USING ERRCODE = 'ES002',
              HINT = 'Register it first with event_store.register_instance(instance_id, instance_type, project).';
END
$$;

COMMENT ON FUNCTION event_store._instance_not_found(p_instance_id text) IS 'Internal: raises ES002 for an unknown instance.';

CREATE FUNCTION event_store._is_instance_id(p_instance_id text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT coalesce(p_instance_id OPERATOR(pg_catalog.~) '^[A-Za-z0-9_.-]{1,32}$', false)
$_$;

COMMENT ON FUNCTION event_store._is_instance_id(p_instance_id text) IS 'Internal: true when a text is a well-formed instance id (1-32 characters of [A-Za-z0-9_.-]); false for NULL.';

CREATE FUNCTION event_store._json_within_limits(p_value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT p_value IS NULL
        OR p_value OPERATOR(pg_catalog.@@)
           'strict !(exists($.**{32} ? (@.type() == "object" || @.type() == "array")))
                && !(exists($.** ? (@.type() == "number"
                                    && !(@ > -1e32 && @ < 1e32 && (@ * 1e30).floor() == @ * 1e30))))'::jsonpath
$_$;

COMMENT ON FUNCTION event_store._json_within_limits(p_value jsonb) IS 'Internal: fast test that a JSON value is nested at most 32 levels deep and has only short numbers; false means check precisely with _check_json_limits.';

CREATE FUNCTION event_store._keyword_terms(p_keyword_json text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT NULLIF(
               event_store._search_terms(' ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(
                   s.t[2 : pg_catalog.cardinality(s.t) OPERATOR(pg_catalog.-) 1], ' ')
                   OPERATOR(pg_catalog.||) ' '),
               '{}')
      FROM (SELECT pg_catalog.regexp_split_to_array(p_keyword_json, '[^a-z0-9]+') AS t) s
$$;

COMMENT ON FUNCTION event_store._keyword_terms(p_keyword_json text) IS 'Internal: the terms (_search_terms) every text holding the keyword has: its tokens with a separator on both sides inside it, and adjacent pairs of them; NULL when there is none.';

CREATE FUNCTION event_store._lock_stream(p_instance_id text) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO event_store.stream_locks (instance_id) VALUES (p_instance_id)
            ON CONFLICT (instance_id) DO NOTHING;
        PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE;
    END IF;
END
$$;

COMMENT ON FUNCTION event_store._lock_stream(p_instance_id text) IS 'Internal: take the stream lock of an instance (a row lock on its stream_locks row, which only the owner can take), before its instances row: fair queueing on hot streams and one lock order everywhere.';

CREATE FUNCTION event_store._refuse_event_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_stack text;
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.instance_id = current_setting('event_store.delete_instance', true) THEN
        GET DIAGNOSTICS v_stack = PG_CONTEXT;
        IF (strpos(v_stack, 'PL/pgSQL function delete_events_for_instance(text) line ') > 0
            OR strpos(v_stack, 'PL/pgSQL function event_store.delete_events_for_instance(text) line ') > 0)
           AND (SELECT i.last_sequence_num FROM event_store.instances i WHERE i.instance_id = OLD.instance_id) = 0 THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'events are immutable: % on event_store.events is not allowed', TG_OP
        USING ERRCODE = 'ES005',
              DETAIL = 'The event log is append-only; rows are never updated or removed.',
              HINT = 'Record a correction as a new event. To clear a test instance, an '
                     'event_store_admin calls event_store.delete_events_for_instance(instance_id).';
END
$$;

COMMENT ON FUNCTION event_store._refuse_event_change() IS 'Trigger function: raises ES005 on UPDATE, DELETE or TRUNCATE of events, except the DELETE done inside delete_events_for_instance() (setting event_store.delete_instance, that function on the call stack, head reset to 0).';

CREATE FUNCTION event_store._refuse_partial_delete() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_instance text := current_setting('event_store.delete_instance', true);
BEGIN
    IF EXISTS (SELECT FROM event_store.events e WHERE e.instance_id = v_instance) THEN
        RAISE EXCEPTION 'events are immutable: a DELETE may only remove all events of instance "%"', v_instance
            USING ERRCODE = 'ES005',
                  HINT = 'To clear a test instance, an event_store_admin calls '
                         'event_store.delete_events_for_instance(instance_id).';
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION event_store._refuse_partial_delete() IS 'Trigger function: raises ES005 when a DELETE left some events of the instance it was allowed to clear.';

CREATE FUNCTION event_store._refuse_registry_delete() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION '% of %.% refused: instances and event types are never deleted', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'ES005',
              HINT = 'Events refer to them. To clear an instance''s events, use event_store.delete_events_for_instance.';
END
$$;

COMMENT ON FUNCTION event_store._refuse_registry_delete() IS 'Trigger function: raises ES005 on DELETE or TRUNCATE of instances or event_types (events refer to them).';

CREATE FUNCTION event_store._replay(p_instance_id text, p_to_sequence_num bigint, OUT acc event_store._fold_acc, OUT events_replayed bigint, OUT to_sequence_num bigint, OUT last_event_id uuid) RETURNS record
    LANGUAGE plpgsql STABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_head  bigint;
    v_from  bigint := 0;
    v_upto  bigint;
    v_chunk event_store.events[];
    v_state jsonb;
BEGIN
    IF p_to_sequence_num < 0 THEN
        RAISE EXCEPTION 'to_sequence_num must be 0 or more, got %', p_to_sequence_num
            USING ERRCODE = 'ES006', HINT = 'Pass a sequence number to replay up to, or NULL for all events.';
    END IF;
    v_head := event_store._instance_head(p_instance_id);
    to_sequence_num := least(coalesce(p_to_sequence_num, v_head), v_head);

    SELECT s.state, s.sequence_num, s.event_id
      INTO v_state, v_from, last_event_id
      FROM event_store.snapshots s
     WHERE s.instance_id = p_instance_id
       AND s.fold_version = event_store._fold_version()
       AND s.sequence_num <= to_sequence_num
     ORDER BY s.sequence_num DESC
     LIMIT 1;
    IF FOUND THEN
        acc := pg_catalog.jsonb_populate_record(NULL::event_store._fold_acc, v_state);
    ELSE
        acc := event_store._fold_initial();
        v_from := 0;
    END IF;

    events_replayed := 0;
    WHILE v_from < to_sequence_num LOOP
        v_upto := least(v_from + 10000, to_sequence_num);
        v_chunk := ARRAY(SELECT e FROM event_store.events e
                          WHERE e.instance_id = p_instance_id
                            AND e.sequence_num > v_from AND e.sequence_num <= v_upto
                          ORDER BY e.sequence_num);
        acc := event_store._fold_apply(acc, v_chunk);
        events_replayed := events_replayed + cardinality(v_chunk);
        IF cardinality(v_chunk) > 0 THEN
            last_event_id := (v_chunk[cardinality(v_chunk)]).event_id;
        END IF;
        v_from := v_upto;
    END LOOP;
    acc.instance_id := p_instance_id;
END
$$;

COMMENT ON FUNCTION event_store._replay(p_instance_id text, p_to_sequence_num bigint, OUT acc event_store._fold_acc, OUT events_replayed bigint, OUT to_sequence_num bigint, OUT last_event_id uuid) IS 'Internal: the running fold state of an instance up to a sequence number (NULL = head), from the newest usable snapshot; also returns how many events were read, the sequence reached and the id of the event there. Raises ES002, ES006.';

CREATE FUNCTION event_store._schema_predicate(p_schema jsonb) RETURNS jsonpath
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_terms text[] := ARRAY['$.type() == "object"'];
    v_field text;
    v_spec  jsonb;
    v_path  text;
    v_type  text;
    v_enum  text;
BEGIN
    FOR v_field IN SELECT jsonb_array_elements_text(coalesce(p_schema -> 'required', '[]')) LOOP
        v_terms := v_terms || format('$.%s.type() != "null"', to_json(v_field));
    END LOOP;
    FOR v_field, v_spec IN
        SELECT key, value FROM jsonb_each(coalesce(p_schema -> 'properties', '{}'))
        UNION ALL
        SELECT 'epic_id', '{"type": "string"}' WHERE NOT coalesce(p_schema -> 'properties', '{}') ? 'epic_id'
    LOOP
        v_path := '$.' || to_json(v_field)::text;
        v_type := v_spec ->> 'type';
        IF v_type = 'integer' THEN
            v_terms := v_terms || format('!(%1$s.type() != "number" && %1$s.type() != "null")', v_path)
                               || format('!(%1$s.type() == "number" && %1$s.floor() != %1$s)', v_path);
        ELSIF v_type IS NOT NULL THEN
            v_terms := v_terms || format('!(%1$s.type() != %2$s && %1$s.type() != "null")', v_path, to_json(v_type));
        END IF;
        IF v_spec ? 'enum' THEN
            SELECT string_agg(format('%s == %s', v_path, e), ' || ') INTO v_enum
              FROM jsonb_array_elements(v_spec -> 'enum') e
             WHERE jsonb_typeof(e) IN ('string', 'number', 'boolean');
            v_terms := v_terms || format('!(%1$s.type() != "null" && (%1$s.type() == "array" || %1$s.type() == "object" || !(%2$s)))',
                                         v_path, coalesce(v_enum, '1 == 0'));  -- no scalar to compare: never true
        END IF;
        IF jsonb_typeof(v_spec -> 'minimum') = 'number' THEN
            v_terms := v_terms || format('!(%1$s.type() == "number" && %1$s < %2$s)', v_path, v_spec -> 'minimum');
        END IF;
        IF jsonb_typeof(v_spec -> 'maximum') = 'number' THEN
            v_terms := v_terms || format('!(%1$s.type() == "number" && %1$s > %2$s)', v_path, v_spec -> 'maximum');
        END IF;
    END LOOP;
    RETURN array_to_string(v_terms, ' && ')::jsonpath;
END
$_$;

COMMENT ON FUNCTION event_store._schema_predicate(p_schema jsonb) IS 'Internal: a data_schema compiled to one jsonpath predicate (data @@ predicate) for the fast path of validation; never more lenient than _validate_event.';

CREATE FUNCTION event_store._search_terms(p_text text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    v_tokens text[] := pg_catalog.regexp_split_to_array(p_text, '[^a-z0-9]+');
    v_n      int := pg_catalog.cardinality(v_tokens);
    v_terms  text[] := '{}';
    v_next   text;
BEGIN
    FOR i IN 1 .. v_n LOOP
        CONTINUE WHEN pg_catalog.length(v_tokens[i]) OPERATOR(pg_catalog.=) 0
                   OR pg_catalog.length(v_tokens[i]) OPERATOR(pg_catalog.>) 40;
        v_terms := pg_catalog.array_append(v_terms, v_tokens[i]);
        v_next := v_tokens[i OPERATOR(pg_catalog.+) 1];
        IF pg_catalog.length(v_next) OPERATOR(pg_catalog.>) 0 AND pg_catalog.length(v_next) OPERATOR(pg_catalog.<=) 40 THEN
            v_terms := pg_catalog.array_append(v_terms, v_tokens[i] OPERATOR(pg_catalog.||) ' '
                                                        OPERATOR(pg_catalog.||) v_next);
        END IF;
    END LOOP;
    RETURN v_terms;
END
$$;

COMMENT ON FUNCTION event_store._search_terms(p_text text) IS 'Internal: the tokens (runs of a-z0-9, 1-40 characters) of a keyword-search text and the pairs of adjacent tokens ("start 17"): the expression of fleet_index_terms_idx.';

CREATE FUNCTION event_store._search_text(p_event_data jsonb, p_metadata jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT pg_catalog.lower(
        (pg_catalog.jsonb_path_query_array(p_event_data,
             'strict $.** ? (@.type() != "object" && @.type() != "array" && @.type() != "null")')
         OPERATOR(pg_catalog.||)
         pg_catalog.jsonb_path_query_array(p_metadata,
             'strict $.** ? (@.type() != "object" && @.type() != "array" && @.type() != "null")'))::text)
$_$;

COMMENT ON FUNCTION event_store._search_text(p_event_data jsonb, p_metadata jsonb) IS 'Internal: the scalar values of event_data and metadata (not keys, not null) as one lower-cased JSON array text; what query_events'' p_keyword matches, and the expression of the trigram index.';

CREATE FUNCTION event_store._sequence_conflict(p_instance_id text, p_expected bigint, p_actual bigint) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'expected sequence mismatch for instance "%": expected %, actual %',
                    p_instance_id, p_expected, p_actual
        USING ERRCODE = 'ES004',
              DETAIL = format('expected=%s actual=%s', p_expected, p_actual),
              HINT = 'Another writer appended first. Read the new events, decide again, and retry '
                     'with the current last sequence_num.';
END
$$;

COMMENT ON FUNCTION event_store._sequence_conflict(p_instance_id text, p_expected bigint, p_actual bigint) IS 'Internal: raises ES004 (expected sequence mismatch) with expected and actual.';

CREATE TABLE event_store.snapshots (
    snapshot_id bigint NOT NULL,
    instance_id character varying(32) NOT NULL,
    sequence_num bigint NOT NULL,
    event_id uuid NOT NULL,
    fold_version integer NOT NULL,
    state jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT snapshots_sequence_num_positive CHECK ((sequence_num > 0)),
    CONSTRAINT snapshots_state_object CHECK ((jsonb_typeof(state) = 'object'::text))
);

COMMENT ON TABLE event_store.snapshots IS 'Folded instance states at a sequence number (create_snapshot, or automatically every event_store.snapshot_every events in replay_events). replay_events starts from the newest one of the current fold version at or below its target.';

COMMENT ON COLUMN event_store.snapshots.event_id IS 'The event at sequence_num when the snapshot was taken; deleting it (delete_events_for_instance) deletes the snapshot.';

COMMENT ON COLUMN event_store.snapshots.fold_version IS 'event_store._fold_version() of the fold that made the state; other versions are ignored.';

COMMENT ON COLUMN event_store.snapshots.state IS 'to_jsonb of the running fold state (_fold_acc) after the event at sequence_num; the jsonb state a client sees is event_store._fold_final of it.';

CREATE FUNCTION event_store._store_snapshot(p_instance_id text, p_acc event_store._fold_acc, p_event_id uuid) RETURNS event_store.snapshots
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_snapshot event_store.snapshots;
    v_event_id uuid := p_event_id;
BEGIN
    IF v_event_id IS NULL THEN
        RETURN NULL;                                     -- no event folded: nothing to attach to
    END IF;
    BEGIN
        INSERT INTO event_store.snapshots AS s (instance_id, sequence_num, event_id, fold_version, state)
        VALUES (p_instance_id, p_acc.last_sequence_num, v_event_id, event_store._fold_version(),
                pg_catalog.to_jsonb(p_acc))
        ON CONFLICT (instance_id, fold_version, sequence_num) DO NOTHING
        RETURNING * INTO v_snapshot;
    EXCEPTION WHEN foreign_key_violation THEN
        RETURN NULL;                                     -- the event is gone: reset since the fold
    END;
    IF v_snapshot.snapshot_id IS NULL THEN
        SELECT * INTO v_snapshot
          FROM event_store.snapshots s
         WHERE s.instance_id = p_instance_id AND s.fold_version = event_store._fold_version()
           AND s.sequence_num = p_acc.last_sequence_num AND s.event_id = v_event_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN v_snapshot;
END
$$;

COMMENT ON FUNCTION event_store._store_snapshot(p_instance_id text, p_acc event_store._fold_acc, p_event_id uuid) IS 'Internal: store a running fold state as a snapshot attached to the event the fold read at its last_sequence_num (idempotent per instance, fold version and sequence number); returns the snapshot row, or NULL when that event was deleted since (the stream was reset).';

CREATE TABLE event_store.subscriptions (
    subscription_name text NOT NULL,
    event_types text[],
    instance_ids text[],
    project text,
    members integer DEFAULT 1 NOT NULL,
    lease interval DEFAULT '00:00:30'::interval NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT subscriptions_lease_range CHECK (((lease >= '00:00:01'::interval) AND (lease <= '1 day'::interval))),
    CONSTRAINT subscriptions_members_range CHECK (((members >= 1) AND (members <= 1000))),
    CONSTRAINT subscriptions_name_format CHECK ((subscription_name ~ '^[A-Za-z0-9_.:-]{1,64}$'::text))
);

COMMENT ON TABLE event_store.subscriptions IS 'Named followers of the change feed (read_all order) with a server-side checkpoint per consumer-group member (subscription_slots). Written only by create_subscription and drop_subscription.';

COMMENT ON COLUMN event_store.subscriptions.event_types IS 'Filter: only these event types (NULL = all).';

COMMENT ON COLUMN event_store.subscriptions.instance_ids IS 'Filter: only these instances (NULL = all).';

COMMENT ON COLUMN event_store.subscriptions.project IS 'Filter: only instances of this project (NULL = all).';

COMMENT ON COLUMN event_store.subscriptions.members IS 'Consumer-group size: instance i goes to member _feed_slot(i, members), so each instance''s events go to one member, in order.';

COMMENT ON COLUMN event_store.subscriptions.lease IS 'How long a member keeps its share without polling or acking; after that another member takes it over.';

CREATE FUNCTION event_store._subscription(p_subscription_name text, p_lock boolean DEFAULT false) RETURNS event_store.subscriptions
    LANGUAGE plpgsql
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_sub event_store.subscriptions;
BEGIN
    IF p_subscription_name IS NULL OR p_subscription_name !~ '^[A-Za-z0-9_.:-]{1,64}$' THEN
        RAISE EXCEPTION 'invalid subscription name "%": use 1-64 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-"',
                        coalesce(left(p_subscription_name, 80), 'null')
            USING ERRCODE = 'ES006', HINT = 'For example ''checkpoint-trigger''.';
    END IF;
    IF p_lock THEN
        SELECT * INTO v_sub FROM event_store.subscriptions s WHERE s.subscription_name = p_subscription_name FOR SHARE;
    ELSE
        SELECT * INTO v_sub FROM event_store.subscriptions s WHERE s.subscription_name = p_subscription_name;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'subscription "%" not found', p_subscription_name
            USING ERRCODE = 'ES008',
                  HINT = 'Create it with event_store.create_subscription(name); list them with event_store.list_subscriptions().';
    END IF;
    RETURN v_sub;
END
$_$;

COMMENT ON FUNCTION event_store._subscription(p_subscription_name text, p_lock boolean) IS 'Internal: the subscription row of a name (optionally locked FOR SHARE). Errors: ES006 malformed name, ES008 no such subscription.';

CREATE FUNCTION event_store._try_lock_stream(p_instance_id text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF EXISTS (SELECT FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id) THEN
        RETURN false;                                    -- held by another transaction
    END IF;
    INSERT INTO event_store.stream_locks (instance_id) VALUES (p_instance_id)
        ON CONFLICT (instance_id) DO NOTHING;
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE SKIP LOCKED;
    RETURN FOUND;
END
$$;

COMMENT ON FUNCTION event_store._try_lock_stream(p_instance_id text) IS 'Internal: take the stream lock of an instance if it is free; false when another transaction holds it.';

CREATE FUNCTION event_store._validate_event(p_event_type text, p_event_data jsonb, p_where text DEFAULT ''::text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_schema  jsonb;
    v_field   text;
    v_spec    jsonb;
    v_value   jsonb;
    v_type    text;
    v_actual  text;
    v_size    int;
    v_problem text;
    v_valid   boolean;
BEGIN
    IF p_event_type IS NULL THEN
        RAISE EXCEPTION '%event_type must not be null', p_where
            USING ERRCODE = 'ES006',
                  HINT = 'Pass one of the registered types; list them with event_store.list_event_types().';
    END IF;

    IF length(p_event_type) > 63 THEN                  -- before the lookup and the hint's edit distance
        RAISE EXCEPTION '%event_type "%..." is % characters long, over the limit of 63',
                        p_where, left(p_event_type, 40), length(p_event_type)
            USING ERRCODE = 'ES006',
                  HINT = 'Event type names have 1-63 characters; list them with event_store.list_event_types().';
    END IF;

    SELECT et.data_schema INTO v_schema FROM event_store.event_types et WHERE et.event_type = p_event_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%unknown event_type "%"', p_where, p_event_type
            USING ERRCODE = 'ES001',
                  HINT = format('Did you mean %s? List all types with event_store.list_event_types().',
                                (SELECT string_agg(format('"%s"', t), ' or ')
                                   FROM unnest(event_store._closest_event_types(p_event_type)) t));
    END IF;

    IF p_event_data IS NULL THEN
        RAISE EXCEPTION '%event_data must not be null', p_where
            USING ERRCODE = 'ES006', HINT = 'Pass a JSON object, e.g. ''{}''::jsonb when the type has no required fields.';
    END IF;
    IF jsonb_typeof(p_event_data) <> 'object' THEN
        RAISE EXCEPTION '%invalid event_data for "%": expected a JSON object, got %',
                        p_where, p_event_type, jsonb_typeof(p_event_data)
            USING ERRCODE = 'ES003', HINT = 'Wrap the values in an object, e.g. {"epic_id": "E-1"}.';
    END IF;
    v_size := pg_column_size(p_event_data);
    -- instance_registered (written only by register_instance, which checks its project and
    -- metadata against the same limits) nests the metadata one level down: exempt from the caps.
    IF v_size > 1048576 AND p_event_type <> 'instance_registered' THEN
        RAISE EXCEPTION '%invalid event_data for "%": % bytes is over the 1 MiB cap', p_where, p_event_type, v_size
            USING ERRCODE = 'ES003', HINT = 'Store large payloads elsewhere and put a reference in the event.';
    END IF;
    IF p_event_type <> 'instance_registered' THEN
        v_valid := event_store._check_json_limits(p_event_data, format('%sevent_data for "%s"', p_where, p_event_type), 'ES003');
    END IF;

    SELECT r INTO v_field
      FROM jsonb_array_elements_text(v_schema -> 'required') r
     WHERE coalesce(jsonb_typeof(p_event_data -> r), 'null') = 'null'
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%invalid event_data for "%": missing required field "%"', p_where, p_event_type, v_field
            USING ERRCODE = 'ES003',
                  HINT = format('"%s" requires: %s.', p_event_type,
                                (SELECT string_agg(r, ', ') FROM jsonb_array_elements_text(v_schema -> 'required') r));
    END IF;

    FOR v_field, v_spec IN
        SELECT p.key, p.value FROM jsonb_each(coalesce(v_schema -> 'properties', '{}')) p
        UNION ALL
        SELECT 'epic_id', '{"type": "string"}'::jsonb   -- any event may carry an epic_id string
         WHERE NOT coalesce(v_schema -> 'properties', '{}') ? 'epic_id'
    LOOP
        v_value := p_event_data -> v_field;
        CONTINUE WHEN v_value IS NULL OR jsonb_typeof(v_value) = 'null';
        v_actual := jsonb_typeof(v_value);
        v_type := v_spec ->> 'type';
        v_problem := NULL;
        IF v_type = 'integer' THEN
            IF v_actual <> 'number' OR (v_value::numeric) <> trunc(v_value::numeric) THEN
                v_problem := format('must be an integer, got %s', v_value);
            END IF;
        ELSIF v_type IS NOT NULL AND v_actual <> v_type THEN
            v_problem := format('must be %s %s, got %s %s',
                                CASE WHEN v_type IN ('array', 'object', 'integer') THEN 'an' ELSE 'a' END,
                                v_type, v_actual, left(v_value::text, 80));
        END IF;
        IF v_problem IS NULL AND v_spec ? 'enum'
           AND NOT EXISTS (SELECT FROM jsonb_array_elements(v_spec -> 'enum') e WHERE e = v_value) THEN
            v_problem := format('must be one of %s, got %s',
                                (SELECT string_agg(e, ', ') FROM jsonb_array_elements_text(v_spec -> 'enum') e),
                                left(v_value::text, 80));
        END IF;
        IF v_problem IS NULL AND v_actual = 'number' THEN
            IF v_spec ? 'minimum' AND v_value::numeric < (v_spec ->> 'minimum')::numeric THEN
                v_problem := format('must be at least %s, got %s', v_spec ->> 'minimum', v_value);
            ELSIF v_spec ? 'maximum' AND v_value::numeric > (v_spec ->> 'maximum')::numeric THEN
                v_problem := format('must be at most %s, got %s', v_spec ->> 'maximum', v_value);
            END IF;
        END IF;
        IF v_problem IS NOT NULL THEN
            RAISE EXCEPTION '%invalid event_data for "%": field "%" %', p_where, p_event_type, v_field, v_problem
                USING ERRCODE = 'ES003',
                      HINT = format('Schema of "%s"."%s": %s', p_event_type, v_field, v_spec);
        END IF;
    END LOOP;
    RETURN true;
END
$$;

COMMENT ON FUNCTION event_store._validate_event(p_event_type text, p_event_data jsonb, p_where text) IS 'Internal: raises ES006 (null type or data, type name over 63 characters), ES001 (unknown type, hint names the closest) or ES003 (data not an object, over 1 MiB, nested deeper than 32 levels, a number over 64 characters, or not matching the type''s data_schema; names the field).';

CREATE FUNCTION event_store.ack_subscription(p_subscription_name text, p_cursor text, p_member integer DEFAULT 0) RETURNS TABLE(subscription_name text, slot integer, checkpoint text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_sub      event_store.subscriptions := event_store._subscription(p_subscription_name, true);
    v_to       record;
    v_instance text;
    v_slot     event_store.subscription_slots;
BEGIN
    IF p_cursor IS NULL THEN
        RAISE EXCEPTION 'cursor must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the cursor of the last row of the batch you processed.';
    END IF;
    v_to := event_store._feed_position(p_cursor);
    SELECT e.instance_id INTO v_instance FROM event_store.events e
     WHERE e.global_position = v_to.global_position AND e.feed_key = v_to.feed_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'cursor "%" names no event of this store', p_cursor
            USING ERRCODE = 'ES006', HINT = 'Acknowledge a cursor returned by poll_subscription.';
    END IF;
    SELECT * INTO v_slot FROM event_store.subscription_slots s
     WHERE s.subscription_name = p_subscription_name
       AND s.slot = event_store._feed_slot(v_instance, v_sub.members)
       FOR UPDATE;
    IF v_slot.holder IS DISTINCT FROM p_member THEN
        RAISE EXCEPTION 'member % does not hold slot % of subscription "%" (held by %)',
                        p_member, v_slot.slot, p_subscription_name, coalesce(v_slot.holder::text, 'nobody')
            USING ERRCODE = 'ES004',
                  HINT = 'The lease ran out and another member took the slot over: roll back this batch''s '
                         'work and poll again.';
    END IF;
    IF (v_to.feed_key, v_to.global_position) <= (v_slot.checkpoint_key, v_slot.checkpoint_position) THEN
        RAISE EXCEPTION 'cursor "%" is not after the checkpoint of subscription "%" slot %', p_cursor,
                        p_subscription_name, v_slot.slot
            USING ERRCODE = 'ES004',
                  DETAIL = format('checkpoint=%s', event_store._feed_cursor(v_slot.checkpoint_key, v_slot.checkpoint_position)),
                  HINT = 'This batch was already acknowledged (by you or a concurrent consumer): roll back its work '
                         'and poll again.';
    END IF;
    IF (v_to.feed_key, v_to.global_position) > (v_slot.delivered_key, v_slot.delivered_position) THEN
        RAISE EXCEPTION 'cursor "%" was not delivered by subscription "%" slot % yet', p_cursor,
                        p_subscription_name, v_slot.slot
            USING ERRCODE = 'ES006', HINT = 'Acknowledge only cursors that poll_subscription returned to you.';
    END IF;
    UPDATE event_store.subscription_slots s
       SET checkpoint_key = v_to.feed_key, checkpoint_position = v_to.global_position,
           acked_at = now(), lease_until = now() + v_sub.lease
     WHERE s.subscription_name = p_subscription_name AND s.slot = v_slot.slot;
    RETURN QUERY SELECT p_subscription_name, v_slot.slot, p_cursor;
END
$$;

COMMENT ON FUNCTION event_store.ack_subscription(p_subscription_name text, p_cursor text, p_member integer) IS 'Move the checkpoint of subscription p_subscription_name forward to p_cursor (compare-and-set) -> (subscription_name, slot, checkpoint); call it in the transaction of your own writes for exactly-once effects. Errors: ES004 not after the checkpoint (backwards or twice) or slot taken over by another member, ES006 bad or undelivered cursor, ES008 no such subscription.';

CREATE FUNCTION event_store.aggregate_events_by_type(p_instance_id text DEFAULT NULL::text, p_start_date timestamp with time zone DEFAULT NULL::timestamp with time zone, p_end_date timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(event_type text, category text, event_count bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    SET plan_cache_mode TO 'force_custom_plan'
    AS $_$
DECLARE
    v_first timestamptz;   -- the first whole hour of the range (NULL: from the beginning)
    v_end   timestamptz;   -- the end of the last whole hour (NULL: to the end)
    v_mark_key xid8;       -- the projection's watermark
    v_mark_pos bigint;
BEGIN
    PERFORM event_store._check_date_range(p_start_date, p_end_date);
    IF p_instance_id IS NOT NULL THEN
        PERFORM event_store._instance_head(p_instance_id);
        -- Dynamic so each call is planned for its own filters.
        RETURN QUERY EXECUTE format(
            'SELECT c.event_type, et.category, c.n
               FROM (SELECT e.event_type, count(*) AS n FROM event_store.events e WHERE e.instance_id = $1 %s%s
                      GROUP BY e.event_type) c
               JOIN event_store.event_types et ON et.event_type = c.event_type
              ORDER BY c.n DESC, c.event_type',
            CASE WHEN p_start_date IS NOT NULL THEN ' AND e."timestamp" >= $2' END,
            CASE WHEN p_end_date IS NOT NULL THEN ' AND e."timestamp" <= $3' END)
        USING p_instance_id, p_start_date, p_end_date;
        RETURN;
    END IF;

    -- Hour boundaries in UTC, as fleet_type_counts buckets them; an hour [h, h + 1 hour) is whole
    -- when v_first <= h and h + 1 hour <= v_end (the end date is inclusive, so an event stamped
    -- exactly at v_end falls in a partial hour).
    v_first := date_trunc('hour', p_start_date, 'UTC');
    IF v_first < p_start_date THEN
        v_first := v_first + interval '1 hour';
    END IF;
    v_end := date_trunc('hour', p_end_date, 'UTC');
    IF v_first >= v_end THEN                    -- no whole hour: all from fleet_index
        v_end := v_first;
    END IF;

    -- The watermark as values, so the events after it are planned as a short range of
    -- events_feed_key_idx; STABLE, so this and the query below read one snapshot.
    SELECT w.feed_key, w.global_position INTO v_mark_key, v_mark_pos
      FROM event_store.projections w WHERE w.projection_name = 'fleet_index';
    -- Grouped by type before the join (one row per type reaches event_types); the parts are int
    -- so the sum is int8 arithmetic, not numeric.
    RETURN QUERY
    SELECT g.event_type, et.category, g.n
      FROM (SELECT c.event_type, sum(c.n) AS n
      FROM (SELECT r.event_type, r.event_count AS n
              FROM event_store.fleet_type_counts r
             WHERE (v_first IS NULL OR r.hour >= v_first) AND (v_end IS NULL OR r.hour < v_end)
            UNION ALL
            SELECT f.event_type, count(*)::int
              FROM event_store.fleet_index f
             WHERE f."timestamp" >= p_start_date AND f."timestamp" < v_first
               AND (p_end_date IS NULL OR f."timestamp" <= p_end_date)
             GROUP BY f.event_type
            UNION ALL
            SELECT f.event_type, count(*)::int
              FROM event_store.fleet_index f
             WHERE f."timestamp" >= v_end AND f."timestamp" <= p_end_date
               AND (p_start_date IS NULL OR f."timestamp" >= p_start_date)
             GROUP BY f.event_type
            UNION ALL
            SELECT e.event_type, count(*)::int
              FROM event_store.events e
             WHERE (e.feed_key, e.global_position) > (v_mark_key, v_mark_pos)
               AND (p_start_date IS NULL OR e."timestamp" >= p_start_date)
               AND (p_end_date IS NULL OR e."timestamp" <= p_end_date)
             GROUP BY e.event_type) c
             GROUP BY c.event_type
            HAVING sum(c.n) > 0) g
      JOIN event_store.event_types et ON et.event_type = g.event_type
     ORDER BY 3 DESC, 1;
END
$_$;

COMMENT ON FUNCTION event_store.aggregate_events_by_type(p_instance_id text, p_start_date timestamp with time zone, p_end_date timestamp with time zone) IS 'Event counts per type as (event_type, category, event_count), most frequent first, for one instance (NULL = all) between optional inclusive dates. Errors: ES002 unknown instance, ES006 invalid argument.';

CREATE FUNCTION event_store.count_events(p_instance_id text DEFAULT NULL::text, p_event_types text[] DEFAULT NULL::text[], p_start_date timestamp with time zone DEFAULT NULL::timestamp with time zone, p_end_date timestamp with time zone DEFAULT NULL::timestamp with time zone, p_keyword text DEFAULT NULL::text, p_after_sequence bigint DEFAULT NULL::bigint) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
    SELECT coalesce((SELECT q.total_count
                       FROM event_store.query_events(p_instance_id, p_event_types, p_start_date, p_end_date,
                                                     p_keyword, 1, 0, p_after_sequence, true) q), 0)
$$;

COMMENT ON FUNCTION event_store.count_events(p_instance_id text, p_event_types text[], p_start_date timestamp with time zone, p_end_date timestamp with time zone, p_keyword text, p_after_sequence bigint) IS 'Number of events matching every given filter of query_events (its total_count, 0 when none match): p_instance_id (NULL = all instances), p_event_types, p_start_date/p_end_date (inclusive), p_keyword, p_after_sequence (one instance: sequence_num > it). Errors: ES001 unknown event type, ES002 unknown instance, ES006 invalid argument.';

CREATE FUNCTION event_store.create_snapshot(p_instance_id text) RETURNS TABLE(snapshot_id bigint, instance_id text, sequence_num bigint, fold_version integer, events_replayed bigint, created_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_replay   record;
    v_snapshot event_store.snapshots;
    v_attempt  int;
BEGIN
    FOR v_attempt IN 1 .. 3 LOOP
        v_replay := event_store._replay(p_instance_id, NULL);
        IF v_replay.to_sequence_num = 0 THEN
            RAISE EXCEPTION 'instance "%" has no events to snapshot', p_instance_id
                USING ERRCODE = 'ES006', HINT = 'Emit events first; a snapshot is taken at the last event.';
        END IF;
        v_snapshot := event_store._store_snapshot(p_instance_id, v_replay.acc, v_replay.last_event_id);
        EXIT WHEN v_snapshot.snapshot_id IS NOT NULL;
    END LOOP;
    IF v_snapshot.snapshot_id IS NULL THEN
        RAISE EXCEPTION 'instance "%" was reset while its snapshot was being taken', p_instance_id
            USING ERRCODE = 'ES004',
                  HINT = 'Its events were deleted and written again meanwhile (delete_events_for_instance); retry.';
    END IF;
    RETURN QUERY
    SELECT v_snapshot.snapshot_id, v_snapshot.instance_id::text, v_snapshot.sequence_num,
           v_snapshot.fold_version, v_replay.events_replayed, v_snapshot.created_at;
END
$$;

COMMENT ON FUNCTION event_store.create_snapshot(p_instance_id text) IS 'Snapshot an instance''s folded state at its head; returns (snapshot_id, instance_id, sequence_num, fold_version, events_replayed = events read to build it, created_at). Idempotent per head. Errors: ES002 unknown instance, ES004 the instance was reset during three attempts, ES006 invalid instance id or no events yet.';

CREATE FUNCTION event_store.create_subscription(p_subscription_name text, p_start_from text DEFAULT 'beginning'::text, p_event_types text[] DEFAULT NULL::text[], p_instance_ids text[] DEFAULT NULL::text[], p_project text DEFAULT NULL::text, p_members integer DEFAULT 1, p_lease interval DEFAULT '00:00:30'::interval) RETURNS TABLE(subscription_name text, members integer, checkpoint text, created boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_sub   event_store.subscriptions;
    v_key   xid8;
    v_pos   bigint := 0;
    v_since timestamptz;
BEGIN
    BEGIN
        v_sub := event_store._subscription(p_subscription_name);
    EXCEPTION WHEN SQLSTATE 'ES008' THEN
        v_sub := NULL;
    END;
    IF p_members IS NULL OR p_members NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'members must be between 1 and 1000, got %', coalesce(p_members::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Use 1 for a single consumer, or the number of consumer-group members.';
    END IF;
    IF p_lease IS NULL OR p_lease NOT BETWEEN interval '1 second' AND interval '1 day' THEN
        RAISE EXCEPTION 'lease must be between 1 second and 1 day, got %', coalesce(p_lease::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'For example interval ''30 seconds''.';
    END IF;
    PERFORM event_store._check_feed_filters(p_event_types, p_instance_ids, p_project);

    IF v_sub.subscription_name IS NOT NULL THEN
        IF (v_sub.event_types, v_sub.instance_ids, v_sub.project, v_sub.members, v_sub.lease)
           IS DISTINCT FROM (p_event_types, p_instance_ids, p_project, p_members, p_lease) THEN
            RAISE EXCEPTION 'subscription "%" already exists with another definition', p_subscription_name
                USING ERRCODE = 'ES007',
                      DETAIL = format('Stored: event_types %s, instance_ids %s, project %s, members %s, lease %s.',
                                      v_sub.event_types, v_sub.instance_ids, v_sub.project, v_sub.members, v_sub.lease),
                      HINT = 'Use another name, or drop_subscription it first (admin).';
        END IF;
        RETURN QUERY SELECT v_sub.subscription_name, v_sub.members,
                            event_store._feed_cursor(s.checkpoint_key, s.checkpoint_position), false
                       FROM event_store.subscription_slots s
                      WHERE s.subscription_name = p_subscription_name AND s.slot = 0;
        RETURN;
    END IF;

    IF p_start_from IS NULL OR p_start_from = 'beginning' THEN
        v_key := '0';
    ELSIF p_start_from = 'end' THEN
        v_key := pg_snapshot_xmin(pg_current_snapshot());
    ELSIF p_start_from LIKE 'f1.%' THEN
        SELECT f.feed_key, f.global_position INTO v_key, v_pos FROM event_store._feed_position(p_start_from) f;
    ELSE
        BEGIN
            v_since := p_start_from::timestamptz;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'invalid start "%": not beginning, end, a cursor or a timestamp', left(p_start_from, 80)
                USING ERRCODE = 'ES006',
                      HINT = 'Pass ''beginning'', ''end'', a cursor from read_all, or e.g. ''2026-12-01T10:00:00Z''.';
        END;
        -- From the smallest key among the events stamped from v_since on: the visible ones, and
        -- the ones not visible yet, whose keys are >= the horizon.
        v_key := event_store._feed_key_since(v_since);
    END IF;

    INSERT INTO event_store.subscriptions (subscription_name, event_types, instance_ids, project, members, lease)
    VALUES (p_subscription_name, p_event_types, p_instance_ids, p_project, p_members, p_lease)
    ON CONFLICT ON CONSTRAINT subscriptions_pkey DO NOTHING;
    IF NOT FOUND THEN                      -- created concurrently: compare with that one
        RETURN QUERY SELECT * FROM event_store.create_subscription(p_subscription_name, p_start_from,
            p_event_types, p_instance_ids, p_project, p_members, p_lease);
        RETURN;
    END IF;
    -- A slot is first reserved for its home member for one lease; after that anyone may serve it.
    INSERT INTO event_store.subscription_slots
           (subscription_name, slot, checkpoint_key, checkpoint_position, delivered_key, delivered_position,
            lease_until)
    SELECT p_subscription_name, n, v_key, v_pos, v_key, v_pos, now() + p_lease
      FROM generate_series(0, p_members - 1) n;
    RETURN QUERY SELECT p_subscription_name, p_members, event_store._feed_cursor(v_key, v_pos), true;
END
$$;

COMMENT ON FUNCTION event_store.create_subscription(p_subscription_name text, p_start_from text, p_event_types text[], p_instance_ids text[], p_project text, p_members integer, p_lease interval) IS 'Create a named subscription -> (subscription_name, members, checkpoint, created). p_start_from: ''beginning'', ''end'', a cursor, or an ISO timestamp. Filters as read_all. p_members: consumer-group size; p_lease: how long a silent member keeps its share. The same definition again returns the existing one (created = false). Errors: ES001/ES002 unknown type/instance in a filter, ES006 bad name, start, members, lease or filter, ES007 name taken by another definition.';

CREATE FUNCTION event_store.delete_events_for_instance(p_instance_id text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_deleted bigint;
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    PERFORM event_store._lock_stream(p_instance_id);     -- before the row, like every emit
    PERFORM 1 FROM event_store.instances i WHERE i.instance_id = p_instance_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;

    PERFORM 1 FROM event_store.projections p WHERE p.projection_name = 'fleet_index' FOR UPDATE;
    WITH gone AS (
        DELETE FROM event_store.fleet_index f WHERE f.instance_id = p_instance_id
        RETURNING f.event_type, date_trunc('hour', f."timestamp", 'UTC') AS hour
    )
    UPDATE event_store.fleet_type_counts c
       SET event_count = c.event_count - g.n
      FROM (SELECT gone.event_type, gone.hour, count(*) AS n FROM gone GROUP BY 1, 2) g
     WHERE c.event_type = g.event_type AND c.hour = g.hour;
    DELETE FROM event_store.fleet_type_counts c WHERE c.event_count = 0;

    -- The head first: the immutability trigger lets rows go only when it is already 0.
    UPDATE event_store.instances i SET last_sequence_num = 0 WHERE i.instance_id = p_instance_id;
    PERFORM set_config('event_store.delete_instance', p_instance_id, true);
    DELETE FROM event_store.events e WHERE e.instance_id = p_instance_id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    PERFORM set_config('event_store.delete_instance', '', true);
    RETURN v_deleted;
END
$$;

COMMENT ON FUNCTION event_store.delete_events_for_instance(p_instance_id text) IS 'Admin only, for test clean-up: delete all events of p_instance_id, reset its sequence to 0 and return how many were deleted. The only way past the ES005 immutability triggers. Errors: ES002 unknown instance, ES006 invalid instance id.';

CREATE FUNCTION event_store.drop_subscription(p_subscription_name text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    PERFORM event_store._subscription(p_subscription_name);       -- ES006, ES008
    DELETE FROM event_store.subscriptions s WHERE s.subscription_name = p_subscription_name;
    RETURN true;
END
$$;

COMMENT ON FUNCTION event_store.drop_subscription(p_subscription_name text) IS 'Admin: remove subscription p_subscription_name and its checkpoints; returns true. Errors: ES006 malformed name, ES008 no such subscription.';

CREATE FUNCTION event_store.emit_event(p_instance_id text, p_event_type text, p_event_data jsonb, p_metadata jsonb DEFAULT NULL::jsonb, p_event_id uuid DEFAULT NULL::uuid, p_expected_sequence bigint DEFAULT NULL::bigint) RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_metadata       jsonb := coalesce(p_metadata, '{}');
    v_existing       event_store.events;
    v_instance_found boolean;
    v_checked        boolean := false;
    v_valid          boolean;
BEGIN
    -- One cheap test on the hot path; the wordy checks run only when something may be wrong.
    IF NOT event_store._is_instance_id(p_instance_id) OR p_expected_sequence < 0
       OR jsonb_typeof(p_metadata) <> 'object' OR pg_column_size(p_metadata) > 1048576
       OR NOT event_store._json_within_limits(p_metadata) THEN
        PERFORM event_store._check_emit_arguments(p_instance_id, p_metadata, p_expected_sequence);
    END IF;
    -- Lifecycle events come only from register_instance, heartbeat and mark_stale_instances.
    IF p_event_type IN ('instance_registered', 'instance_heartbeat', 'instance_stale') THEN
        PERFORM event_store._check_lifecycle_emit(p_event_type);
    END IF;

    -- The stream lock first (FIFO for a hot stream, one lock order everywhere), then the row.
    -- _lock_stream's statement, inline: a PL/pgSQL call per emit cost more than the lock itself
    -- (docs/benchmarks.md); _lock_stream also makes a missing lock row (a new instance).
    PERFORM FROM event_store.stream_locks l WHERE l.instance_id = p_instance_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM event_store._lock_stream(p_instance_id);
    END IF;

    IF p_event_id IS NOT NULL THEN
        -- Serialise with other emits to this instance first, so a concurrent retry is seen.
        PERFORM 1 FROM event_store.instances i WHERE i.instance_id = p_instance_id FOR NO KEY UPDATE;
        v_instance_found := FOUND;
        SELECT * INTO v_existing FROM event_store.events e WHERE e.event_id = p_event_id;
        IF FOUND THEN
            IF v_existing.instance_id = p_instance_id AND v_existing.event_type = p_event_type
               AND v_existing.event_data = p_event_data AND v_existing.metadata = v_metadata THEN
                event_id := v_existing.event_id;
                sequence_num := v_existing.sequence_num;
                "timestamp" := v_existing."timestamp";
                RETURN NEXT;
                RETURN;
            END IF;
            PERFORM event_store._event_id_reused(p_event_id, v_existing);
        END IF;
    END IF;

    /*
     * One statement appends: bump the stream head (taking the instance's lock until commit) and
     * insert under it, the timestamp read after the lock is held so it never decreases along the
     * sequence. The head is bumped only if the data passes the type's compiled validator
     * (event_types.validator, a jsonpath predicate). If nothing was appended, either the data is
     * invalid (_validate_event raises the precise ES001/ES003/ES006), or the validator was stricter
     * than needed (append again without it), or the instance does not exist (ES002).
     * The statement is written twice, on purpose: without p_event_id the default makes the id and a
     * plain INSERT suffices; with it, ON CONFLICT (event_id) DO NOTHING turns a concurrent retry of
     * the same id into "nothing appended" (then ES007 or the stored row) instead of a bare 23505,
     * and a speculative insertion is not free. Change both together.
     */
    LOOP
        IF p_event_id IS NULL THEN
            WITH head AS (
                UPDATE event_store.instances i
                   SET last_sequence_num = i.last_sequence_num + 1,
                       last_feed_key = greatest(i.last_feed_key, pg_current_xact_id())   -- feed order
                 WHERE i.instance_id = p_instance_id
                   AND (v_checked OR EXISTS (SELECT FROM event_store.event_types et
                                              WHERE et.event_type = p_event_type AND p_event_data @@ et.validator
                                                AND pg_column_size(p_event_data) <= 1048576
                                                AND event_store._json_within_limits(p_event_data)))
                RETURNING i.last_sequence_num AS seq, i.last_feed_key AS fk
            )
            INSERT INTO event_store.events AS e
                   (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at,
                    feed_key)
            SELECT p_instance_id, p_event_type, h.seq, h.ts, p_event_data, v_metadata, h.ts, h.ts, h.fk
              FROM (SELECT head.seq, head.fk, clock_timestamp() AS ts FROM head) h
            RETURNING e.event_id, e.sequence_num, e."timestamp" INTO event_id, sequence_num, "timestamp";
        ELSE
            WITH head AS (
                UPDATE event_store.instances i
                   SET last_sequence_num = i.last_sequence_num + 1,
                       last_feed_key = greatest(i.last_feed_key, pg_current_xact_id())   -- feed order
                 WHERE i.instance_id = p_instance_id
                   AND (v_checked OR EXISTS (SELECT FROM event_store.event_types et
                                              WHERE et.event_type = p_event_type AND p_event_data @@ et.validator
                                                AND pg_column_size(p_event_data) <= 1048576
                                                AND event_store._json_within_limits(p_event_data)))
                RETURNING i.last_sequence_num AS seq, i.last_feed_key AS fk
            )
            INSERT INTO event_store.events AS e
                   (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                    created_at, updated_at, feed_key)
            SELECT p_event_id, p_instance_id, p_event_type, h.seq, h.ts, p_event_data, v_metadata, h.ts, h.ts, h.fk
              FROM (SELECT head.seq, head.fk, clock_timestamp() AS ts FROM head) h
            ON CONFLICT (event_id) DO NOTHING
            RETURNING e.event_id, e.sequence_num, e."timestamp" INTO event_id, sequence_num, "timestamp";
        END IF;
        EXIT WHEN FOUND;
        IF v_checked THEN
            IF p_event_id IS NOT NULL AND v_instance_found THEN
                -- Another instance stored the same p_event_id while we held this instance's lock.
                PERFORM event_store._event_id_reused(p_event_id);
            END IF;
            PERFORM event_store._instance_not_found(p_instance_id);
        END IF;
        v_valid := event_store._validate_event(p_event_type, p_event_data);  -- raises ES001/ES003/ES006
        v_checked := true;
    END LOOP;

    -- Raising here rolls the append back with the rest of the call.
    IF p_expected_sequence IS NOT NULL AND sequence_num - 1 <> p_expected_sequence THEN
        PERFORM event_store._sequence_conflict(p_instance_id, p_expected_sequence, sequence_num - 1);
    END IF;
    RETURN NEXT;
END
$$;

COMMENT ON FUNCTION event_store.emit_event(p_instance_id text, p_event_type text, p_event_data jsonb, p_metadata jsonb, p_event_id uuid, p_expected_sequence bigint) IS 'Append one event to an instance''s stream and return (event_id, sequence_num, timestamp). Sequence numbers start at 1 per instance and are gap-free under any concurrency. p_metadata: optional JSON object. p_event_id: optional client id that makes retries idempotent. p_expected_sequence: optional optimistic-concurrency check (0 = no events yet). Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data (also: nested deeper than 32 levels, a number over 64 characters), ES004 expected sequence mismatch, ES006 invalid argument (also: a lifecycle type, a type name over 63 characters), ES007 event_id reused with other content.';

CREATE FUNCTION event_store.emit_events(p_instance_id text, p_events jsonb, p_expected_sequence bigint DEFAULT NULL::bigint) RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
#variable_conflict use_column
DECLARE
    v_count      int;
    v_feed_key   xid8;         -- the head's feed key after the bump (columns/events_feed_key)
    v_item       jsonb;
    v_where      text;
    v_key        text;
    v_types      text[]   := '{}';
    v_datas      jsonb[]  := '{}';
    v_metas      jsonb[]  := '{}';
    v_ids        uuid[]   := '{}';
    v_new        boolean[] := '{}';
    v_client_ids boolean  := false;
    v_new_count  int      := 0;
    v_last       bigint;
    v_written    int;
    v_existing   event_store.events;
    v_dup        int;
    v_valid      boolean;
    v_all_ok     boolean;
BEGIN
    IF NOT event_store._is_instance_id(p_instance_id) THEN
        PERFORM event_store._check_instance_id(p_instance_id);
    END IF;
    IF p_events IS NULL OR jsonb_typeof(p_events) <> 'array' THEN
        RAISE EXCEPTION 'events must be a JSON array, got %', coalesce(jsonb_typeof(p_events), 'null')
            USING ERRCODE = 'ES006',
                  HINT = 'Pass [{"event_type": "...", "event_data": {...}, "metadata": {...}, "event_id": "..."}, ...].';
    END IF;
    v_count := jsonb_array_length(p_events);
    IF v_count NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'events must hold 1 to 1000 events, got %', v_count
            USING ERRCODE = 'ES006', HINT = 'Split larger batches into several calls.';
    END IF;
    IF p_expected_sequence < 0 THEN
        RAISE EXCEPTION 'expected_sequence must be 0 or more, got %', p_expected_sequence
            USING ERRCODE = 'ES006', HINT = 'Use 0 for "no events yet", or the last sequence_num you read.';
    END IF;

    /*
     * Fast path: one set-based pass checks every element's shape and its data against the type's
     * compiled validator (event_types.validator). When all pass and no element carries an event_id,
     * one head bump and one INSERT append the batch. Otherwise the element-by-element loop below
     * runs: it raises the precise error naming the element (or accepts what the validator was
     * merely stricter about) and reconciles client event ids.
     */
    SELECT bool_and(coalesce(
               jsonb_typeof(t.item) = 'object'
               AND t.item - ARRAY['event_type', 'event_data', 'metadata', 'event_id'] = '{}'
               AND jsonb_typeof(t.item -> 'event_type') = 'string'
               AND (t.item ->> 'event_type') NOT IN ('instance_registered', 'instance_heartbeat', 'instance_stale')
               AND pg_column_size(t.item -> 'event_data') <= 1048576
               AND event_store._json_within_limits(t.item -> 'event_data')
               AND event_store._json_within_limits(t.item -> 'metadata')
               AND (t.item -> 'event_data') @@ (SELECT et.validator FROM event_store.event_types et
                                                  WHERE et.event_type = t.item ->> 'event_type')
               AND coalesce(jsonb_typeof(t.item -> 'metadata'), 'null') IN ('object', 'null')
               AND coalesce(pg_column_size(t.item -> 'metadata'), 0) <= 1048576,
               false)),
           bool_or(coalesce(jsonb_typeof(t.item -> 'event_id'), 'null') <> 'null')
      INTO v_all_ok, v_client_ids
      FROM jsonb_array_elements(p_events) t(item);

    IF v_all_ok AND NOT v_client_ids THEN
        -- The common case: new events, no ids to reconcile. One head bump, one INSERT.
        v_last := event_store._bump_head(p_instance_id, v_count, p_expected_sequence);
        SELECT i.last_feed_key INTO v_feed_key FROM event_store.instances i WHERE i.instance_id = p_instance_id;
        RETURN QUERY
        INSERT INTO event_store.events AS e
               (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at,
                feed_key)
        SELECT p_instance_id, s.item ->> 'event_type', v_last - v_count + s.n, s.ts, s.item -> 'event_data',
               coalesce(nullif(s.item -> 'metadata', 'null'), '{}'), s.ts, s.ts, v_feed_key
          FROM (SELECT t.item, t.n, clock_timestamp() AS ts
                  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(item, n)
                 ORDER BY t.n) s
         ORDER BY s.n
        RETURNING e.event_id, e.sequence_num, e."timestamp";
        RETURN;
    END IF;

    -- Otherwise element by element: precise errors, ids, retries.
    v_client_ids := false;
    FOR i IN 1 .. v_count LOOP
        v_item := p_events -> (i - 1);
        v_where := format('event #%s: ', i);
        IF jsonb_typeof(v_item) <> 'object' THEN
            RAISE EXCEPTION '%must be a JSON object, got %', v_where, jsonb_typeof(v_item)
                USING ERRCODE = 'ES006', HINT = 'Each element is {"event_type": ..., "event_data": {...}}.';
        END IF;
        SELECT k INTO v_key FROM jsonb_object_keys(v_item) k
         WHERE k NOT IN ('event_type', 'event_data', 'metadata', 'event_id') LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%unknown key "%"', v_where, v_key
                USING ERRCODE = 'ES006', HINT = 'Allowed keys: event_type, event_data, metadata, event_id.';
        END IF;
        IF jsonb_typeof(v_item -> 'event_type') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION '%event_type must be a string', v_where
                USING ERRCODE = 'ES006', HINT = 'For example "event_type": "epic_started".';
        END IF;
        v_valid := event_store._check_lifecycle_emit(v_item ->> 'event_type', v_where);
        v_valid := event_store._validate_event(v_item ->> 'event_type', v_item -> 'event_data', v_where);
        v_valid := event_store._check_metadata(nullif(v_item -> 'metadata', 'null'), v_where);  -- JSON null: none
        IF coalesce(jsonb_typeof(v_item -> 'event_id'), 'null') <> 'null' THEN
            IF jsonb_typeof(v_item -> 'event_id') <> 'string'
               OR (v_item ->> 'event_id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' THEN
                RAISE EXCEPTION '%event_id must be a UUID string, got %', v_where, v_item -> 'event_id'
                    USING ERRCODE = 'ES006', HINT = 'For example "event_id": "5f0c6d1e-8a51-4c55-9d2f-1b2a3c4d5e6f".';
            END IF;
            v_client_ids := true;
            v_ids := v_ids || (v_item ->> 'event_id')::uuid;
        ELSE
            v_ids := v_ids || gen_random_uuid();
        END IF;
        v_types := v_types || (v_item ->> 'event_type');
        v_datas := v_datas || (v_item -> 'event_data');
        v_metas := v_metas || coalesce(nullif(v_item -> 'metadata', 'null'), '{}');
        v_new := v_new || true;
    END LOOP;

    IF v_client_ids THEN
        -- Serialise with other emits to this instance, then sort out retries and repeats.
        PERFORM event_store._lock_stream(p_instance_id);
        PERFORM 1 FROM event_store.instances i WHERE i.instance_id = p_instance_id FOR NO KEY UPDATE;
        FOR i IN 1 .. v_count LOOP
            v_dup := array_position(v_ids, v_ids[i]);
            IF v_dup < i THEN                                  -- the same id earlier in this batch
                IF (v_types[v_dup], v_datas[v_dup], v_metas[v_dup]) IS DISTINCT FROM (v_types[i], v_datas[i], v_metas[i]) THEN
                    PERFORM event_store._event_id_reused(v_ids[i], NULL, format('event #%s: ', i),
                                                         format('Event #%s of this batch has the same event_id and other content.', v_dup));
                END IF;
                v_new[i] := false;
                CONTINUE;
            END IF;
            SELECT * INTO v_existing FROM event_store.events e WHERE e.event_id = v_ids[i];
            IF FOUND THEN
                IF (v_existing.instance_id, v_existing.event_type, v_existing.event_data, v_existing.metadata)
                   IS DISTINCT FROM (p_instance_id::varchar, v_types[i], v_datas[i], v_metas[i]) THEN
                    PERFORM event_store._event_id_reused(v_ids[i], v_existing, format('event #%s: ', i));
                END IF;
                v_new[i] := false;
            END IF;
        END LOOP;
    END IF;
    SELECT count(*) INTO v_new_count FROM unnest(v_new) n WHERE n;

    IF v_new_count > 0 THEN
        v_last := event_store._bump_head(p_instance_id, v_new_count, p_expected_sequence);
        SELECT i.last_feed_key INTO v_feed_key FROM event_store.instances i WHERE i.instance_id = p_instance_id;

        IF NOT v_client_ids THEN                               -- fast path: one INSERT, rows in order
            RETURN QUERY
            INSERT INTO event_store.events AS e
                   (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                    created_at, updated_at, feed_key)
            SELECT s.id, p_instance_id, s.type, v_last - v_new_count + s.n, s.ts, s.data, s.meta, s.ts, s.ts, v_feed_key
              FROM (SELECT u.id, u.type, u.data, u.meta, u.n, clock_timestamp() AS ts
                      FROM unnest(v_ids, v_types, v_datas, v_metas) WITH ORDINALITY AS u(id, type, data, meta, n)
                     ORDER BY u.n) s
             ORDER BY s.n
            RETURNING e.event_id, e.sequence_num, e."timestamp";
            RETURN;
        END IF;

        INSERT INTO event_store.events AS e
               (event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata,
                created_at, updated_at, feed_key)
        SELECT s.id, p_instance_id, s.type, v_last - v_new_count + s.k, s.ts, s.data, s.meta, s.ts, s.ts, v_feed_key
          FROM (SELECT u.id, u.type, u.data, u.meta, row_number() OVER (ORDER BY u.n) AS k,
                       clock_timestamp() AS ts
                  FROM unnest(v_ids, v_types, v_datas, v_metas, v_new) WITH ORDINALITY
                       AS u(id, type, data, meta, is_new, n)
                 WHERE u.is_new
                 ORDER BY u.n) s
         ORDER BY s.k
        ON CONFLICT (event_id) DO NOTHING;
        GET DIAGNOSTICS v_written = ROW_COUNT;
        IF v_written <> v_new_count THEN
            -- Another instance stored one of these event ids while we held this instance's lock.
            PERFORM event_store._event_id_reused(NULL);
        END IF;
    END IF;

    RETURN QUERY
    SELECT e.event_id, e.sequence_num, e."timestamp"
      FROM unnest(v_ids) WITH ORDINALITY AS u(id, n)
      JOIN event_store.events e ON e.event_id = u.id
     ORDER BY u.n;
END
$_$;

COMMENT ON FUNCTION event_store.emit_events(p_instance_id text, p_events jsonb, p_expected_sequence bigint) IS 'Append 1-1000 events to one instance atomically (all or none) with consecutive sequence numbers; returns (event_id, sequence_num, timestamp) per event in input order. p_events: JSON array of {event_type, event_data, metadata?, event_id?}. p_expected_sequence: optional optimistic-concurrency check on the last sequence number before the batch (0 = no events yet). Events whose event_id is already stored identically are returned, not rewritten. Errors: ES001 unknown type, ES002 unknown instance, ES003 invalid event_data, ES004 expected sequence mismatch, ES006 invalid argument (names the event #; also a lifecycle type, a type name over 63 characters, metadata over a limit), ES007 event_id reused with other content.';

CREATE FUNCTION event_store.feed_cursor(p_start_from text DEFAULT 'end'::text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_key   xid8;
    v_since timestamptz;
BEGIN
    IF p_start_from IS NULL OR p_start_from = 'beginning' THEN
        RETURN event_store._feed_cursor('0', 0);
    ELSIF p_start_from = 'end' THEN
        RETURN event_store._feed_cursor(pg_snapshot_xmin(pg_current_snapshot()), 0);
    ELSIF p_start_from LIKE 'f1.%' THEN
        PERFORM event_store._feed_position(p_start_from);           -- ES006 for a bad cursor
        RETURN p_start_from;
    END IF;
    BEGIN
        v_since := p_start_from::timestamptz;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'invalid start "%": not beginning, end, a cursor or a timestamp', left(p_start_from, 80)
            USING ERRCODE = 'ES006',
                  HINT = 'Pass ''beginning'', ''end'', a cursor from read_all, or e.g. ''2026-12-01T10:00:00Z''.';
    END;
    -- As create_subscription: the smallest key among the events stamped from v_since on, the
    -- visible ones and the ones not visible yet (whose keys are >= the horizon).
    RETURN event_store._feed_cursor(event_store._feed_key_since(v_since), 0);
END
$$;

COMMENT ON FUNCTION event_store.feed_cursor(p_start_from text) IS 'A cursor to start read_all from: ''beginning'' (or NULL), ''end'' (only events committed from now on), a cursor (checked, returned as is) or an ISO timestamp (events stamped at or after it). Errors: ES006 bad start or malformed or foreign cursor.';

CREATE FUNCTION event_store.get_event_by_id(p_event_id uuid) RETURNS SETOF event_store.events
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_event_id IS NULL THEN
        RAISE EXCEPTION 'event_id must not be null'
            USING ERRCODE = 'ES006', HINT = 'Pass the event_id that emit_event returned.';
    END IF;
    RETURN QUERY SELECT * FROM event_store.events e WHERE e.event_id = p_event_id;
END
$$;

COMMENT ON FUNCTION event_store.get_event_by_id(p_event_id uuid) IS 'The event with this event_id as an event row, or no row when there is none. Errors: ES006 null id.';

CREATE FUNCTION event_store.get_event_count(p_instance_id text) RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    RETURN event_store._instance_head(p_instance_id);
END
$$;

COMMENT ON FUNCTION event_store.get_event_count(p_instance_id text) IS 'Number of events of an instance (its stream head). Errors: ES002 unknown instance, ES006 invalid id.';

CREATE FUNCTION event_store.get_latest_events(p_instance_id text, p_limit integer DEFAULT 10) RETURNS SETOF event_store.events
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    PERFORM event_store._instance_head(p_instance_id);
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Read older events with event_store.query_events(...).';
    END IF;
    RETURN QUERY
    SELECT *
      FROM event_store.events e
     WHERE e.instance_id = p_instance_id
     ORDER BY e.sequence_num DESC
     LIMIT p_limit;
END
$$;

COMMENT ON FUNCTION event_store.get_latest_events(p_instance_id text, p_limit integer) IS 'The newest p_limit (1-1000, default 10) events of an instance, newest first, as event rows. Errors: ES002 unknown instance, ES006 invalid argument.';

CREATE FUNCTION event_store.heartbeat(p_instance_id text, p_context_percent numeric DEFAULT NULL::numeric) RETURNS TABLE(event_id uuid, sequence_num bigint, "timestamp" timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_key_before text := coalesce(current_setting('event_store.lifecycle_key', true), '');
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    IF p_context_percent NOT BETWEEN 0 AND 100 THEN
        RAISE EXCEPTION 'context_percent must be between 0 and 100, got %', p_context_percent
            USING ERRCODE = 'ES006', HINT = 'Pass the share of the context window in use, e.g. 42.5, or NULL.';
    END IF;

    PERFORM event_store._lock_stream(p_instance_id);     -- before the row, like every emit
    UPDATE event_store.instances i
       SET last_heartbeat_at = clock_timestamp(),
           status = 'active'
     WHERE i.instance_id = p_instance_id;
    IF NOT FOUND THEN
        PERFORM event_store._instance_not_found(p_instance_id);
    END IF;

    -- The lifecycle key lets emit_event write instance_heartbeat (_check_lifecycle_emit).
    PERFORM set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);
    RETURN QUERY
    SELECT r.event_id, r.sequence_num, r."timestamp"
      FROM event_store.emit_event(
               p_instance_id, 'instance_heartbeat',
               CASE WHEN p_context_percent IS NULL THEN '{}'::jsonb
                    ELSE jsonb_build_object('context_percent', p_context_percent) END) r;
    PERFORM set_config('event_store.lifecycle_key', v_key_before, true);   -- as it was
END
$$;

COMMENT ON FUNCTION event_store.heartbeat(p_instance_id text, p_context_percent numeric) IS 'Record a heartbeat: sets last_heartbeat_at, re-activates a stale instance and emits instance_heartbeat (with context_percent when given, 0-100). Returns the emitted event''s (event_id, sequence_num, timestamp). Errors: ES002 unknown instance, ES006 invalid argument.';

CREATE FUNCTION event_store.list_event_types(p_category text DEFAULT NULL::text) RETURNS TABLE(event_type text, category text, description text, data_schema jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_category IS NOT NULL
       AND NOT EXISTS (SELECT FROM event_store.event_types et WHERE et.category = p_category) THEN
        RAISE EXCEPTION 'unknown category "%"', p_category
            USING ERRCODE = 'ES006',
                  HINT = format('Known categories: %s; or pass NULL for all types.',
                                (SELECT string_agg(DISTINCT et.category, ', ') FROM event_store.event_types et));
    END IF;
    RETURN QUERY
    SELECT et.event_type, et.category, et.description, et.data_schema
      FROM event_store.event_types et
     WHERE p_category IS NULL OR et.category = p_category
     ORDER BY et.category, et.event_type;
END
$$;

COMMENT ON FUNCTION event_store.list_event_types(p_category text) IS 'Registered event types as (event_type, category, description, data_schema), all or one p_category, by category and type. Errors: ES006 unknown category.';

CREATE TABLE event_store.instances (
    instance_id character varying(32) NOT NULL,
    instance_type text NOT NULL,
    project text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    registered_at timestamp with time zone DEFAULT now() NOT NULL,
    last_heartbeat_at timestamp with time zone DEFAULT now() NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    last_sequence_num bigint DEFAULT 0 NOT NULL,
    last_feed_key xid8 DEFAULT '0'::xid8 NOT NULL
)
WITH (fillfactor='10');

COMMENT ON TABLE event_store.instances IS 'Registry of supervisor instances. Each row is also the head of its event stream: emit functions lock it with UPDATE ... RETURNING to hand out gap-free sequence numbers. Every function takes the instance''s stream lock (event_store._lock_stream, a row lock in stream_locks) before its row: do the same before changing a row by hand in a transaction that also emits.';

COMMENT ON COLUMN event_store.instances.instance_id IS '1-32 characters of [A-Za-z0-9_.-], e.g. odin-PS-8f4a2b.';

COMMENT ON COLUMN event_store.instances.instance_type IS 'PS (project supervisor) or MS (meta supervisor).';

COMMENT ON COLUMN event_store.instances.status IS 'active, or stale once mark_stale_instances saw no heartbeat within its timeout.';

COMMENT ON COLUMN event_store.instances.last_sequence_num IS 'Stream head: the last sequence number handed out (0 = no events yet).';

COMMENT ON COLUMN event_store.instances.last_feed_key IS 'Feed key of the stream head: the largest events.feed_key of the instance (0 = none yet).';

CREATE FUNCTION event_store.list_instances(p_status text DEFAULT NULL::text) RETURNS SETOF event_store.instances
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
BEGIN
    IF p_status NOT IN ('active', 'stale') THEN
        RAISE EXCEPTION 'invalid status "%": must be active or stale', p_status
            USING ERRCODE = 'ES006', HINT = 'Pass ''active'', ''stale'', or NULL for all instances.';
    END IF;
    RETURN QUERY
    SELECT *
      FROM event_store.instances i
     WHERE p_status IS NULL OR i.status = p_status
     ORDER BY i.last_heartbeat_at DESC, i.instance_id;
END
$$;

COMMENT ON FUNCTION event_store.list_instances(p_status text) IS 'List registered instances (all, or only p_status = active/stale), most recent heartbeat first; last_sequence_num is each stream''s head. Errors: ES006 invalid status.';

CREATE FUNCTION event_store.list_subscriptions() RETURNS TABLE(subscription_name text, slot integer, members integer, event_types text[], instance_ids text[], project text, checkpoint text, holder integer, lease_until timestamp with time zone, acked_at timestamp with time zone, events_behind bigint, seconds_behind double precision, horizon_pid integer, horizon_age interval, horizon_state text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    SET jit TO 'off'
    AS $$
#variable_conflict use_column
DECLARE
    v_pid   int;
    v_age   interval;
    v_state text;
BEGIN
    SELECT h.pid, h.age, h.state INTO v_pid, v_age, v_state
      FROM (SELECT a.pid, now() - a.xact_start AS age, a.state, a.backend_xid AS x
              FROM pg_catalog.pg_stat_activity a
             WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
            UNION ALL
            SELECT NULL::int, now() - p.prepared, 'prepared', p.transaction
              FROM pg_catalog.pg_prepared_xacts p) h
     ORDER BY age(h.x) DESC
     LIMIT 1;

    RETURN QUERY
    SELECT s.subscription_name, sl.slot, s.members, s.event_types, s.instance_ids, s.project,
           event_store._feed_cursor(sl.checkpoint_key, sl.checkpoint_position), sl.holder, sl.lease_until,
           sl.acked_at, lag.n, coalesce(extract(epoch FROM now() - lag.oldest)::double precision, 0),
           v_pid, v_age, v_state
      FROM event_store.subscriptions s
      JOIN event_store.subscription_slots sl ON sl.subscription_name = s.subscription_name
     CROSS JOIN LATERAL (
           SELECT count(*) AS n, min(p."timestamp") AS oldest
             FROM event_store._feed_page(sl.checkpoint_key, sl.checkpoint_position, '18446744073709551615'::xid8,
                                         NULL, s.event_types, s.instance_ids, s.project, s.members, sl.slot, NULL) p
           ) lag
     ORDER BY s.subscription_name, sl.slot;
END
$$;

COMMENT ON FUNCTION event_store.list_subscriptions() IS 'Every subscription slot (one row per consumer-group member) with checkpoint, holder, lease, last ack, events_behind and seconds_behind, and the oldest open transaction holding the horizon back (horizon_pid, horizon_age, horizon_state; no query text or user is shown).';

CREATE FUNCTION event_store.mark_stale_instances(p_timeout interval DEFAULT '00:02:00'::interval) RETURNS TABLE(instance_id text, last_heartbeat_at timestamp with time zone, event_id uuid, sequence_num bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_candidate text;
    v_instance  record;
    v_event     record;
    v_key       text := (SELECT k.key FROM event_store.lifecycle_key k);
    v_key_before text := coalesce(current_setting('event_store.lifecycle_key', true), '');
BEGIN
    IF p_timeout IS NULL OR p_timeout < interval '0' OR p_timeout > interval '100 years' THEN
        RAISE EXCEPTION 'timeout must be an interval from 0 to 100 years, got %', coalesce(p_timeout::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'For example interval ''120 seconds''.';
    END IF;

    FOR v_candidate IN
        SELECT i.instance_id
          FROM event_store.instances i
         WHERE i.status = 'active' AND i.last_heartbeat_at < clock_timestamp() - p_timeout
         ORDER BY i.instance_id
    LOOP
        CONTINUE WHEN NOT event_store._try_lock_stream(v_candidate);   -- busy stream: next call
        SELECT i.instance_id, i.last_heartbeat_at
          INTO v_instance
          FROM event_store.instances i
         WHERE i.instance_id = v_candidate
           AND i.status = 'active' AND i.last_heartbeat_at < clock_timestamp() - p_timeout
           FOR NO KEY UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;                     -- heartbeat since, marked by another caller, or busy
        UPDATE event_store.instances i SET status = 'stale' WHERE i.instance_id = v_instance.instance_id;
        PERFORM set_config('event_store.lifecycle_key', v_key, true);   -- emit_event: instance_stale allowed
        SELECT * INTO v_event
          FROM event_store.emit_event(
                   v_instance.instance_id, 'instance_stale',
                   jsonb_build_object('last_heartbeat_at', to_jsonb(v_instance.last_heartbeat_at),
                                      'timeout_seconds', extract(epoch FROM p_timeout)));
        PERFORM set_config('event_store.lifecycle_key', v_key_before, true);   -- as it was
        instance_id := v_instance.instance_id;
        last_heartbeat_at := v_instance.last_heartbeat_at;
        event_id := v_event.event_id;
        sequence_num := v_event.sequence_num;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.mark_stale_instances(p_timeout interval) IS 'Mark active instances with no heartbeat within p_timeout (default 120 seconds) as stale, emit one instance_stale event each, and return (instance_id, last_heartbeat_at, event_id, sequence_num). Safe to call often and concurrently. Errors: ES006 invalid timeout.';

CREATE FUNCTION event_store.poll_subscription(p_subscription_name text, p_limit integer DEFAULT 100, p_member integer DEFAULT 0) RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    SET jit TO 'off'
    AS $$
#variable_conflict use_column
DECLARE
    v_sub     event_store.subscriptions := event_store._subscription(p_subscription_name, true);
    v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    v_salt    bigint := ('x' || left(md5(current_database()), 7))::bit(28)::bigint;   -- for _feed_cursor, once
    v_slot    record;
    v_last    record;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Acknowledge the batch and poll again instead of a bigger limit.';
    END IF;
    IF p_member IS NULL OR p_member NOT BETWEEN 0 AND v_sub.members - 1 THEN
        RAISE EXCEPTION 'member must be between 0 and % for subscription "%", got %',
                        v_sub.members - 1, p_subscription_name, coalesce(p_member::text, 'null')
            USING ERRCODE = 'ES006', HINT = format('Subscription "%s" has %s member(s), numbered from 0.',
                                                   p_subscription_name, v_sub.members);
    END IF;

    -- Claim: the home slot, the slots already held, and every slot whose lease ran out.
    WITH claimable AS (
        SELECT s.slot FROM event_store.subscription_slots s
         WHERE s.subscription_name = p_subscription_name
           AND (s.slot = p_member OR s.holder = p_member OR s.lease_until < now())
           FOR UPDATE SKIP LOCKED
    )
    UPDATE event_store.subscription_slots s
       SET holder = p_member,
           lease_until = now() + v_sub.lease,
           delivered_key = CASE WHEN s.holder IS DISTINCT FROM p_member THEN s.checkpoint_key ELSE s.delivered_key END,
           delivered_position = CASE WHEN s.holder IS DISTINCT FROM p_member THEN s.checkpoint_position
                                     ELSE s.delivered_position END
      FROM claimable c
     WHERE s.subscription_name = p_subscription_name AND s.slot = c.slot;

    FOR v_slot IN
        SELECT s.slot, s.checkpoint_key, s.checkpoint_position FROM event_store.subscription_slots s
         WHERE s.subscription_name = p_subscription_name AND s.holder = p_member
         ORDER BY s.checkpoint_key, s.checkpoint_position
    LOOP
        FOR event_id, instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at,
            updated_at, global_position, transaction_id, cursor IN
            SELECT * FROM event_store._feed_page(v_slot.checkpoint_key, v_slot.checkpoint_position, v_horizon,
                                                 p_limit, v_sub.event_types, v_sub.instance_ids, v_sub.project,
                                                 v_sub.members, v_slot.slot, v_salt)
        LOOP
            RETURN NEXT;
        END LOOP;
        IF cursor IS NOT NULL THEN
            -- The last row returned is the furthest delivered position of this slot.
            v_last := event_store._feed_position(cursor);
            UPDATE event_store.subscription_slots s
               SET delivered_key = v_last.feed_key, delivered_position = v_last.global_position
             WHERE s.subscription_name = p_subscription_name AND s.slot = v_slot.slot
               AND (s.delivered_key, s.delivered_position) < (v_last.feed_key, v_last.global_position);
            RETURN;
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.poll_subscription(p_subscription_name text, p_limit integer, p_member integer) IS 'The next batch (at most p_limit events, read_all''s columns) of subscription p_subscription_name for consumer-group member p_member (0 for a plain subscription), after its checkpoint; does not move the checkpoint. Renews the member''s leases and takes over slots whose lease ran out. Errors: ES006 bad name, limit or member, ES008 no such subscription.';

CREATE FUNCTION event_store.project_fleet(p_limit integer DEFAULT 1000) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_mark event_store.projections;
    v_n    int;
    v_key  xid8;
    v_pos  bigint;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 100000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Call again for the events after a batch.';
    END IF;
    SELECT * INTO v_mark FROM event_store.projections p
     WHERE p.projection_name = 'fleet_index' FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN 0;   -- another projector is at work
    END IF;

    WITH batch AS (
        SELECT e.global_position, e.feed_key, e.instance_id, e.sequence_num, e.event_type, e."timestamp",
               event_store._search_text(e.event_data, e.metadata) AS search_text
          FROM event_store.events e
         WHERE (e.feed_key, e.global_position) > (v_mark.feed_key, v_mark.global_position)
           AND e.feed_key < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY e.feed_key, e.global_position
         LIMIT p_limit
    ), rows AS (
        INSERT INTO event_store.fleet_index
               (global_position, feed_key, instance_id, sequence_num, event_type, "timestamp", search_text)
        SELECT b.global_position, b.feed_key, b.instance_id, b.sequence_num, b.event_type, b."timestamp",
               b.search_text
          FROM batch b
    ), counts AS (
        INSERT INTO event_store.fleet_type_counts AS c (event_type, hour, event_count, min_global_position)
        SELECT b.event_type, date_trunc('hour', b."timestamp", 'UTC'), count(*), min(b.global_position)
          FROM batch b
         GROUP BY 1, 2
            ON CONFLICT (event_type, hour) DO UPDATE
           SET event_count = c.event_count + excluded.event_count,
               min_global_position = CASE WHEN c.min_global_position IS NULL THEN NULL   -- unknown stays unknown
                                          ELSE least(c.min_global_position, excluded.min_global_position) END
    )
    SELECT (SELECT count(*) FROM batch),
           l.feed_key, l.global_position
      INTO v_n, v_key, v_pos
      FROM (SELECT b.feed_key, b.global_position FROM batch b
             ORDER BY b.feed_key DESC, b.global_position DESC LIMIT 1) l;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    UPDATE event_store.projections p
       SET feed_key = v_key, global_position = v_pos, events_projected = p.events_projected + v_n,
           updated_at = now()
     WHERE p.projection_name = 'fleet_index';
    RETURN v_n;
END
$$;

COMMENT ON FUNCTION event_store.project_fleet(p_limit integer) IS 'Admin (the projector): apply the next p_limit (1-100000, default 1000) events of the change feed to the fleet projection (fleet_index, fleet_type_counts) and move its watermark; returns how many. 0 when nothing is new or another projector is at work. Errors: ES006 invalid limit.';

CREATE FUNCTION event_store.project_snapshots(p_every integer DEFAULT 200, p_limit integer DEFAULT 10) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_version int := event_store._fold_version();
    v_id      text;
    v_target  bigint;
    v_replay  record;
    v_stored  event_store.snapshots;
    v_n       int := 0;
BEGIN
    IF p_every IS NULL OR p_every NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'invalid every %: must be between 1 and 1000000', coalesce(p_every::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'The default, 200, keeps every replay within a few milliseconds.';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 10000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Call again for more instances.';
    END IF;
    FOR v_id, v_target IN
        SELECT i.instance_id, least(i.last_sequence_num, coalesce(s.seq, 0) + 20000)
          FROM event_store.instances i
          LEFT JOIN LATERAL (SELECT max(x.sequence_num) AS seq FROM event_store.snapshots x
                              WHERE x.instance_id = i.instance_id AND x.fold_version = v_version) s ON true
         WHERE i.last_sequence_num >= coalesce(s.seq, 0) + p_every
         ORDER BY i.last_sequence_num - coalesce(s.seq, 0) DESC, i.instance_id
         LIMIT p_limit
    LOOP
        v_replay := event_store._replay(v_id, v_target);
        IF v_replay.to_sequence_num > 0 THEN
            v_stored := event_store._store_snapshot(v_id, v_replay.acc, v_replay.last_event_id);
            IF v_stored.snapshot_id IS NOT NULL THEN
                v_n := v_n + 1;
                DELETE FROM event_store.snapshots s
                 WHERE s.instance_id = v_id AND s.fold_version = v_version
                   AND s.sequence_num < v_stored.sequence_num
                   AND EXISTS (SELECT FROM event_store.snapshots o
                                WHERE o.instance_id = v_id AND o.fold_version = v_version
                                  AND (o.sequence_num - 1) / 10000 = (s.sequence_num - 1) / 10000
                                  AND o.sequence_num < s.sequence_num);
            END IF;
        END IF;
    END LOOP;
    RETURN v_n;
END
$$;

COMMENT ON FUNCTION event_store.project_snapshots(p_every integer, p_limit integer) IS 'Admin (the projector): store snapshots for up to p_limit (default 10) instances whose head is p_every (default 200) or more events past their newest snapshot, at most 20,000 events further each; returns how many. Keeps replay_events short for any history. Each instance keeps its newest snapshot and the first of each 10,000 sequence numbers. Errors: ES006 invalid argument.';

CREATE FUNCTION event_store.query_events(p_instance_id text DEFAULT NULL::text, p_event_types text[] DEFAULT NULL::text[], p_start_date timestamp with time zone DEFAULT NULL::timestamp with time zone, p_end_date timestamp with time zone DEFAULT NULL::timestamp with time zone, p_keyword text DEFAULT NULL::text, p_limit integer DEFAULT 100, p_offset integer DEFAULT 0, p_after_sequence bigint DEFAULT NULL::bigint, p_exact_count boolean DEFAULT false) RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, total_count bigint, has_more boolean, total_exact boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    SET jit TO 'off'
    AS $_$
DECLARE
    v_head    bigint;
    v_after   bigint := coalesce(p_after_sequence, 0);
    v_kw      text := nullif(lower(p_keyword), '');
    v_kw_json text;
    v_like    text;
    v_where   text := '';     -- the filters, on alias e (events) ...
    v_fwhere  text := '';     -- ... and on alias f (fleet_index)
    v_exact   text;
    v_fleet   boolean;
    v_matches text;
    v_cap     bigint;
    v_total   bigint;
    v_seqscan text;
    v_mark_key xid8;
    v_mark_pos bigint;
    v_keys    bigint[];   -- two passes: the first v_cap + 1 matches found, then the page's keys
    v_found   bigint;
    v_bound   bigint;
    v_idxscan text;
    v_terms   text[];     -- the keyword's whole tokens and pairs, for fleet_index_terms_idx
    v_hour_lo timestamptz;  -- the second pass's hours (fleet_type_counts.min_global_position)
    v_hour_hi timestamptz;
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid limit %: must be between 1 and 1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Page through more events with p_offset or p_after_sequence.';
    END IF;
    IF p_offset IS NULL OR p_offset < 0 THEN
        RAISE EXCEPTION 'invalid offset %: must be 0 or more', coalesce(p_offset::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Pass 0 for the first page.';
    END IF;
    IF p_after_sequence < 0 THEN
        RAISE EXCEPTION 'invalid after_sequence %: must be 0 or more', p_after_sequence
            USING ERRCODE = 'ES006', HINT = 'Pass the last sequence_num of the previous page, or NULL.';
    END IF;
    PERFORM event_store._check_date_range(p_start_date, p_end_date);
    IF p_event_types IS NOT NULL THEN
        PERFORM event_store._check_event_types(p_event_types);
        v_where := v_where || ' AND e.event_type = ANY ($2)';
    END IF;
    IF p_start_date IS NOT NULL THEN
        v_where := v_where || ' AND e."timestamp" >= $3';
    END IF;
    IF p_end_date IS NOT NULL THEN
        v_where := v_where || ' AND e."timestamp" <= $4';
    END IF;

    IF p_instance_id IS NULL THEN
        IF p_after_sequence IS NOT NULL THEN
            RAISE EXCEPTION 'after_sequence needs an instance_id'
                USING ERRCODE = 'ES006',
                      HINT = 'Sequence numbers are per instance: pass p_instance_id, or page with p_offset.';
        END IF;
        IF length(v_kw) < 3 THEN
            RAISE EXCEPTION 'keyword "%" is too short to search all instances: use 3 or more characters', p_keyword
                USING ERRCODE = 'ES006', HINT = 'Lengthen the keyword, or pass p_instance_id to search one instance.';
        END IF;
    ELSE
        v_head := event_store._instance_head(p_instance_id);
        v_where := ' AND e.instance_id = $1' || v_where;
        IF p_after_sequence IS NOT NULL THEN
            v_where := v_where || ' AND e.sequence_num > $8';
        END IF;
    END IF;

    IF p_instance_id IS NOT NULL AND v_where = ' AND e.instance_id = $1' AND v_kw IS NULL THEN
        -- One instance, no filter: the head counts the matches, the page is a key range.
        v_total := greatest(v_head - v_after, 0);
        RETURN QUERY
        SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
               e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
               v_total, v_total > p_offset::bigint + p_limit, true
          FROM event_store.events e
         WHERE e.instance_id = p_instance_id
           AND e.sequence_num > v_after + p_offset AND e.sequence_num <= v_after + p_offset + p_limit
         ORDER BY e.sequence_num;
        RETURN;
    END IF;

    IF p_instance_id IS NULL AND v_where = '' AND v_kw IS NULL THEN
        -- All instances, no filter: the heads count the events, the index gives the page.
        SELECT coalesce(sum(i.last_sequence_num), 0) INTO v_total FROM event_store.instances i;
        RETURN QUERY
        SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
               e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
               v_total, v_total > p_offset::bigint + p_limit, true
          FROM event_store.events e
         ORDER BY e.global_position
         LIMIT p_limit OFFSET p_offset;
        RETURN;
    END IF;

    -- The projection for every fleet-wide filter, and for a keyword on a large instance.
    v_fleet := p_instance_id IS NULL OR v_kw IS NOT NULL;
    v_fwhere := replace(v_where, ' e.', ' f.');     -- the same filters on fleet_index's columns

    IF v_kw IS NOT NULL THEN
        v_kw_json := to_jsonb(v_kw)::text;
        v_kw_json := substr(v_kw_json, 2, length(v_kw_json) - 2);       -- JSON-escaped, unquoted
        -- chr(92) is the backslash: no backslash in a literal, whatever standard_conforming_strings says.
        v_like := '%' || replace(replace(replace(v_kw_json, chr(92), chr(92) || chr(92)), '%', chr(92) || '%'),
                                 '_', chr(92) || '_') || '%';
        v_where := v_where || ' AND event_store._search_text(e.event_data, e.metadata) LIKE $7';
        v_terms := event_store._keyword_terms(v_kw_json);
        IF v_terms IS NULL THEN
            v_fwhere := v_fwhere || ' AND f.search_text LIKE $7';
        ELSE
            v_fwhere := v_fwhere || ' AND event_store._search_terms(f.search_text) @> $15 AND strpos(f.search_text, $6) > 0';
        END IF;
        -- The match above runs on JSON text, so it is only a prefilter where that text is not the
        -- values themselves: a keyword with ',', '[' or ']', or one that starts with a space, can
        -- match the array's punctuation (the values are separated by ', ': a space inside a
        -- keyword matches there only after its comma, and a leading one before the next value,
        -- ' 17' in '["x", 17]'; quotes are escaped in the keyword, so never match the array's),
        -- and any row holding an escape (\t, \n, \", \\) can match across it ('tbug' in
        -- "fix\tbug"). Those rows are checked value by value, literally. Rows with an escape are
        -- found on the stored JSON (a backslash in event_data::text or metadata::text, keys
        -- included: a superset), or on fleet_index's search_text (exactly). (Every keyword with a
        -- space was checked value by value before: 'cold start (#37)' at 10M, 1,600 rows, 160 ms.)
        v_exact := 'EXISTS (SELECT FROM jsonb_path_query(jsonb_build_array(%1$s.event_data, %1$s.metadata), ''strict $.**'') v'
                   || ' WHERE jsonb_typeof(v) NOT IN (''object'', ''array'', ''null'')'
                   || ' AND strpos(lower(v #>> ''{}''), $5) > 0)';
        IF v_kw ~ '[],[]' OR left(v_kw, 1) = ' ' THEN
            v_where := v_where || ' AND ' || format(v_exact, 'e');
            v_fwhere := v_fwhere || ' AND EXISTS (SELECT FROM event_store.events x WHERE x.global_position = f.global_position'
                                 || ' AND ' || format(v_exact, 'x') || ')';
        ELSE
            v_where := v_where || ' AND (strpos(e.event_data::text || e.metadata::text, chr(92)) = 0 OR '
                               || format(v_exact, 'e') || ')';
            v_fwhere := v_fwhere || ' AND (strpos(f.search_text, chr(92)) = 0 OR EXISTS (SELECT FROM event_store.events x'
                                 || ' WHERE x.global_position = f.global_position AND ' || format(v_exact, 'x') || '))';
        END IF;
    END IF;

    -- The keys of every match (sequence_num for one instance, global_position for all). The
    -- watermark is read first and passed as values, so the events after it are planned as the
    -- short range of events_feed_key_idx they are (joined to projections, the planner scanned
    -- the instance's whole history instead). This function is STABLE: every statement in it,
    -- EXECUTE included, reads the caller's snapshot, so the watermark and the rows agree.
    IF v_fleet THEN
        SELECT w.feed_key, w.global_position INTO v_mark_key, v_mark_pos
          FROM event_store.projections w WHERE w.projection_name = 'fleet_index';
        -- /*fleet*/ marks where a pass adds to fleet_index's part (replace(), below).
        v_matches := format(
            '((SELECT f.%1$s AS k FROM event_store.fleet_index f WHERE true %2$s /*fleet*/)
              UNION ALL
              (SELECT e.%1$s FROM event_store.events e
                WHERE (e.feed_key, e.global_position) > ($12, $13) %3$s))',
            CASE WHEN p_instance_id IS NULL THEN 'global_position' ELSE 'sequence_num' END, v_fwhere, v_where);
        IF v_kw IS NOT NULL THEN
            -- Keep the keyword on the trigram index: the planner, once ANALYZE knows a keyword is
            -- common, prefers a sequential scan of the whole projection.
            v_seqscan := current_setting('enable_seqscan');
            PERFORM pg_catalog.set_config('enable_seqscan', 'off', true);
        END IF;
    ELSE
        v_matches := format('(SELECT e.sequence_num AS k FROM event_store.events e WHERE true %s)', v_where);
    END IF;
    v_cap := CASE WHEN p_exact_count THEN NULL ELSE greatest(10000, p_offset::bigint + p_limit) END;

    IF p_instance_id IS NULL AND v_cap IS NOT NULL THEN
        /*
         * A keyword, types or dates across all instances: two bounded passes instead of every match.
         * The first takes the first v_cap + 1 matches in whatever order its scan meets them and
         * stops: if there are no more, they are all the matches; if there are, the page (the
         * first offset + limit in global order) lies at or below the (offset + limit)-th
         * smallest of them, and the second pass, bounded by that key, finds it.
         *   - A keyword: what costs is visiting the row of every trigram match to recheck it
         *     (one page each: a common word at 10M, 57k pages, 644 ms). The bitmap scan meets
         *     them in heap order, and fleet_index is appended in feed order, so few lie below
         *     the bound. Index scans are off for both passes: an ordered walk of fleet_index in
         *     global order, which the planner may take for a LIMIT, reads every row up to there.
         *   - Types (and dates): fleet_index_type_idx meets a type's events in global order,
         *     fleet_index_type_time_idx in time order; either way not all of them are read and
         *     sorted (a common type at 10M: 3M events, 790 ms). OFFSET 0 keeps the second pass
         *     on the first pass's index, filtered by the bound, rather than a walk of the
         *     global_position index up to it.
         *   - Dates alone: the first pass reads fleet_index_timestamp_idx in time order (in
         *     global order, the planner may walk everything before the range).
         * Without a keyword, the second pass reads only the span of hours from the first to the
         * last that can hold a position at or below the bound: fleet_type_counts.min_global_position
         * is a lower bound of each type and hour's positions, so an hour whose bound is above it
         * holds no event of the page.
         * Positions grow with time, so that is an hour or two of a range, not all of it (two
         * common types over 3 days at 10M: 40,000 index entries read and filtered before).
         * The events after the watermark are not in the rollup and are read whole (they are few).
         */
        IF v_kw IS NOT NULL THEN
            v_idxscan := current_setting('enable_indexscan');
            PERFORM pg_catalog.set_config('enable_indexscan', 'off', true);
        END IF;
        EXECUTE format('SELECT array_agg(c.k) FROM (SELECT m.k FROM %s m LIMIT $11 + 1) c',
                       replace(v_matches, '/*fleet*/',
                               CASE WHEN v_kw IS NULL AND p_event_types IS NULL
                                    THEN 'ORDER BY f."timestamp" LIMIT $11 + 1' ELSE '' END))
           INTO v_keys
          USING p_instance_id, p_event_types, p_start_date, p_end_date, v_kw, v_kw_json, v_like,
                p_after_sequence, p_limit, p_offset, v_cap, v_mark_key, v_mark_pos, v_bound, v_terms,
                v_hour_lo, v_hour_hi;
        v_found := coalesce(cardinality(v_keys), 0);
        IF v_found > v_cap THEN
            SELECT u.k INTO v_bound FROM unnest(v_keys) u(k) ORDER BY u.k OFFSET p_offset + p_limit - 1 LIMIT 1;
            IF v_kw IS NULL THEN
                -- The hours that may hold a position at or below the bound (NULL: none).
                SELECT min(c.hour), max(c.hour) + interval '1 hour' INTO v_hour_lo, v_hour_hi
                  FROM event_store.fleet_type_counts c
                 WHERE (p_event_types IS NULL OR c.event_type = ANY (p_event_types))
                   AND (p_start_date IS NULL OR c.hour > p_start_date - interval '1 hour')
                   AND (p_end_date IS NULL OR c.hour <= p_end_date)
                   AND (c.min_global_position IS NULL OR c.min_global_position <= v_bound);
            END IF;
            EXECUTE format('SELECT array_agg(c.k) FROM (SELECT b.k FROM (SELECT m.k FROM %s m WHERE m.k <= $14 OFFSET 0) b'
                           ' ORDER BY b.k LIMIT $9 + $10) c',
                           replace(v_matches, '/*fleet*/',
                                   CASE WHEN v_kw IS NULL THEN 'AND f."timestamp" >= $16 AND f."timestamp" < $17' ELSE '' END))
               INTO v_keys
              USING p_instance_id, p_event_types, p_start_date, p_end_date, v_kw, v_kw_json, v_like,
                    p_after_sequence, p_limit, p_offset, v_cap, v_mark_key, v_mark_pos, v_bound, v_terms,
                    v_hour_lo, v_hour_hi;
        END IF;
        IF v_kw IS NOT NULL THEN
            PERFORM pg_catalog.set_config('enable_indexscan', v_idxscan, true);
            PERFORM pg_catalog.set_config('enable_seqscan', v_seqscan, true);
        END IF;
        RETURN QUERY
        SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
               e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
               least(v_found, v_cap), v_found > p_offset::bigint + p_limit, v_found <= v_cap
          FROM (SELECT u.k FROM unnest(v_keys) u(k) ORDER BY u.k LIMIT p_limit OFFSET p_offset) p
          JOIN event_store.events e ON e.global_position = p.k
         ORDER BY p.k;
        RETURN;
    END IF;

    -- The matches are found once (m, MATERIALIZED: the count and the page both read them; written
    -- twice, the trigram or instance scan ran twice), counted up to v_cap + 1, and the page is the
    -- first offset + limit keys in order. t is MATERIALIZED too: inlined, the planner may put the
    -- count on the inner side of a nested loop and run it again for every row of the page.
    RETURN QUERY EXECUTE format(
        'WITH m AS MATERIALIZED %1$s,
              t AS MATERIALIZED (SELECT count(*) AS n FROM (SELECT FROM m LIMIT $11 + 1) c),
              p AS (SELECT m.k FROM m ORDER BY m.k LIMIT $9 OFFSET $10)
         SELECT e.event_id, e.instance_id::text, e.event_type, e.sequence_num, e."timestamp", e.event_data,
                e.metadata, e.created_at, e.updated_at, e.global_position, e.transaction_id,
                CASE WHEN t.n > $11 THEN $11 ELSE t.n END, t.n > $10::bigint + $9, t.n <= $11 OR $11 IS NULL
           FROM p JOIN event_store.events e ON %2$s CROSS JOIN t
          ORDER BY p.k',
        v_matches,
        CASE WHEN p_instance_id IS NULL THEN 'e.global_position = p.k'
             ELSE 'e.instance_id = $1 AND e.sequence_num = p.k' END)
    USING p_instance_id, p_event_types, p_start_date, p_end_date, v_kw, v_kw_json, v_like,
          p_after_sequence, p_limit, p_offset, v_cap, v_mark_key, v_mark_pos, v_bound, v_terms,
          v_hour_lo, v_hour_hi;
    IF v_seqscan IS NOT NULL THEN
        PERFORM pg_catalog.set_config('enable_seqscan', v_seqscan, true);
    END IF;
END
$_$;

COMMENT ON FUNCTION event_store.query_events(p_instance_id text, p_event_types text[], p_start_date timestamp with time zone, p_end_date timestamp with time zone, p_keyword text, p_limit integer, p_offset integer, p_after_sequence bigint, p_exact_count boolean) IS 'Events matching every given filter, one page: p_instance_id (NULL = all instances), p_event_types (registered types), p_start_date/p_end_date (inclusive), p_keyword (case-insensitive literal substring of data or metadata values; 3+ characters across all instances), p_limit 1-1000, p_offset >= 0, p_after_sequence (one instance: keyset paging, sequence_num > it), p_exact_count. Rows in sequence order (global_position across instances) with total_count, total_exact and has_more: total_count is exact up to 10,000 matches (or offset + limit), beyond that a lower bound with total_exact false, unless p_exact_count. Errors: ES001 unknown event type, ES002 unknown instance, ES006 invalid argument.';

CREATE FUNCTION event_store.read_all(p_after text DEFAULT NULL::text, p_limit integer DEFAULT 1000, p_event_types text[] DEFAULT NULL::text[], p_instance_ids text[] DEFAULT NULL::text[], p_project text DEFAULT NULL::text) RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    SET jit TO 'off'
    AS $$
DECLARE
    v_from    record;
    v_horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    v_salt    bigint := ('x' || left(md5(current_database()), 7))::bit(28)::bigint;   -- for _feed_cursor, once
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Page with the cursor of the last row instead of a bigger limit.';
    END IF;
    v_from := event_store._feed_position(p_after);
    PERFORM event_store._check_feed_filters(p_event_types, p_instance_ids, p_project);
    RETURN QUERY
    SELECT * FROM event_store._feed_page(v_from.feed_key, v_from.global_position, v_horizon, p_limit,
                                         p_event_types, p_instance_ids, p_project, 1, 0, v_salt);
END
$$;

COMMENT ON FUNCTION event_store.read_all(p_after text, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text) IS 'The next committed events of all instances after the cursor p_after (NULL = from the beginning), in change-feed order: total and stable, each instance in sequence_num order, never skipping an event that commits late. Each row carries cursor (text): pass it as p_after to read on after that row. p_limit 1-10000; filters p_event_types, p_instance_ids, p_project (AND). Errors: ES001 unknown type, ES002 unknown instance, ES006 malformed or foreign cursor, bad limit or filter.';

CREATE TABLE event_store.event_types (
    event_type text NOT NULL,
    category text NOT NULL,
    description text NOT NULL,
    data_schema jsonb DEFAULT '{"type": "object"}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    validator jsonpath GENERATED ALWAYS AS (event_store._schema_predicate(data_schema)) STORED,
    CONSTRAINT event_types_category_format CHECK ((category ~ '^[a-z][a-z0-9_]{0,62}$'::text)),
    CONSTRAINT event_types_data_schema_object CHECK ((jsonb_typeof(data_schema) = 'object'::text)),
    CONSTRAINT event_types_description_not_blank CHECK ((btrim(description) <> ''::text)),
    CONSTRAINT event_types_event_type_format CHECK ((event_type ~ '^[a-z][a-z0-9_]{0,62}$'::text))
);

COMMENT ON TABLE event_store.event_types IS 'Registry of event types. emit_event accepts only these and validates event_data against data_schema. Add types with register_event_type(), no DDL needed.';

COMMENT ON COLUMN event_store.event_types.data_schema IS 'JSON Schema subset: type object, required (array of field names), properties {field: {type: string|integer|number|boolean|array|object, enum, minimum, maximum}}. Fields not listed are allowed.';

COMMENT ON COLUMN event_store.event_types.validator IS 'data_schema compiled to a jsonpath predicate: event_data @@ validator is the fast path of validation.';

CREATE FUNCTION event_store.register_event_type(p_event_type text, p_category text, p_description text, p_data_schema jsonb DEFAULT '{"type": "object"}'::jsonb) RETURNS SETOF event_store.event_types
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_existing event_store.event_types;
BEGIN
    IF p_event_type IS NULL OR p_event_type !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid event_type %: use 1-63 characters of a-z, 0-9 and "_", starting with a letter',
                        coalesce(quote_literal(p_event_type), 'NULL')
            USING ERRCODE = 'ES006', HINT = 'For example ''review_requested''.';
    END IF;
    IF p_category IS NULL OR p_category !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid category %: use 1-63 characters of a-z, 0-9 and "_", starting with a letter',
                        coalesce(quote_literal(p_category), 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Reuse a category such as ''epic'', ''testing'' or ''git'', or name a new one.';
    END IF;
    IF p_description IS NULL OR btrim(p_description) = '' THEN
        RAISE EXCEPTION 'description must not be empty'
            USING ERRCODE = 'ES006', HINT = 'Say in one sentence when the event is emitted.';
    END IF;
    PERFORM event_store._check_data_schema(p_data_schema);

    IF length(p_description) > 2000 THEN
        RAISE EXCEPTION 'description is % characters long, over the limit of 2000', length(p_description)
            USING ERRCODE = 'ES006', HINT = 'Say in one sentence when the event is emitted.';
    END IF;

    -- Insert, or find the row a concurrent call just inserted (ON CONFLICT waits for it to commit),
    -- then compare: an identical repeat is a no-op under any concurrency, never a 23505.
    INSERT INTO event_store.event_types AS t (event_type, category, description, data_schema)
    VALUES (p_event_type, p_category, p_description, p_data_schema)
    ON CONFLICT (event_type) DO NOTHING
    RETURNING * INTO v_existing;
    IF NOT FOUND THEN
        SELECT * INTO v_existing FROM event_store.event_types t WHERE t.event_type = p_event_type;
        IF (v_existing.category, v_existing.description, v_existing.data_schema)
           IS DISTINCT FROM (p_category, p_description, p_data_schema) THEN
            RAISE EXCEPTION 'event type "%" already exists with a different definition', p_event_type
                USING ERRCODE = 'ES006',
                      DETAIL = format('Stored: category "%s", description "%s", data_schema %s.',
                                      v_existing.category, left(v_existing.description, 200),
                                      left(v_existing.data_schema::text, 500)),
                      HINT = 'Event types are not redefined once events may use them; register a new name '
                             '(e.g. with a _v2 suffix).';
        END IF;
    END IF;
    RETURN NEXT v_existing;
END
$_$;

COMMENT ON FUNCTION event_store.register_event_type(p_event_type text, p_category text, p_description text, p_data_schema jsonb) IS 'Admin: add an event type without DDL and return its row. p_event_type and p_category: lower-case names; p_data_schema: JSON Schema subset (type object, required, properties with type/enum/minimum/maximum). Registering an identical definition again is a no-op. Errors: ES006 invalid argument or a different definition under an existing name, or a data_schema over a size limit (64 KiB, 200 properties, 200 required, 200 enum values, 32 levels, numbers of 64 characters).';

CREATE FUNCTION event_store.register_instance(p_instance_id text, p_instance_type text, p_project text, p_metadata jsonb DEFAULT NULL::jsonb) RETURNS SETOF event_store.instances
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_data jsonb;
    v_key_before text := coalesce(current_setting('event_store.lifecycle_key', true), '');
BEGIN
    PERFORM event_store._check_instance_id(p_instance_id);
    IF p_instance_type IS NULL OR p_instance_type NOT IN ('PS', 'MS') THEN
        RAISE EXCEPTION 'invalid instance_type %: must be PS or MS', coalesce(quote_literal(p_instance_type), 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Use ''PS'' for a project supervisor or ''MS'' for a meta supervisor.';
    END IF;
    IF p_project IS NULL OR p_project !~ '[^[:space:]]' THEN      -- no backslash: see the header
        RAISE EXCEPTION 'project must not be empty'
            USING ERRCODE = 'ES006', HINT = 'Pass the name of the project the instance supervises.';
    END IF;
    IF length(p_project) > 200 THEN
        RAISE EXCEPTION 'project is % characters long, over the limit of 200', length(p_project)
            USING ERRCODE = 'ES006', HINT = 'Pass the project''s name, not its description.';
    END IF;
    IF jsonb_typeof(p_metadata) <> 'object' OR pg_column_size(p_metadata) > 1048576
       OR NOT event_store._json_within_limits(p_metadata) THEN
        PERFORM event_store._check_metadata(p_metadata);
    END IF;

    PERFORM event_store._lock_stream(p_instance_id);     -- before the row, like every emit
    INSERT INTO event_store.instances AS i
           (instance_id, instance_type, project, status, registered_at, last_heartbeat_at, metadata)
    VALUES (p_instance_id, p_instance_type, p_project, 'active', clock_timestamp(), clock_timestamp(),
            coalesce(p_metadata, '{}'))
    ON CONFLICT (instance_id) DO UPDATE
       SET instance_type     = excluded.instance_type,
           project           = excluded.project,
           status            = 'active',
           last_heartbeat_at = excluded.last_heartbeat_at,
           metadata          = coalesce(p_metadata, i.metadata);

    v_data := jsonb_build_object('instance_type', p_instance_type, 'project', p_project);
    IF p_metadata IS NOT NULL THEN
        v_data := v_data || jsonb_build_object('metadata', p_metadata);
    END IF;
    -- The lifecycle key lets emit_event write instance_registered (_check_lifecycle_emit).
    PERFORM set_config('event_store.lifecycle_key', (SELECT k.key FROM event_store.lifecycle_key k), true);
    PERFORM event_store.emit_event(p_instance_id, 'instance_registered', v_data);
    PERFORM set_config('event_store.lifecycle_key', v_key_before, true);   -- as it was

    RETURN QUERY SELECT * FROM event_store.instances i WHERE i.instance_id = p_instance_id;
END
$$;

COMMENT ON FUNCTION event_store.register_instance(p_instance_id text, p_instance_type text, p_project text, p_metadata jsonb) IS 'Create or re-activate an instance and emit instance_registered; returns the instance row. p_instance_type: PS or MS. p_project: non-empty project name. p_metadata: optional JSON object (kept as is when NULL on re-registration; at most 1 MiB, 32 levels deep, numbers of at most 64 characters). Errors: ES006 invalid argument (names it; project over 200 characters, metadata over a limit).';

CREATE FUNCTION event_store.replay_events(p_instance_id text, p_to_sequence_num bigint DEFAULT NULL::bigint) RETURNS TABLE(final_state jsonb, events_replayed bigint, duration_ms numeric)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $_$
DECLARE
    v_started timestamptz := clock_timestamp();
    v_replay  record;
    -- Read from the database's own settings (ALTER DATABASE ... SET), not the session's: a
    -- reader must not be able to make this definer function write snapshots at will.
    v_every   text := (SELECT nullif(substr(c, length('event_store.snapshot_every=') + 1), '')
                         FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
                        WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d
                                                WHERE d.datname = current_database())
                          AND s.setrole = 0 AND starts_with(c, 'event_store.snapshot_every=')
                        LIMIT 1);
BEGIN
    IF v_every !~ '^[0-9]{1,18}$' THEN
        RAISE EXCEPTION 'invalid setting event_store.snapshot_every "%": must be a whole number', v_every
            USING ERRCODE = 'ES006', HINT = 'Set it to the number of events between automatic snapshots, or 0 for none.';
    END IF;
    v_replay := event_store._replay(p_instance_id, p_to_sequence_num);
    IF v_every::bigint > 0 AND v_replay.events_replayed >= v_every::bigint
       AND v_replay.to_sequence_num > 0 AND NOT current_setting('transaction_read_only')::boolean THEN
        PERFORM event_store._store_snapshot(p_instance_id, v_replay.acc, v_replay.last_event_id);
    END IF;
    RETURN QUERY
    SELECT event_store._fold_final(v_replay.acc), v_replay.events_replayed,
           round(extract(epoch FROM clock_timestamp() - v_started) * 1000, 3);
END
$_$;

COMMENT ON FUNCTION event_store.replay_events(p_instance_id text, p_to_sequence_num bigint) IS 'Fold an instance''s events up to and including p_to_sequence_num (NULL = all) into its state; returns (final_state, events_replayed = events read in this call, duration_ms). Starts from the newest usable snapshot. Takes a snapshot automatically when the database setting event_store.snapshot_every = N > 0 (ALTER DATABASE ... SET) and at least N events were read. Errors: ES002 unknown instance, ES006 invalid argument or setting.';

CREATE PROCEDURE event_store.run_projector(IN p_seconds integer DEFAULT 50, IN p_idle_ms integer DEFAULT 50)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_until timestamptz;
    v_snap  timestamptz := pg_catalog.clock_timestamp();
    v_n     int;
BEGIN
    IF p_seconds IS NULL OR p_seconds NOT BETWEEN 1 AND 3600 THEN
        RAISE EXCEPTION 'invalid seconds %: must be between 1 and 3600', coalesce(p_seconds::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'Schedule it again (e.g. every minute with p_seconds 50).';
    END IF;
    IF p_idle_ms IS NULL OR p_idle_ms NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'invalid idle_ms %: must be between 1 and 10000', coalesce(p_idle_ms::text, 'NULL')
            USING ERRCODE = 'ES006', HINT = 'The default, 50 ms, keeps the projection within about 50 ms of the feed.';
    END IF;
    v_until := pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => p_seconds);
    LOOP
        v_n := event_store.project_fleet(1000);
        COMMIT;
        IF pg_catalog.clock_timestamp() >= v_snap THEN
            PERFORM event_store.project_snapshots();
            COMMIT;
            v_snap := pg_catalog.clock_timestamp() + interval '1 second';
        END IF;
        EXIT WHEN pg_catalog.clock_timestamp() >= v_until;
        IF v_n < 1000 THEN
            PERFORM pg_catalog.pg_sleep(p_idle_ms / 1000.0);
        END IF;
    END LOOP;
END
$$;

COMMENT ON PROCEDURE event_store.run_projector(IN p_seconds integer, IN p_idle_ms integer) IS 'Admin (the projector loop for a scheduler): apply project_fleet batches, committing each, for p_seconds (default 50), sleeping p_idle_ms (default 50) when nothing is new; project_snapshots about once a second. CALL it outside a transaction block. Errors: ES006 invalid argument.';

CREATE FUNCTION event_store.wait_for_events(p_after text DEFAULT NULL::text, p_timeout_seconds double precision DEFAULT 10, p_limit integer DEFAULT 1000, p_event_types text[] DEFAULT NULL::text[], p_instance_ids text[] DEFAULT NULL::text[], p_project text DEFAULT NULL::text) RETURNS TABLE(event_id uuid, instance_id text, event_type text, sequence_num bigint, "timestamp" timestamp with time zone, event_data jsonb, metadata jsonb, created_at timestamp with time zone, updated_at timestamp with time zone, global_position bigint, transaction_id xid8, cursor text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'event_store', 'pg_temp'
    AS $$
DECLARE
    v_deadline timestamptz;
BEGIN
    IF p_timeout_seconds IS NULL OR NOT (p_timeout_seconds >= 0 AND p_timeout_seconds <= 60) THEN
        RAISE EXCEPTION 'timeout_seconds must be between 0 and 60, got %', coalesce(p_timeout_seconds::text, 'null')
            USING ERRCODE = 'ES006', HINT = 'Wait at most a minute per call, and call again to wait longer.';
    END IF;
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'wait_for_events needs READ COMMITTED, the transaction is %',
                        pg_catalog.current_setting('transaction_isolation')
            USING ERRCODE = 'ES006',
                  HINT = 'A transaction snapshot never shows new events: call it outside the transaction, '
                         'or use read_all.';
    END IF;
    v_deadline := pg_catalog.clock_timestamp() + p_timeout_seconds * interval '1 second';
    LOOP
        RETURN QUERY SELECT * FROM event_store.read_all(p_after, p_limit, p_event_types, p_instance_ids, p_project);
        EXIT WHEN FOUND OR pg_catalog.clock_timestamp() >= v_deadline;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
END
$$;

COMMENT ON FUNCTION event_store.wait_for_events(p_after text, p_timeout_seconds double precision, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text) IS 'read_all that waits: the next committed events after the cursor p_after (NULL = from the beginning), as soon as there are any, or no rows after p_timeout_seconds (0-60, default 10). Same rows, order, filters and cursors as read_all; pass the last row''s cursor to wait again. Costs writers nothing (no NOTIFY): the waiting call re-reads every 5 ms. Errors: as read_all; ES006 timeout out of range or a REPEATABLE READ / SERIALIZABLE transaction.';

CREATE AGGREGATE event_store.fold_state(event_store.events) (
    SFUNC = array_append,
    STYPE = event_store.events[],
    INITCOND = '{}',
    FINALFUNC = event_store._fold_state_final
);

COMMENT ON AGGREGATE event_store.fold_state(event_store.events) IS 'Fold an instance''s events, in sequence order, into the jsonb state a supervisor resumes from (status, current epic, epics, tests, validations, git, deployments, context window, checkpoints, planning); use with ORDER BY sequence_num. Unknown event types only count. Errors: none.';

ALTER TABLE event_store.events ALTER COLUMN global_position ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME event_store.events_global_position_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE event_store.fleet_index (
    global_position bigint NOT NULL,
    feed_key xid8 NOT NULL,
    instance_id character varying(32) NOT NULL,
    sequence_num bigint NOT NULL,
    event_type text NOT NULL,
    "timestamp" timestamp with time zone NOT NULL,
    search_text text NOT NULL
)
WITH (autovacuum_vacuum_insert_scale_factor='0.01');

COMMENT ON TABLE event_store.fleet_index IS 'Projection of every event up to the fleet_index watermark (tables/projections): type, time and keyword text with their indexes, for fleet-wide reads. Written only by project_fleet.';

COMMENT ON COLUMN event_store.fleet_index.global_position IS 'The event (events.global_position).';

COMMENT ON COLUMN event_store.fleet_index.feed_key IS 'The event''s feed_key.';

COMMENT ON COLUMN event_store.fleet_index.sequence_num IS 'The event''s sequence_num: keyword pages of one instance are in sequence order.';

COMMENT ON COLUMN event_store.fleet_index.search_text IS '_search_text(event_data, metadata): the lower-cased values that p_keyword matches.';

CREATE TABLE event_store.fleet_type_counts (
    event_type text NOT NULL,
    hour timestamp with time zone NOT NULL,
    event_count integer NOT NULL,
    min_global_position bigint
);

COMMENT ON TABLE event_store.fleet_type_counts IS 'Projection: events per type and UTC hour over all instances, up to the fleet_index watermark. Written only by project_fleet (and delete_events_for_instance).';

COMMENT ON COLUMN event_store.fleet_type_counts.hour IS 'date_trunc(''hour'', timestamp, ''UTC'').';

COMMENT ON COLUMN event_store.fleet_type_counts.min_global_position IS 'A lower bound of the global_position of the type''s events in the hour (their minimum when projected); NULL = unknown.';

CREATE TABLE event_store.lifecycle_key (
    singleton boolean DEFAULT true NOT NULL,
    key text DEFAULT md5(((gen_random_uuid())::text || (clock_timestamp())::text)) NOT NULL,
    CONSTRAINT lifecycle_key_one_row CHECK (singleton)
);

COMMENT ON TABLE event_store.lifecycle_key IS 'Owner-only, one row: the key with which register_instance, heartbeat and mark_stale_instances tell emit_event that they may write lifecycle events (instance_registered/heartbeat/stale).';

CREATE TABLE event_store.projections (
    projection_name text NOT NULL,
    feed_key xid8 DEFAULT '0'::xid8 NOT NULL,
    global_position bigint DEFAULT 0 NOT NULL,
    events_projected bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

COMMENT ON TABLE event_store.projections IS 'Projections maintained from the change feed (project_fleet), each with its watermark: every event at or before (feed_key, global_position) in feed order is applied, none after it.';

COMMENT ON COLUMN event_store.projections.feed_key IS 'Watermark, feed_key half (0 = nothing applied yet).';

COMMENT ON COLUMN event_store.projections.global_position IS 'Watermark, global_position half.';

COMMENT ON COLUMN event_store.projections.events_projected IS 'Events applied since the projection was created.';

COMMENT ON COLUMN event_store.projections.updated_at IS 'When the watermark last moved.';

ALTER TABLE event_store.snapshots ALTER COLUMN snapshot_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME event_store.snapshots_snapshot_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE UNLOGGED TABLE event_store.stream_locks (
    instance_id character varying(32) NOT NULL
)
WITH (fillfactor='10');

COMMENT ON TABLE event_store.stream_locks IS 'Stream locks: one row per instance, only ever row-locked (FOR UPDATE) by _lock_stream before the instances row; never updated. Owner-only, so no other role can take or hold a stream lock. Unlogged (no WAL per lock); empty after a crash, refilled by _lock_stream as streams are written.';

CREATE TABLE event_store.subscription_slots (
    subscription_name text NOT NULL,
    slot integer NOT NULL,
    checkpoint_key xid8 NOT NULL,
    checkpoint_position bigint NOT NULL,
    delivered_key xid8 NOT NULL,
    delivered_position bigint NOT NULL,
    holder integer,
    lease_until timestamp with time zone NOT NULL,
    acked_at timestamp with time zone
);

COMMENT ON TABLE event_store.subscription_slots IS 'Per consumer-group member of a subscription: the checkpoint, the furthest delivered position, and which member holds the slot until when (lease).';

COMMENT ON COLUMN event_store.subscription_slots.slot IS 'Member number 0 .. members-1: the home member of the instances with _feed_slot(instance_id, members) = slot.';

COMMENT ON COLUMN event_store.subscription_slots.checkpoint_key IS 'Acknowledged position (feed_key half); poll_subscription delivers the events after it.';

COMMENT ON COLUMN event_store.subscription_slots.checkpoint_position IS 'Acknowledged position (global_position half).';

COMMENT ON COLUMN event_store.subscription_slots.delivered_key IS 'Furthest position delivered to the holder (feed_key half): acks may go up to it.';

COMMENT ON COLUMN event_store.subscription_slots.delivered_position IS 'Furthest delivered position (global_position half).';

COMMENT ON COLUMN event_store.subscription_slots.holder IS 'The member serving this slot now (NULL: none yet).';

COMMENT ON COLUMN event_store.subscription_slots.lease_until IS 'The holder keeps the slot until then (renewed by each poll and ack); later any member may take it over.';

ALTER TABLE ONLY event_store.event_types
    ADD CONSTRAINT event_types_pkey PRIMARY KEY (event_type);

ALTER TABLE ONLY event_store.events
    ADD CONSTRAINT events_instance_sequence_unique UNIQUE (instance_id, sequence_num);

ALTER TABLE ONLY event_store.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (event_id);

ALTER TABLE ONLY event_store.fleet_index
    ADD CONSTRAINT fleet_index_pkey PRIMARY KEY (global_position);

ALTER TABLE ONLY event_store.fleet_type_counts
    ADD CONSTRAINT fleet_type_counts_pkey PRIMARY KEY (event_type, hour);

ALTER TABLE ONLY event_store.instances
    ADD CONSTRAINT instances_pkey PRIMARY KEY (instance_id);

ALTER TABLE ONLY event_store.lifecycle_key
    ADD CONSTRAINT lifecycle_key_pkey PRIMARY KEY (singleton);

ALTER TABLE ONLY event_store.projections
    ADD CONSTRAINT projections_pkey PRIMARY KEY (projection_name);

ALTER TABLE ONLY event_store.snapshots
    ADD CONSTRAINT snapshots_instance_version_sequence_unique UNIQUE (instance_id, fold_version, sequence_num);

ALTER TABLE ONLY event_store.snapshots
    ADD CONSTRAINT snapshots_pkey PRIMARY KEY (snapshot_id);

ALTER TABLE ONLY event_store.stream_locks
    ADD CONSTRAINT stream_locks_pkey PRIMARY KEY (instance_id);

ALTER TABLE ONLY event_store.subscription_slots
    ADD CONSTRAINT subscription_slots_pkey PRIMARY KEY (subscription_name, slot);

ALTER TABLE ONLY event_store.subscriptions
    ADD CONSTRAINT subscriptions_pkey PRIMARY KEY (subscription_name);

CREATE INDEX events_feed_key_idx ON event_store.events USING btree (feed_key, global_position);

COMMENT ON INDEX event_store.events_feed_key_idx IS 'The change-feed order (feed_key, global_position): read_all and subscription polls.';

CREATE INDEX events_global_position_idx ON event_store.events USING btree (global_position);

COMMENT ON INDEX event_store.events_global_position_idx IS 'All events in global order: query_events across instances without filters, catch-up reads.';

CREATE INDEX events_instance_type_timestamp_idx ON event_store.events USING btree (instance_id, event_type, "timestamp") INCLUDE (sequence_num);

COMMENT ON INDEX event_store.events_instance_type_timestamp_idx IS 'One instance''s events by type and time (with sequence_num): filtered reads and per-type counts.';

CREATE INDEX fleet_index_search_idx ON event_store.fleet_index USING gin (instance_id, search_text event_store_ext.gin_trgm_ops);

COMMENT ON INDEX event_store.fleet_index_search_idx IS 'GIN over (instance_id, trigrams of search_text): keyword search across all instances or within one.';

CREATE INDEX fleet_index_terms_idx ON event_store.fleet_index USING gin (instance_id, event_store._search_terms(search_text));

COMMENT ON INDEX event_store.fleet_index_terms_idx IS 'Keywords with whole tokens inside: rows holding the keyword''s tokens and adjacent token pairs (_search_terms).';

CREATE INDEX fleet_index_timestamp_idx ON event_store.fleet_index USING btree ("timestamp") INCLUDE (event_type);

COMMENT ON INDEX event_store.fleet_index_timestamp_idx IS 'Date ranges across all instances (index-only with the type).';

CREATE INDEX fleet_index_type_idx ON event_store.fleet_index USING btree (event_type, global_position);

COMMENT ON INDEX event_store.fleet_index_type_idx IS 'Type-filtered fleet pages in global order.';

CREATE INDEX fleet_index_type_time_idx ON event_store.fleet_index USING btree (event_type, "timestamp") INCLUDE (global_position);

COMMENT ON INDEX event_store.fleet_index_type_time_idx IS 'Type and date filters across all instances: one range per type, index-only with global_position for the page.';

CREATE INDEX snapshots_event_id_idx ON event_store.snapshots USING btree (event_id);

CREATE TRIGGER event_types_never_deleted BEFORE DELETE OR TRUNCATE ON event_store.event_types FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_registry_delete();

COMMENT ON TRIGGER event_types_never_deleted ON event_store.event_types IS 'ES005 on DELETE or TRUNCATE: events refer to event types (no foreign key on the write path).';

CREATE TRIGGER events_immutable_row BEFORE DELETE OR UPDATE ON event_store.events FOR EACH ROW EXECUTE FUNCTION event_store._refuse_event_change();

COMMENT ON TRIGGER events_immutable_row ON event_store.events IS 'Raises ES005 on UPDATE or DELETE (see _refuse_event_change).';

CREATE TRIGGER events_immutable_truncate BEFORE TRUNCATE ON event_store.events FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_event_change();

COMMENT ON TRIGGER events_immutable_truncate ON event_store.events IS 'Raises ES005 on TRUNCATE, which row triggers do not see.';

CREATE TRIGGER events_immutable_whole_stream AFTER DELETE ON event_store.events FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_partial_delete();

COMMENT ON TRIGGER events_immutable_whole_stream ON event_store.events IS 'Raises ES005 unless a permitted DELETE removed every event of its instance.';

CREATE TRIGGER instances_check_row BEFORE INSERT ON event_store.instances FOR EACH ROW EXECUTE FUNCTION event_store._check_instance_row();

COMMENT ON TRIGGER instances_check_row ON event_store.instances IS 'Enforces the row rules on INSERT.';

CREATE TRIGGER instances_check_row_update AFTER UPDATE OF instance_id, instance_type, project, status, metadata ON event_store.instances FOR EACH ROW EXECUTE FUNCTION event_store._check_instance_row();

COMMENT ON TRIGGER instances_check_row_update ON event_store.instances IS 'Enforces the row rules on UPDATEs of the checked columns; stream-head bumps skip it without a row lock.';

CREATE TRIGGER instances_never_deleted BEFORE DELETE OR TRUNCATE ON event_store.instances FOR EACH STATEMENT EXECUTE FUNCTION event_store._refuse_registry_delete();

COMMENT ON TRIGGER instances_never_deleted ON event_store.instances IS 'ES005 on DELETE or TRUNCATE: events refer to instances (no foreign key on the write path).';

ALTER TABLE ONLY event_store.snapshots
    ADD CONSTRAINT snapshots_event_id_fkey FOREIGN KEY (event_id) REFERENCES event_store.events(event_id) ON DELETE CASCADE;

ALTER TABLE ONLY event_store.snapshots
    ADD CONSTRAINT snapshots_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES event_store.instances(instance_id) ON DELETE CASCADE;

ALTER TABLE ONLY event_store.subscription_slots
    ADD CONSTRAINT subscription_slots_subscription_name_fkey FOREIGN KEY (subscription_name) REFERENCES event_store.subscriptions(subscription_name) ON DELETE CASCADE;

GRANT USAGE ON SCHEMA event_store TO event_store_reader;
GRANT USAGE ON SCHEMA event_store TO event_store_writer;
GRANT USAGE ON SCHEMA event_store TO event_store_admin;

REVOKE ALL ON TYPE event_store._fold_acc FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._bump_head(p_instance_id text, p_count integer, p_expected_sequence bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_data_schema(p_schema jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_date_range(p_start_date timestamp with time zone, p_end_date timestamp with time zone) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_emit_arguments(p_instance_id text, p_metadata jsonb, p_expected_sequence bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_event_types(p_event_types text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_feed_filters(p_event_types text[], p_instance_ids text[], p_project text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_instance_id(p_instance_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_instance_row() FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_json_limits(p_value jsonb, p_what text, p_errcode text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_lifecycle_emit(p_event_type text, p_where text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._check_metadata(p_metadata jsonb, p_where text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._closest_event_types(p_name text, p_limit integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._edit_distance(p_a text, p_b text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._event_id_reused(p_event_id uuid, p_stored event_store.events, p_where text, p_detail text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._feed_cursor(p_feed_key xid8, p_global_position bigint, p_salt bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._feed_key_since(p_since timestamp with time zone) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._feed_page(p_feed_key xid8, p_global_position bigint, p_horizon xid8, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text, p_members integer, p_slot integer, p_salt bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._feed_position(p_cursor text, OUT feed_key xid8, OUT global_position bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._feed_slot(p_instance_id text, p_members integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._fold_apply(p_acc event_store._fold_acc, p_events event_store.events[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._fold_final(p_acc event_store._fold_acc) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._fold_initial() FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._fold_state_final(p_events event_store.events[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._fold_version() FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._instance_head(p_instance_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._instance_not_found(p_instance_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._is_instance_id(p_instance_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._json_within_limits(p_value jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._keyword_terms(p_keyword_json text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._lock_stream(p_instance_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._refuse_event_change() FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._refuse_partial_delete() FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._refuse_registry_delete() FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._replay(p_instance_id text, p_to_sequence_num bigint, OUT acc event_store._fold_acc, OUT events_replayed bigint, OUT to_sequence_num bigint, OUT last_event_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._schema_predicate(p_schema jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._search_terms(p_text text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._search_text(p_event_data jsonb, p_metadata jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._sequence_conflict(p_instance_id text, p_expected bigint, p_actual bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._store_snapshot(p_instance_id text, p_acc event_store._fold_acc, p_event_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._subscription(p_subscription_name text, p_lock boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._try_lock_stream(p_instance_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store._validate_event(p_event_type text, p_event_data jsonb, p_where text) FROM PUBLIC;

REVOKE ALL ON FUNCTION event_store.ack_subscription(p_subscription_name text, p_cursor text, p_member integer) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.ack_subscription(p_subscription_name text, p_cursor text, p_member integer) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.aggregate_events_by_type(p_instance_id text, p_start_date timestamp with time zone, p_end_date timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.aggregate_events_by_type(p_instance_id text, p_start_date timestamp with time zone, p_end_date timestamp with time zone) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.count_events(p_instance_id text, p_event_types text[], p_start_date timestamp with time zone, p_end_date timestamp with time zone, p_keyword text, p_after_sequence bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.count_events(p_instance_id text, p_event_types text[], p_start_date timestamp with time zone, p_end_date timestamp with time zone, p_keyword text, p_after_sequence bigint) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.create_snapshot(p_instance_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.create_snapshot(p_instance_id text) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.create_subscription(p_subscription_name text, p_start_from text, p_event_types text[], p_instance_ids text[], p_project text, p_members integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.create_subscription(p_subscription_name text, p_start_from text, p_event_types text[], p_instance_ids text[], p_project text, p_members integer, p_lease interval) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.delete_events_for_instance(p_instance_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.delete_events_for_instance(p_instance_id text) TO event_store_admin;

REVOKE ALL ON FUNCTION event_store.drop_subscription(p_subscription_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.drop_subscription(p_subscription_name text) TO event_store_admin;

REVOKE ALL ON FUNCTION event_store.emit_event(p_instance_id text, p_event_type text, p_event_data jsonb, p_metadata jsonb, p_event_id uuid, p_expected_sequence bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.emit_event(p_instance_id text, p_event_type text, p_event_data jsonb, p_metadata jsonb, p_event_id uuid, p_expected_sequence bigint) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.emit_events(p_instance_id text, p_events jsonb, p_expected_sequence bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.emit_events(p_instance_id text, p_events jsonb, p_expected_sequence bigint) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.feed_cursor(p_start_from text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.feed_cursor(p_start_from text) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.get_event_by_id(p_event_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.get_event_by_id(p_event_id uuid) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.get_event_count(p_instance_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.get_event_count(p_instance_id text) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.get_latest_events(p_instance_id text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.get_latest_events(p_instance_id text, p_limit integer) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.heartbeat(p_instance_id text, p_context_percent numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.heartbeat(p_instance_id text, p_context_percent numeric) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.list_event_types(p_category text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.list_event_types(p_category text) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.list_instances(p_status text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.list_instances(p_status text) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.list_subscriptions() FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.list_subscriptions() TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.mark_stale_instances(p_timeout interval) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.mark_stale_instances(p_timeout interval) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.poll_subscription(p_subscription_name text, p_limit integer, p_member integer) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.poll_subscription(p_subscription_name text, p_limit integer, p_member integer) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.project_fleet(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.project_fleet(p_limit integer) TO event_store_admin;

REVOKE ALL ON FUNCTION event_store.project_snapshots(p_every integer, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.project_snapshots(p_every integer, p_limit integer) TO event_store_admin;

REVOKE ALL ON FUNCTION event_store.query_events(p_instance_id text, p_event_types text[], p_start_date timestamp with time zone, p_end_date timestamp with time zone, p_keyword text, p_limit integer, p_offset integer, p_after_sequence bigint, p_exact_count boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.query_events(p_instance_id text, p_event_types text[], p_start_date timestamp with time zone, p_end_date timestamp with time zone, p_keyword text, p_limit integer, p_offset integer, p_after_sequence bigint, p_exact_count boolean) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.read_all(p_after text, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.read_all(p_after text, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.register_event_type(p_event_type text, p_category text, p_description text, p_data_schema jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.register_event_type(p_event_type text, p_category text, p_description text, p_data_schema jsonb) TO event_store_admin;

REVOKE ALL ON FUNCTION event_store.register_instance(p_instance_id text, p_instance_type text, p_project text, p_metadata jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.register_instance(p_instance_id text, p_instance_type text, p_project text, p_metadata jsonb) TO event_store_writer;

REVOKE ALL ON FUNCTION event_store.replay_events(p_instance_id text, p_to_sequence_num bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.replay_events(p_instance_id text, p_to_sequence_num bigint) TO event_store_reader;

REVOKE ALL ON PROCEDURE event_store.run_projector(IN p_seconds integer, IN p_idle_ms integer) FROM PUBLIC;
GRANT ALL ON PROCEDURE event_store.run_projector(IN p_seconds integer, IN p_idle_ms integer) TO event_store_admin;

REVOKE ALL ON FUNCTION event_store.wait_for_events(p_after text, p_timeout_seconds double precision, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.wait_for_events(p_after text, p_timeout_seconds double precision, p_limit integer, p_event_types text[], p_instance_ids text[], p_project text) TO event_store_reader;

REVOKE ALL ON FUNCTION event_store.fold_state(event_store.events) FROM PUBLIC;
GRANT ALL ON FUNCTION event_store.fold_state(event_store.events) TO event_store_reader;

