#!/usr/bin/env bash
# Write-path comparison: emit_event at two commits side by side, interleaved in one run.
# Deploys the plan of BASE_REF (default f0df87b, the v0.3.0 write path: advisory stream lock, no
# feed key, no input limits) into es_bench_base and the worktree's plan into es_bench_head, runs
# the same pgbench scripts on both in alternating rounds (100 instances at 1 and 16 clients, one
# hot instance at 16), proves the hot stream gap-free in both, and prints a markdown table plus
# head/base ratios.
# Usage: tests/bench/write_compare.sh [seconds-per-run] [rounds]   (BASE_REF=<commit> to choose)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
BASE_REF=${BASE_REF:-f0df87b}
CLUSTER=".venv/bin/python -W ignore::RuntimeWarning -m supervisor_event_store.cluster"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git archive "$BASE_REF" sqitch.plan sqitch.conf deploy revert verify | tar -x -C "$WORK"
declare -A DSN
DSN[base]=$($CLUSTER createdb es_bench_base --recreate)
DSN[head]=$($CLUSTER createdb es_bench_head --recreate)
(cd "$WORK" && sqitch deploy "db:${DSN[base]}" >/dev/null)
sqitch deploy "db:${DSN[head]}" >/dev/null
for v in base head; do psql -X -q -v ON_ERROR_STOP=1 -d "${DSN[$v]}" -f sql/bench/write_setup.sql >/dev/null; done

run() {  # variant name script clients
    local v=$1 name=$2 script=$3 clients=$4 out tps p50 p99
    rm -f "$WORK"/pgbench_log.*
    out=$(cd "$WORK" && pgbench -n -c "$clients" -j 2 -T "$SECONDS_PER_RUN" -l -f "$OLDPWD/$script" "${DSN[$v]}" 2>&1)
    tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1)
    read -r p50 p99 < <(cat "$WORK"/pgbench_log.* | awk '{print $3}' | sort -n |
        awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[int(NR*0.50)]/1000, a[int(NR*0.99)]/1000}')
    printf '| %s | %s | %s | %.0f | %s | %s |\n' "$v ($( [ "$v" = base ] && echo "$BASE_REF" || git rev-parse --short HEAD))" "$name" "$clients" "$tps" "$p50" "$p99"
    echo "$v|$name, $clients clients|$tps|$p99" >>"$WORK/summary"
}

echo "Write-path comparison: ${SECONDS_PER_RUN}s per run, ${ROUNDS} rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| variant | workload | clients | events/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
    for v in base head; do
        [ $((round % 2)) = 0 ] && v=$([ "$v" = base ] && echo head || echo base)   # alternate who goes first
        run "$v" "100 instances" sql/bench/write_emit.pgbench 1
        run "$v" "100 instances" sql/bench/write_emit.pgbench 16
        run "$v" "1 hot instance" sql/bench/write_emit_hot.pgbench 16
    done
done
echo
awk -F'|' '{k=$2; if ($1=="base") {b[k]+=$3; bp[k]+=$4; nb[k]++} else {h[k]+=$3; hp[k]+=$4; nh[k]++}}
     END {for (k in b) printf "%s: head/base events/s %.3f; mean p99 base %.2f ms, head %.2f ms\n",
                              k, (h[k]/nh[k])/(b[k]/nb[k]), bp[k]/nb[k], hp[k]/nh[k]}' "$WORK/summary"
for v in base head; do
    psql -X -A -t -d "${DSN[$v]}" -c "
        SELECT format('$v hot instance: %s events, sequence 1..%s, %s distinct, head %s: %s',
                      count(*), max(e.sequence_num), count(DISTINCT e.sequence_num), i.last_sequence_num,
                      CASE WHEN count(*) = max(e.sequence_num) AND count(DISTINCT e.sequence_num) = count(*)
                                AND min(e.sequence_num) = 1 AND i.last_sequence_num = count(*)
                           THEN 'no gaps, no duplicates' ELSE 'GAPS OR DUPLICATES' END)
          FROM event_store.events e JOIN event_store.instances i USING (instance_id)
         WHERE e.instance_id = 'hot-0' GROUP BY i.last_sequence_num"
done
