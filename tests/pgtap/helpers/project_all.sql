-- Included by the projection tests (\ir): pg_temp.project_all() calls project_fleet until it
-- returns 0 (nothing below the horizon is left after the watermark) and returns the sum.
CREATE FUNCTION pg_temp.project_all() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_n   int;
    v_sum bigint := 0;
BEGIN
    LOOP
        v_n := event_store.project_fleet(100000);
        v_sum := v_sum + v_n;
        EXIT WHEN v_n = 0;
    END LOOP;
    RETURN v_sum;
END
$$;
