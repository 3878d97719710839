-- Deploy supervisor_event_store:tables/event_types to pg
-- requires: schemas/event_store

BEGIN;

CREATE TABLE event_store.event_types (
    event_type  text        PRIMARY KEY
                CONSTRAINT event_types_event_type_format CHECK (event_type ~ '^[a-z][a-z0-9_]{0,62}$'),
    category    text        NOT NULL
                CONSTRAINT event_types_category_format CHECK (category ~ '^[a-z][a-z0-9_]{0,62}$'),
    description text        NOT NULL
                CONSTRAINT event_types_description_not_blank CHECK (btrim(description) <> ''),
    data_schema jsonb       NOT NULL DEFAULT '{"type": "object"}'
                CONSTRAINT event_types_data_schema_object CHECK (jsonb_typeof(data_schema) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE event_store.event_types IS
    'Registry of event types. emit_event accepts only these and validates event_data against '
    'data_schema. Add types with register_event_type(), no DDL needed.';
COMMENT ON COLUMN event_store.event_types.data_schema IS
    'JSON Schema subset: type object, required (array of field names), properties '
    '{field: {type: string|integer|number|boolean|array|object, enum, minimum, maximum}}. '
    'Fields not listed are allowed.';

REVOKE ALL ON event_store.event_types FROM PUBLIC;

COMMIT;
