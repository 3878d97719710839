#!/usr/bin/env bash
# Write-path benchmark: emit_event vs a bare INSERT of the same row into a same-shaped table,
# 1 and 16 clients, 100 instances and one hot instance, interleaved in one run; then proves the
# hot instance's sequence is exactly 1..N. Prints a markdown table.
# Usage: tests/bench/write_bench.sh [seconds-per-run] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-15}
ROUNDS=${2:-2}
CLUSTER=".venv/bin/python -W ignore::RuntimeWarning -m supervisor_event_store.cluster"
DSN=$($CLUSTER createdb es_bench_write --recreate)
$CLUSTER deploy --target "$DSN" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DSN" -f sql/bench/write_setup.sql >/dev/null
LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT

run() {  # key name script clients
    local key=$1 name=$2 script=$3 clients=$4 out
    rm -f "$LOGDIR"/pgbench_log.*
    out=$(cd "$LOGDIR" && pgbench -n -c "$clients" -j 2 -T "$SECONDS_PER_RUN" -l -f "$OLDPWD/$script" "$DSN" 2>&1)
    local tps failed
    tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1)
    failed=$(grep -oP 'number of failed transactions: \K[0-9]+' <<<"$out" || echo 0)
    # per-transaction latency (µs) is the 3rd field of pgbench's log
    read -r p50 p99 < <(cat "$LOGDIR"/pgbench_log.* | awk '{print $3}' | sort -n |
        awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[int(NR*0.50)]/1000, a[int(NR*0.99)]/1000}')
    printf '| %s | %s | %.0f | %s | %s | %s |\n' "$name" "$clients" "$tps" "$p50" "$p99" "$failed"
    echo "$key $clients $tps" >>"$LOGDIR/summary"
}

echo "Write benchmark: ${SECONDS_PER_RUN}s per run, ${ROUNDS} rounds, $(nproc) cores, PostgreSQL $(psql -X -A -t -d "$DSN" -c 'SHOW server_version')"
echo
echo "| workload | clients | events/s | p50 ms | p99 ms | failed |"
echo "|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
    run bare "bare INSERT, 100 instances" sql/bench/write_bare.pgbench 1
    run emit "emit_event, 100 instances" sql/bench/write_emit.pgbench 1
    run bare "bare INSERT, 100 instances" sql/bench/write_bare.pgbench 16
    run emit "emit_event, 100 instances" sql/bench/write_emit.pgbench 16
    run hot "emit_event, 1 hot instance" sql/bench/write_emit_hot.pgbench 16
done
echo
awk '{sum[$1" "$2]+=$3; n[$1" "$2]++}
     END {for (c = 1; c <= 16; c *= 16) if (n["bare " c] && n["emit " c])
              printf "emit_event / bare INSERT, %d client(s), 100 instances: %.0f%%\n", c,
                     100 * (sum["emit " c] / n["emit " c]) / (sum["bare " c] / n["bare " c])}' "$LOGDIR/summary"
psql -X -A -t -d "$DSN" -c "
    SELECT format('hot instance: %s events, sequence 1..%s, %s distinct, head %s: %s',
                  count(*), max(e.sequence_num), count(DISTINCT e.sequence_num), i.last_sequence_num,
                  CASE WHEN count(*) = max(e.sequence_num) AND count(DISTINCT e.sequence_num) = count(*)
                            AND min(e.sequence_num) = 1 AND i.last_sequence_num = count(*)
                       THEN 'no gaps, no duplicates' ELSE 'GAPS OR DUPLICATES' END)
      FROM event_store.events e JOIN event_store.instances i USING (instance_id)
     WHERE e.instance_id = 'hot-0' GROUP BY i.last_sequence_num"
