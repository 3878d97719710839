-- Deploy supervisor_event_store:functions/register_event_type to pg
-- requires: tables/event_types
-- requires: roles/event_store_admin
-- requires: functions/_check_data_schema

BEGIN;

/*
 * Adds an event type. Registering the same definition again is a no-op that returns the row;
 * a different definition under an existing name is refused (events already stored were
 * validated against the old one). Safe under any concurrency: INSERT ... ON CONFLICT DO NOTHING,
 * then compare with the stored row (issue 10: 8 sessions got 23505 on 249 of 400 calls).
 */
CREATE OR REPLACE FUNCTION event_store.register_event_type(
    p_event_type  text,
    p_category    text,
    p_description text,
    p_data_schema jsonb DEFAULT '{"type": "object"}'
)
    RETURNS SETOF event_store.event_types
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = event_store, pg_temp
AS $$
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
$$;

COMMENT ON FUNCTION event_store.register_event_type(text, text, text, jsonb) IS
    'Admin: add an event type without DDL and return its row. p_event_type and p_category: lower-case '
    'names; p_data_schema: JSON Schema subset (type object, required, properties with type/enum/minimum/'
    'maximum). Registering an identical definition again is a no-op. Errors: ES006 invalid argument or '
    'a different definition under an existing name, or a data_schema over a size limit (64 KiB, 200 properties, '
    '200 required, 200 enum values, 32 levels, numbers of 64 characters).';

REVOKE ALL ON FUNCTION event_store.register_event_type(text, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION event_store.register_event_type(text, text, text, jsonb) TO event_store_admin;

COMMIT;
