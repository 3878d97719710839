#!/usr/bin/env bash
# Write-path cost of the change feed (issue 11): emit_event on a database deployed to @v0.3.0
# (before: no feed key, no events_feed_key_idx) against one deployed to the head (after), 100
# instances, 1 and 16 clients, interleaved rounds in one run. Prints a markdown table and the
# after/before ratios.
# Usage: tests/bench/feed_write_bench.sh [seconds-per-run] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CLUSTER=".venv/bin/python -W ignore::RuntimeWarning -m supervisor_event_store.cluster"
declare -A DSN
for side in before after; do
    DSN[$side]=$($CLUSTER createdb "es_bench_feed_$side" --recreate)
    t="db:${DSN[$side]}"
    if [ "$side" = before ]; then sqitch --quiet deploy --to @v0.3.0 "$t"; else sqitch --quiet deploy "$t"; fi
    psql -X -q -v ON_ERROR_STOP=1 -d "${DSN[$side]}" -f sql/bench/write_setup.sql >/dev/null
done
LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT
echo "Feed write cost: ${SECONDS_PER_RUN}s per run, ${ROUNDS} rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| round | side | clients | events/s |"
echo "|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
    for clients in 1 16; do
        order="before after"; [ $((round % 2)) = 0 ] && order="after before"   # alternate who goes first
        for side in $order; do
            tps=$(pgbench -n -c "$clients" -j 2 -T "$SECONDS_PER_RUN" -f sql/bench/write_emit.pgbench "${DSN[$side]}" 2>&1 |
                  grep -oP 'tps = \K[0-9.]+' | head -1)
            printf '| %s | %s | %s | %.0f |\n' "$round" "$side" "$clients" "$tps"
            echo "$side $clients $tps" >>"$LOGDIR/summary"
        done
    done
done
echo
awk '{sum[$1" "$2]+=$3}
     END {for (c = 1; c <= 16; c *= 16)
              printf "after / before, %d client(s): %.3f\n", c, sum["after " c] / sum["before " c]}' "$LOGDIR/summary"
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
