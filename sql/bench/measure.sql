-- Timing helpers for tests/bench/read_bench.py, installed into a bench database only (schema
-- bench, never part of the deployed store). Times are taken inside the server around EXECUTE, so
-- they exclude the client round trip but include planning of the statement and of the dynamic
-- SQL inside the functions.
\set ON_ERROR_STOP on
CREATE SCHEMA IF NOT EXISTS bench;

/*
 * Runs p_sql p_runs times (after p_warmup untimed runs) and returns percentiles in ms.
 * In p_sql, {inst} becomes a random instance among bench-0001..bench-0999 (a different one each
 * run), {day} a random day offset 0..86 and {n} a random number 1..99.
 */
CREATE OR REPLACE FUNCTION bench.timeit(
    p_sql    text,
    p_runs   int,
    p_warmup int DEFAULT 3
)
    RETURNS TABLE (runs int, p50_ms numeric, p99_ms numeric, mean_ms numeric, max_ms numeric)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_times float8[] := '{}';
    v_sql   text;
    v_t0    timestamptz;
    v_dummy bigint;
BEGIN
    FOR i IN 1 .. p_warmup + p_runs LOOP
        v_sql := replace(replace(replace(p_sql,
                     '{inst}', format('bench-%s', lpad((1 + floor(random() * 999))::int::text, 4, '0'))),
                     '{day}', floor(random() * 87)::int::text),
                     '{n}', (1 + floor(random() * 99))::int::text);
        v_t0 := clock_timestamp();
        EXECUTE 'SELECT count(*) FROM (' || v_sql || ') q' INTO v_dummy;
        IF i > p_warmup THEN
            v_times := v_times || extract(epoch FROM clock_timestamp() - v_t0) * 1000;
        END IF;
    END LOOP;
    RETURN QUERY
    SELECT p_runs,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t)::numeric, 2),
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY t)::numeric, 2),
           round(avg(t)::numeric, 2),
           round(max(t)::numeric, 2)
      FROM unnest(v_times) t;
END
$$;
