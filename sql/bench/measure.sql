-- Timing helpers for tests/bench/read_bench.py, installed into a bench database only (schema
-- bench, never part of the deployed store). Times are taken inside the server around EXECUTE, so
-- they exclude the client round trip but include planning of the statement and of the dynamic
-- SQL inside the functions.
\set ON_ERROR_STOP on
CREATE SCHEMA IF NOT EXISTS bench;
DROP FUNCTION IF EXISTS bench.timeit(text, int, int);
DROP FUNCTION IF EXISTS bench.timeit(text, int, int, text, text);

/*
 * Runs p_sql p_runs times (after p_warmup untimed runs) and returns percentiles in ms.
 * In p_sql, {inst} becomes a random instance among bench-0001..bench-0999 (a different one each
 * run), {day} a random day offset 0..86 and {n} a random number 1..99.
 * Each run computes p_value (an aggregate over the rows, numeric: e.g. max(total_count)) and
 * p_flag (boolean: e.g. bool_and(total_exact)) inside the timed statement; the result gives their
 * range over the timed runs and in how many runs the flag was true.
 */
CREATE FUNCTION bench.timeit(
    p_sql    text,
    p_runs   int,
    p_warmup int  DEFAULT 3,
    p_value  text DEFAULT 'count(*)',
    p_flag   text DEFAULT 'NULL::boolean'
)
    RETURNS TABLE (runs int, p50_ms numeric, p99_ms numeric, mean_ms numeric, max_ms numeric,
                   value_min numeric, value_max numeric, flag_true int)
    LANGUAGE plpgsql
AS $$
DECLARE
    v_times  float8[] := '{}';
    v_values numeric[] := '{}';
    v_flags  int := 0;
    v_sql    text;
    v_t0     timestamptz;
    v_value  numeric;
    v_flag   boolean;
BEGIN
    FOR i IN 1 .. p_warmup + p_runs LOOP
        v_sql := replace(replace(replace(p_sql,
                     '{inst}', format('bench-%s', lpad((1 + floor(random() * 999))::int::text, 4, '0'))),
                     '{day}', floor(random() * 87)::int::text),
                     '{n}', (1 + floor(random() * 99))::int::text);
        v_t0 := clock_timestamp();
        EXECUTE format('SELECT (%s)::numeric, (%s)::boolean FROM (%s) q', p_value, p_flag, v_sql)
           INTO v_value, v_flag;
        IF i > p_warmup THEN
            v_times := v_times || extract(epoch FROM clock_timestamp() - v_t0) * 1000;
            v_values := v_values || v_value;
            v_flags := v_flags + CASE WHEN v_flag THEN 1 ELSE 0 END;
        END IF;
    END LOOP;
    RETURN QUERY
    SELECT p_runs,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t)::numeric, 2),
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY t)::numeric, 2),
           round(avg(t)::numeric, 2),
           round(max(t)::numeric, 2),
           (SELECT min(v) FROM unnest(v_values) v),
           (SELECT max(v) FROM unnest(v_values) v),
           CASE WHEN p_flag = 'NULL::boolean' THEN NULL ELSE v_flags END
      FROM unnest(v_times) t;
END
$$;
