#!/usr/bin/env bash
# Issue 12: the fleet projection under the write benchmark, and emit_events in batches.
#   1. Lag: 16 pgbench clients emit_event to 100 instances for SECONDS while the projector runs
#      (CALL event_store.run_projector in its own session, as pg_cron runs it); every 200 ms the
#      age of the oldest event not yet projected (0 when none) is sampled. Prints p50/p99/max and
#      the write throughput with the projector running.
#   2. Catch-up: the projector stopped, the same writers for SECONDS, then project_fleet(1000)
#      batches until nothing is left: events/s.
#   3. emit_events, 100 events a call, at 1, 2 and 4 clients (projector off): events/s.
# Usage: tests/bench/projector_bench.sh [seconds]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-20}
CLUSTER=".venv/bin/python -W ignore::RuntimeWarning -m supervisor_event_store.cluster"
DSN=$($CLUSTER createdb es_bench_projector --recreate)
sqitch deploy "db:$DSN" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DSN" -f sql/bench/write_setup.sql >/dev/null
WORK=$(mktemp -d)
PROJECTOR=""
cleanup() {
    [ -n "$PROJECTOR" ] && kill "$PROJECTOR" 2>/dev/null || true
    psql -X -q -d "$DSN" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                              WHERE application_name = 'es_bench_projector' AND pid <> pg_backend_pid()" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
q() { psql -X -A -t -q -d "$DSN" -c "$1"; }
# The age of the oldest event not yet projected, in ms (sql/bench/projector_lag.sql: one snapshot,
# the watermark read first; the single statement used before session 18 scanned all of events and
# counted its own scan time as lag).
lag_ms() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$DSN" -f sql/bench/projector_lag.sql | awk -F'|' '{printf "%d\n", $2 * 1000}'; }

echo "Projector benchmark: ${SECONDS_PER_RUN}s runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), shared_buffers $(q 'SHOW shared_buffers')"
echo

# 1. Lag under the write benchmark.
PGAPPNAME=es_bench_projector psql -X -q -d "$DSN" -c "CALL event_store.run_projector(3600)" >/dev/null 2>&1 &
PROJECTOR=$!
sleep 1
before=$(q "SELECT count(*) FROM event_store.events")
(cd "$WORK" && pgbench -n -c 16 -j 2 -T "$SECONDS_PER_RUN" -f "$OLDPWD/sql/bench/write_emit.pgbench" "$DSN" >"$WORK/pgbench.out" 2>&1) &
writers=$!
while kill -0 "$writers" 2>/dev/null; do lag_ms >>"$WORK/lag"; sleep 0.2; done
wait "$writers"
tps=$(grep -oP 'tps = \K[0-9.]+' "$WORK/pgbench.out" | head -1)
read -r n p50 p99 max < <(sort -n "$WORK/lag" | awk '{a[NR]=$1} END {print NR, a[int(NR*0.5)+1], a[int(NR*0.99)+1], a[NR]}')
echo "| projector lag under 16 writers | events/s written | lag samples | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|"
printf '| run_projector, 1,000 per batch, 50 ms idle | %.0f | %s | %s | %s | %s |\n' "$tps" "$n" "$p50" "$p99" "$max"
sleep 1
echo
echo "projected: $(q "SELECT events_projected FROM event_store.projections") of $(q "SELECT count(*) FROM event_store.events") events"
cleanup; PROJECTOR=""; WORK=$(mktemp -d)

# 2. Catch-up after a pause.
(cd "$WORK" && pgbench -n -c 16 -j 2 -T "$SECONDS_PER_RUN" -f "$OLDPWD/sql/bench/write_emit.pgbench" "$DSN" >/dev/null 2>&1)
behind=$(q "SELECT count(*) FROM event_store.events e, event_store.projections w WHERE w.projection_name = 'fleet_index' AND (e.feed_key, e.global_position) > (w.feed_key, w.global_position)")
t0=$(date +%s.%N)
while [ "$(q 'SELECT event_store.project_fleet(1000)')" != 0 ]; do :; done
t1=$(date +%s.%N)
awk -v n="$behind" -v a="$t0" -v b="$t1" 'BEGIN {printf "catch-up: %d events behind, applied in %.1f s: %.0f events/s (project_fleet(1000) batches, one session)\n", n, b - a, n / (b - a)}'
echo

# 3. emit_events, 100 per call.
echo "| emit_events, 100 events a call | clients | events/s | p99 ms per call |"
echo "|---|---|---|---|"
for c in 1 2 4; do
    rm -f "$WORK"/pgbench_log.*
    out=$(cd "$WORK" && pgbench -n -c "$c" -j 2 -T "$SECONDS_PER_RUN" -l -f "$OLDPWD/sql/bench/write_emit_batch.pgbench" "$DSN" 2>&1)
    tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1)
    p99=$(cat "$WORK"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]/1000}')
    awk -v c="$c" -v t="$tps" -v p="$p99" 'BEGIN {printf "| 100 instances | %s | %.0f | %s |\n", c, t * 100, p}'
done
