-- Deploy supervisor_event_store:tables/instances to pg
-- requires: schemas/event_store

BEGIN;

CREATE TABLE event_store.instances (
    instance_id       varchar(32) PRIMARY KEY
                      CONSTRAINT instances_instance_id_format
                      CHECK (instance_id ~ '^[A-Za-z0-9_.-]{1,32}$'),
    instance_type     text        NOT NULL
                      CONSTRAINT instances_instance_type_known CHECK (instance_type IN ('PS', 'MS')),
    project           text        NOT NULL
                      CONSTRAINT instances_project_not_blank CHECK (btrim(project) <> ''),
    status            text        NOT NULL DEFAULT 'active'
                      CONSTRAINT instances_status_known CHECK (status IN ('active', 'stale')),
    registered_at     timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    metadata          jsonb       NOT NULL DEFAULT '{}'
                      CONSTRAINT instances_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    last_sequence_num bigint      NOT NULL DEFAULT 0
                      CONSTRAINT instances_last_sequence_num_not_negative CHECK (last_sequence_num >= 0)
);

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
