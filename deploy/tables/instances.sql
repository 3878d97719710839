-- Deploy supervisor_event_store:tables/instances to pg
-- requires: schemas/event_store

BEGIN;

CREATE TABLE event_store.instances (
    instance_id       varchar(32) PRIMARY KEY,
    instance_type     text        NOT NULL,
    project           text        NOT NULL,
    status            text        NOT NULL DEFAULT 'active',
    registered_at     timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    metadata          jsonb       NOT NULL DEFAULT '{}',
    last_sequence_num bigint      NOT NULL DEFAULT 0
) WITH (fillfactor = 10);

/*
 * The row rules, as a trigger instead of CHECK constraints: PostgreSQL re-evaluates every CHECK
 * on every UPDATE, and every emit bumps last_sequence_num, so six CHECKs cost each emit about
 * 30 us of CPU (measured, docs/benchmarks.md). The trigger fires only on INSERT and on UPDATEs
 * that set one of the checked columns; it raises check_violation (23514) like a CHECK would.
 * fillfactor 10 spreads the (few, hot) rows over more pages and leaves room for the HOT versions
 * the head bumps create: fewer emits contend for one page (measured +2-7% emit_event throughput at
 * 16 clients).
 */
CREATE FUNCTION event_store._check_instance_row()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = event_store, pg_temp
AS $$
BEGIN
    IF NEW.instance_id !~ '^[A-Za-z0-9_.-]{1,32}$' THEN
        RAISE EXCEPTION 'invalid instance_id "%": use 1-32 characters of A-Z, a-z, 0-9, "_", "." and "-"', NEW.instance_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_instance_id_format';
    ELSIF NEW.instance_type NOT IN ('PS', 'MS') THEN
        RAISE EXCEPTION 'invalid instance_type "%": must be PS or MS', NEW.instance_type
            USING ERRCODE = 'check_violation', CONSTRAINT = 'instances_instance_type_known';
    ELSIF NEW.project !~ '\S' THEN
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

COMMENT ON FUNCTION event_store._check_instance_row() IS
    'Trigger function: the row rules of instances (id format, PS/MS, non-blank project, status, '
    'metadata object), raised as check_violation (23514).';

REVOKE ALL ON FUNCTION event_store._check_instance_row() FROM PUBLIC;

CREATE TRIGGER instances_check_row
    BEFORE INSERT OR UPDATE OF instance_id, instance_type, project, status, metadata
    ON event_store.instances
    FOR EACH ROW EXECUTE FUNCTION event_store._check_instance_row();

COMMENT ON TRIGGER instances_check_row ON event_store.instances IS
    'Enforces the row rules on INSERT and on UPDATEs of the checked columns, not on stream-head bumps.';

COMMENT ON TABLE event_store.instances IS
    'Registry of supervisor instances. Each row is also the head of its event stream: '
    'emit functions lock it with UPDATE ... RETURNING to hand out gap-free sequence numbers.';
COMMENT ON COLUMN event_store.instances.instance_id IS
    '1-32 characters of [A-Za-z0-9_.-], e.g. odin-PS-8f4a2b.';
COMMENT ON COLUMN event_store.instances.instance_type IS 'PS (project supervisor) or MS (meta supervisor).';
COMMENT ON COLUMN event_store.instances.status IS
    'active, or stale once mark_stale_instances saw no heartbeat within its timeout.';
COMMENT ON COLUMN event_store.instances.last_sequence_num IS
    'Stream head: the last sequence number handed out (0 = no events yet).';

REVOKE ALL ON event_store.instances FROM PUBLIC;

COMMIT;
