#!/usr/bin/env bash
# Issue 12: event_store.emit_event against message-db's write_message, side by side in one
# interleaved run on the project cluster (100 streams, the payload of write_emit.pgbench, 1, 4 and
# 16 clients). Prints a markdown table, then per client count the median of the per-round ratios
# emit_event/write_message of events/s. Exits 1 if any transaction failed (after printing).
#
# message-db is never part of this repository: it is fetched at run time with
# `npm pack @eventide/message-db@1.3.1` (tarball checked against the registry's sha1), or read from
# MESSAGE_DB_DIR (the package root or a clone of github.com/message-db/message-db: the directory
# holding database/, or database/ itself). Its install.sh wants to create a cluster-wide role
# message_store and the database itself; instead this script creates the scratch database
# es_bench_mdb with the cluster module and runs the package's SQL files into it with psql, in
# install.sh's order, unchanged:
#   schema/message-store.sql, extensions/pgcrypto.sql, tables/messages.sql, types/message.sql,
#   functions/ (install-functions.sh's order: message-store-version, hash-64, acquire-lock,
#   category, is-category, id, cardinal-id, stream-version, write-message, get-stream-messages,
#   get-category-messages, get-last-stream-message), indexes/ (messages-id, messages-stream,
#   messages-category), views/ (install-views.sh's order).
# Left out: roles/message-store.sql and privileges/ (the role is cluster-wide; pgbench connects
# as the cluster superuser on both sides, as write_compare.sh does). message-db's functions
# name their table and helpers without a schema and rely on the connection's search_path, so the
# scratch database gets `ALTER DATABASE es_bench_mdb SET search_path = message_store, public`.
#
# Our side: es_bench_es, `sqitch deploy` of the working tree, sql/bench/write_setup.sql
# (instances bench-0..bench-99), sql/bench/write_emit.pgbench. message-db's side:
# sql/bench/write_message_db.pgbench (stream bench<i>-1, each stream its own category).
# Each run starts after a CHECKPOINT; each round alternates which side goes first, and within a
# round both sides run back to back at each client count. WARMUP_SECONDS (default 2, 0 = none)
# of unrecorded writes per side come first.
# Usage: tests/bench/messagedb_compare.sh [seconds-per-run] [rounds]   (MESSAGE_DB_DIR=<dir>)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
MDB_VERSION=1.3.1
MDB_SHA1=ebc3207cb587ddfad058baa936db3130f50f4aff   # npm view @eventide/message-db@1.3.1 dist.shasum
CLIENTS=(1 4 16)
CLUSTER=".venv/bin/python -W ignore::RuntimeWarning -m supervisor_event_store.cluster"
for n in "$SECONDS_PER_RUN" "$ROUNDS" "$WARMUP_SECONDS"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: $0 [seconds-per-run] [rounds] (whole numbers)" >&2; exit 2; }
done
[ "$SECONDS_PER_RUN" -gt 0 ] && [ "$ROUNDS" -gt 0 ] || { echo "seconds and rounds must be > 0" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/run"

# --- message-db's SQL: from MESSAGE_DB_DIR, or the npm registry into $WORK (removed on exit) ---
if [ -n "${MESSAGE_DB_DIR:-}" ]; then
    MDB=$MESSAGE_DB_DIR
    [ -d "$MDB/database" ] && MDB=$MDB/database
    MDB_SOURCE="$MESSAGE_DB_DIR"
else
    if ! (cd "$WORK" && npm pack --silent --loglevel=error "@eventide/message-db@$MDB_VERSION" >npm.out 2>&1); then
        cat "$WORK/npm.out" >&2; echo "npm pack @eventide/message-db@$MDB_VERSION failed" >&2; exit 1
    fi
    TGZ=$(ls "$WORK"/eventide-message-db-*.tgz)
    sha=$(sha1sum "$TGZ" | cut -d' ' -f1)
    [ "$sha" = "$MDB_SHA1" ] || { echo "$TGZ: sha1 $sha, expected $MDB_SHA1" >&2; exit 1; }
    tar -xzf "$TGZ" -C "$WORK"
    MDB=$WORK/package/database
    MDB_SOURCE="npm @eventide/message-db@$MDB_VERSION"
fi
MDB_FILES=(schema/message-store.sql extensions/pgcrypto.sql tables/messages.sql types/message.sql
    functions/message-store-version.sql functions/hash-64.sql functions/acquire-lock.sql
    functions/category.sql functions/is-category.sql functions/id.sql functions/cardinal-id.sql
    functions/stream-version.sql functions/write-message.sql functions/get-stream-messages.sql
    functions/get-category-messages.sql functions/get-last-stream-message.sql
    indexes/messages-id.sql indexes/messages-stream.sql indexes/messages-category.sql
    views/stream-summary.sql views/type-summary.sql views/stream-type-summary.sql
    views/type-stream-summary.sql views/category-type-summary.sql views/type-category-summary.sql)
psql_files=()
for f in "${MDB_FILES[@]}"; do
    [ -f "$MDB/$f" ] || { echo "message-db: $MDB/$f missing (MESSAGE_DB_DIR must hold database/)" >&2; exit 1; }
    psql_files+=(-f "$MDB/$f")
done

# --- the two scratch databases ---
declare -A DSN SCRIPT LABEL
DSN[mdb]=$($CLUSTER createdb es_bench_mdb --recreate)
psql -X -q -v ON_ERROR_STOP=1 -d "${DSN[mdb]}" \
     -c "ALTER DATABASE es_bench_mdb SET search_path = message_store, public" >/dev/null
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d "${DSN[mdb]}" "${psql_files[@]}" >/dev/null
MDB_REPORTED=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "${DSN[mdb]}" -c "SELECT message_store.message_store_version()")

DSN[es]=$($CLUSTER createdb es_bench_es --recreate)
PGOPTIONS="-c client_min_messages=warning" sqitch deploy "db:${DSN[es]}" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "${DSN[es]}" -f sql/bench/write_setup.sql >/dev/null

declare -A COUNT
COUNT[es]="SELECT count(*) FROM event_store.events"
COUNT[mdb]="SELECT count(*) FROM message_store.messages"
SCRIPT[es]=$ROOT/sql/bench/write_emit.pgbench
SCRIPT[mdb]=$ROOT/sql/bench/write_message_db.pgbench
ES_REV=$(git rev-parse --short HEAD)   # "+wt": the deployed plan differs from HEAD's (uncommitted schema changes)
git diff --quiet HEAD -- sqitch.plan deploy && [ -z "$(git ls-files --others --exclude-standard -- deploy)" ] || ES_REV="$ES_REV+wt"
LABEL[es]="emit_event ($ES_REV)"
LABEL[mdb]="write_message (message-db $MDB_REPORTED)"

# pgbench one side; prints a table row and appends "round side clients tps p50 p99 failed" to results.
run() {  # round side clients seconds
    local round=$1 side=$2 clients=$3 seconds=$4 out rc=0 tps failed aborted p50 p99 note=""
    psql -X -q -d "${DSN[$side]}" -c CHECKPOINT
    rm -f "$WORK"/run/pgbench_log.*
    read -r lsn0 rows0 < <(psql -X -A -t -F' ' -d "${DSN[$side]}" -c "SELECT pg_current_wal_insert_lsn(), (${COUNT[$side]})")
    out=$(cd "$WORK/run" && pgbench -n -c "$clients" -j 2 -T "$seconds" -l -f "${SCRIPT[$side]}" "${DSN[$side]}" 2>&1) || rc=$?
    [ "$round" = warmup ] && { [ "$rc" = 0 ] || { echo "$out" >&2; exit 1; }; return 0; }
    # WAL written per event over the run (the CHECKPOINT before it makes each first page change a
    # full-page image, on both sides alike)
    wal=$(psql -X -A -t -d "${DSN[$side]}" -c \
          "SELECT round(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$lsn0') / nullif((${COUNT[$side]}) - $rows0, 0))")
    tps=$(grep -oP '^tps = \K[0-9.]+' <<<"$out" | head -1 || true)
    failed=$(grep -oP 'number of failed transactions: \K[0-9]+' <<<"$out" | head -1 || true)
    aborted=$(grep -c 'aborted in command' <<<"$out" || true)
    failed=${failed:-0}
    if [ "$rc" != 0 ] || [ "$aborted" != 0 ]; then
        note=" (pgbench exit $rc, $aborted clients aborted)"
        failed=$((failed + aborted))   # an aborted client's failed transaction is not counted by pgbench
        grep -m 3 -E 'ERROR|FATAL|aborted|error' <<<"$out" | sed "s/^/  ${side} ${clients} clients: /" >&2 || true
    fi
    # per-transaction latency (µs) is the 3rd field of pgbench's log ("failed" for failures)
    read -r p50 p99 < <(cat "$WORK"/run/pgbench_log.* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n |
        awk '{a[NR]=$1}
             function q(p,  i) {i = int(NR * p + 0.999999); if (i < 1) i = 1; return a[i] / 1000}
             END {if (NR) printf "%.2f %.2f\n", q(0.50), q(0.99); else print "- -"}')
    printf '| %s | %s | %s | %.0f | %s | %s | %s | %s%s |\n' "$round" "${LABEL[$side]}" "$clients" "${tps:-0}" \
        "$p50" "$p99" "${wal:--}" "$failed" "$note"
    echo "$round $side $clients ${tps:-0} $p50 $p99 $failed ${wal:-0}" >>"$WORK/results"
}

echo "emit_event vs message-db write_message: ${SECONDS_PER_RUN}s per run, ${ROUNDS} rounds, 100 streams," \
     "$(nproc) cores (nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "message-db from $MDB_SOURCE (VERSION.txt $(cat "$MDB/VERSION.txt" 2>/dev/null || echo '?'));" \
     "event_store from the working tree at $ES_REV; pgbench -j 2, CHECKPOINT before each run"
if [ "$WARMUP_SECONDS" -gt 0 ]; then
    for side in es mdb; do run warmup "$side" 4 "$WARMUP_SECONDS"; done
fi
echo
echo "| round | variant | clients | events/s | p50 ms | p99 ms | WAL bytes/event | failed |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
    order="es mdb"; [ $((round % 2)) = 0 ] && order="mdb es"   # alternate who goes first
    for clients in "${CLIENTS[@]}"; do
        for side in $order; do run "$round" "$side" "$clients" "$SECONDS_PER_RUN"; done
    done
done

echo
echo "| clients | median ratio emit_event/write_message (events/s) | per-round ratios | median events/s emit_event | median events/s write_message | median p99 ms emit_event | median p99 ms write_message | median WAL bytes/event emit_event | median WAL bytes/event write_message |"
echo "|---|---|---|---|---|---|---|---|---|"
median() { sort -g | awk '{a[NR]=$1} END {if (!NR) print "-"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
for c in "${CLIENTS[@]}"; do
    ratios=$(awk -v c="$c" '$3 == c {t[$1 " " $2] = $4; r[$1] = 1}
                            END {for (k in r) if (t[k " mdb"] > 0) printf "%s %.3f\n", k, t[k " es"] / t[k " mdb"]}' \
             "$WORK/results" | sort -n)
    printf '| %s | %.3f | %s | %.0f | %.0f | %.2f | %.2f | %.0f | %.0f |\n' "$c" \
        "$(cut -d' ' -f2 <<<"$ratios" | median)" "$(cut -d' ' -f2 <<<"$ratios" | paste -sd' ')" \
        "$(awk -v c="$c" '$2 == "es" && $3 == c {print $4}' "$WORK/results" | median)" \
        "$(awk -v c="$c" '$2 == "mdb" && $3 == c {print $4}' "$WORK/results" | median)" \
        "$(awk -v c="$c" '$2 == "es" && $3 == c {print $6}' "$WORK/results" | median)" \
        "$(awk -v c="$c" '$2 == "mdb" && $3 == c {print $6}' "$WORK/results" | median)" \
        "$(awk -v c="$c" '$2 == "es" && $3 == c {print $8}' "$WORK/results" | median)" \
        "$(awk -v c="$c" '$2 == "mdb" && $3 == c {print $8}' "$WORK/results" | median)"
done

echo
# Both stores: every stream numbered without gaps or duplicates (ours 1..n, message-db 0..n-1).
psql -X -A -t -v ON_ERROR_STOP=1 -d "${DSN[es]}" -c "
    SELECT format('emit_event: %s events in %s streams, %s', sum(n), count(*),
                  CASE WHEN bool_and(n = hi AND lo = 1 AND n = d AND n = head) THEN 'every stream 1..n, no gaps, no duplicates'
                       ELSE 'GAPS OR DUPLICATES' END)
      FROM (SELECT count(*) n, min(e.sequence_num) lo, max(e.sequence_num) hi, count(DISTINCT e.sequence_num) d,
                   max(i.last_sequence_num) head
              FROM event_store.events e JOIN event_store.instances i USING (instance_id)
             WHERE e.instance_id LIKE 'bench-%' GROUP BY e.instance_id) s"
psql -X -A -t -v ON_ERROR_STOP=1 -d "${DSN[mdb]}" -c "
    SELECT format('write_message: %s messages in %s streams (%s categories), %s', sum(n), count(*),
                  (SELECT count(DISTINCT message_store.category(stream_name)) FROM message_store.messages),
                  CASE WHEN bool_and(n = hi + 1 AND lo = 0 AND n = d) THEN 'every stream 0..n-1, no gaps, no duplicates'
                       ELSE 'GAPS OR DUPLICATES' END)
      FROM (SELECT count(*) n, min(position) lo, max(position) hi, count(DISTINCT position) d
              FROM message_store.messages GROUP BY stream_name) s"
read -r failed_es failed_mdb < <(awk '{f[$2] += $7} END {printf "%d %d\n", f["es"], f["mdb"]}' "$WORK/results")
echo "failed transactions: emit_event $failed_es, write_message $failed_mdb"
if [ "$failed_es" != 0 ] || [ "$failed_mdb" != 0 ]; then
    echo "FAILED TRANSACTIONS: the figures above are not comparable" >&2
    exit 1
fi
