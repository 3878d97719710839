#!/usr/bin/env bash
# Issue 13: what the PL/Proxy proxy costs per emit, and 1 shard against 2 shards, in one
# interleaved run on a topology of this script's own.
#
# It starts, in a temporary folder, what `event-store db up --shards 2` starts (cluster.Topology:
# shard0, shard1 and the proxy, each its own PostgreSQL server on a free port, default settings),
# and stops and deletes all of it on exit, also after an error or Ctrl-C. On those servers:
#   direct  shard0, database es_s1 (a copy of the deployed event_store), called directly;
#   proxy1  the proxy, database es_p1: its 16 partitions all on shard0's es_s1 (proxy over 1 shard);
#   proxy2  the proxy, database event_store: its partitions on shard0's and shard1's event_store
#           (proxy over 2 shards: even partitions on shard0, odd on shard1);
#   remote1 es_p1's PL/Proxy function event_store_remote.emit_event called directly, without the
#           PL/pgSQL wrapper event_store.emit_event of the proxy (its EXCEPTION block, which turns
#           PL/Proxy's errors back into the shard's, costs a subtransaction per call): what routing
#           alone costs.
# 100 instances bench-0..bench-99 are registered through each proxy (so direct and proxy1 share
# them; proxy2's are spread over the 16 partitions, ~half on each shard), and every run is
# sql/bench/write_emit.pgbench (one emit_event of a commit_created event to a random one of them;
# for remote1 the same call to event_store_remote.emit_event, derived from it at run time).
#
# Each round, in alternating order (every run after a CHECKPOINT on all three servers):
#   (a) 1 client: direct, proxy1, remote1                -> the proxy's cost per emit, and the
#       wrapper's part of it
#   (c) 1 client, a new connection per call (pgbench -C): direct, proxy1
#       (PL/Proxy keeps one connection per proxy backend and shard; a client that does not keep
#       its connection pays a second connection set-up, proxy -> shard, on every call)
#   (b) 16 clients: direct, proxy1, proxy2               -> 1 shard against 2 shards
# Per run: events/s, p50/p99 latency, failed transactions, and the CPU time each server's
# processes used (all of them: backends, WAL writer, checkpointer, autovacuum; from /proc, so the
# other work on a shared machine is not counted) per event and in cores; the machine's busy and
# iowait share over the run (/proc/stat, everything on the machine). In 16-client runs the client
# backends of each server are counted half-way. After each run every stream it wrote is checked
# gap-free (1..n, no duplicate, head = count); at the end each of proxy2's instances is checked to
# live on exactly one shard. Exits 1 after printing if a stream has a gap or a transaction failed.
#
# Usage: tests/bench/scale_out_bench.sh [seconds-per-run] [rounds]
#        (defaults 8 and 3; WARMUP_SECONDS, default 2, of unrecorded writes per variant first;
#         CONNECT_PER_CALL=0 leaves out (c))
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SECONDS_PER_RUN=${1:-8}
ROUNDS=${2:-3}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
CONNECT_PER_CALL=${CONNECT_PER_CALL:-1}
PY=${PY:-$ROOT/.venv/bin/python}
for n in "$SECONDS_PER_RUN" "$ROUNDS" "$WARMUP_SECONDS" "$CONNECT_PER_CALL"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: $0 [seconds-per-run] [rounds] (whole numbers)" >&2; exit 2; }
done
[ "$SECONDS_PER_RUN" -gt 0 ] && [ "$ROUNDS" -gt 0 ] || { echo "seconds and rounds must be > 0" >&2; exit 2; }
[ -x "$PY" ] || { echo "$PY not found: run 'make venv' first (or set PY)" >&2; exit 2; }
command -v pgbench >/dev/null || { echo "pgbench not found (Debian: postgresql-contrib)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/es-scale-out-bench.XXXXXX")
TOPOLOGY=$WORK/topology
declare -A PID=() DATA=()   # server -> postmaster pid, data folder (filled once the topology runs)

# --- the topology: started and stopped with cluster.Topology ---
topology() {  # up | down
    "$PY" -W ignore::RuntimeWarning - "$1" "$TOPOLOGY" <<'PYTHON'
import sys
from pathlib import Path

from supervisor_event_store import cluster

action, root = sys.argv[1], Path(sys.argv[2])
topo = cluster.Topology(root)
if action == "down":
    topo.down(remove=True)  # every member it ever wrote in topology.json, stopped (immediate) and deleted
    sys.exit(0)
with cluster.stdout_to_stderr():  # sqitch's output
    topo.up(2)
for member in [*topo.shards(), topo.proxy]:
    print(member.root.name, member.port(), member.pid(), member.data)
PYTHON
}

cleanup() {
    local rc=$? pid s
    trap - EXIT INT TERM
    set +e
    jobs -p | xargs -r kill 2>/dev/null   # a half-way backend count still sleeping
    if [ -f "$TOPOLOGY/topology.json" ]; then
        topology down >>"$WORK/topology.log" 2>&1 || { echo "topology down failed:" >&2; tail -5 "$WORK/topology.log" >&2; }
    fi
    ours() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "-D ${DATA[$2]} "; }
    for s in "${!PID[@]}"; do   # only the postmasters this script started, still on their data folder
        pid=${PID[$s]}
        for _ in $(seq 50); do ours "$pid" "$s" || break; sleep 0.2; done
        if ours "$pid" "$s"; then
            echo "$s (pid $pid) still running after topology down: SIGQUIT" >&2
            kill -QUIT "$pid" 2>/dev/null
        fi
    done
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "starting a topology (2 shards + proxy) in $WORK ..." >&2
mkdir "$WORK/run"
declare -A PORT=()
while read -r name port pid data; do
    PORT[$name]=$port
    PID[$name]=$pid
    DATA[$name]=$data
done < <(topology up 2>"$WORK/topology.log" || { cat "$WORK/topology.log" >&2; echo "FAILED" ; })
[ "${PORT[proxy]:-}" ] && [ "${PORT[shard0]:-}" ] && [ "${PORT[shard1]:-}" ] || {
    cat "$WORK/topology.log" >&2; echo "the topology did not start" >&2; exit 1; }

dsn() { echo "postgresql://postgres@127.0.0.1:${PORT[$1]}/$2"; }   # server database
conninfo() { echo "host=127.0.0.1 port=${PORT[$1]} dbname=$2 user=postgres connect_timeout=2"; }
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# es_s1 on shard0 and es_p1 on the proxy: copies of the freshly deployed databases (nothing has
# connected to them yet), es_p1 pointed at es_s1 alone.
q "$(dsn shard0 postgres)" "CREATE DATABASE es_s1 TEMPLATE event_store"
q "$(dsn proxy postgres)" "CREATE DATABASE es_p1 TEMPLATE event_store"
q "$(dsn proxy es_p1)" "SELECT count(*) FROM event_store.configure_shards(ARRAY['$(conninfo shard0 es_s1)'])" >/dev/null

declare -A DSN STORES LABEL   # STORES: the databases that hold a variant's events
DSN[direct]=$(dsn shard0 es_s1);       STORES[direct]="$(dsn shard0 es_s1)"
DSN[proxy1]=$(dsn proxy es_p1);        STORES[proxy1]="$(dsn shard0 es_s1)"
DSN[proxy2]=$(dsn proxy event_store);  STORES[proxy2]="$(dsn shard0 event_store) $(dsn shard1 event_store)"
DSN[remote1]=${DSN[proxy1]};           STORES[remote1]=${STORES[proxy1]}
declare -A SCRIPT=([direct]=$ROOT/sql/bench/write_emit.pgbench [proxy1]=$ROOT/sql/bench/write_emit.pgbench
                   [proxy2]=$ROOT/sql/bench/write_emit.pgbench [remote1]=$WORK/remote_emit.pgbench)
# the PL/Proxy function has no defaults: the three optional arguments as NULL
sed -e 's/event_store\.emit_event(/event_store_remote.emit_event(/' -e "s/}');\$/}', NULL, NULL, NULL);/" \
    sql/bench/write_emit.pgbench >"$WORK/remote_emit.pgbench"
[ "$(grep -c "event_store_remote.emit_event(.*NULL, NULL, NULL);" "$WORK/remote_emit.pgbench")" = 1 ] ||
    { echo "could not derive the remote1 script from sql/bench/write_emit.pgbench" >&2; exit 1; }
LABEL[direct]="direct on shard0"
LABEL[proxy1]="proxy over 1 shard"
LABEL[proxy2]="proxy over 2 shards"
LABEL[remote1]="PL/Proxy function alone, 1 shard"
REGISTER="SELECT count(*) FROM (SELECT event_store.register_instance('bench-' || i, 'PS', 'bench') FROM generate_series(0, 99) i) s"
q "${DSN[proxy1]}" "$REGISTER" >/dev/null
q "${DSN[proxy2]}" "$REGISTER" >/dev/null
SPREAD=$(q "${DSN[proxy2]}" "
    SELECT format('%s partitions of 16 hold one or more; shard0 %s, shard1 %s instances',
                  count(DISTINCT p), count(*) FILTER (WHERE p % 2 = 0), count(*) FILTER (WHERE p % 2 = 1))
      FROM (SELECT event_store._partition('bench-' || i) p FROM generate_series(0, 99) i) s")

REV=$(git rev-parse --short HEAD)   # "+wt": the deployed plans differ from HEAD's
git diff --quiet HEAD -- sqitch.plan deploy proxy && [ -z "$(git ls-files --others --exclude-standard -- deploy proxy)" ] \
    || REV="$REV+wt"
CLK_TCK=$(getconf CLK_TCK)

cpu_ticks() {  # postmaster pid -> CPU ticks of the server: its own and its reaped children's, plus its live children's
    local pm=$1
    { cat "/proc/$pm/stat"; pgrep -P "$pm" | sed 's|.*|/proc/&/stat|' | xargs -r cat 2>/dev/null; } |
        awk -v pm="$pm" '{pid = $1; sub(/.*\) /, ""); t = $12 + $13; if (pid == pm) t += $14 + $15; s += t} END {print s}'
}
machine_ticks() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5, $6}' /proc/stat; }   # total idle iowait
io_pressure() { awk '/^some/ {sub("avg10=", "", $2); print $2}' /proc/pressure/io 2>/dev/null || echo "-"; }
conditions() { echo "load $(cut -d' ' -f1-3 /proc/loadavg), IO pressure some avg10 $(io_pressure)%"; }

gap_check() {  # store dsn -> "<events> <streams> ok|GAPS"
    q "$1" "
        SELECT coalesce(sum(n), 0), count(*),
               CASE WHEN coalesce(bool_and(n = hi AND lo = 1 AND n = d AND n = head), true) THEN 'ok' ELSE 'GAPS' END
          FROM (SELECT count(*) n, min(e.sequence_num) lo, max(e.sequence_num) hi, count(DISTINCT e.sequence_num) d,
                       max(i.last_sequence_num) head
                  FROM event_store.events e JOIN event_store.instances i USING (instance_id)
                 WHERE e.instance_id LIKE 'bench-%' GROUP BY e.instance_id) s" | tr '|' ' '
}

backend_count() {  # server -> client backends connected to it, this query's own not counted
    q "$(dsn "$1" postgres)" "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
}

median() {  # [printf format, default %s] -> the median of the numbers read, one a line ("-" for none)
    sort -g | awk -v fmt="${1:-%s}" '$1 ~ /^-?[0-9.]+$/ {a[++n] = $1}
        END {if (!n) print "-"; else printf fmt "\n", (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2}'
}

GAPS=0
# One pgbench run of a variant; prints a table row and appends a line to $WORK/results:
#   round variant clients connect tps p50 p99 failed events cpu_proxy_us cpu_shards_us cores_proxy cores_shards busy iowait
run() {  # round variant clients connect(0|1) seconds
    local round=$1 v=$2 clients=$3 connect=$4 seconds=$5 out rc=0 s tps failed aborted events p50 p99 note=""
    local -A before=()
    local opts=(-n -c "$clients" -j 2 -T "$seconds" -l -f "${SCRIPT[$v]}")
    [ "$connect" = 1 ] && opts+=(-C)
    for s in proxy shard0 shard1; do q "$(dsn "$s" postgres)" CHECKPOINT; done
    rm -f "$WORK"/run/pgbench_log.* "$WORK/backends"
    sleep 0.2   # the CHECKPOINT sessions' backends gone
    for s in proxy shard0 shard1; do before[$s]=$(cpu_ticks "${PID[$s]}"); done
    read -r m_total0 m_idle0 m_io0 < <(machine_ticks)
    if [ "$clients" -gt 1 ] && [ "$round" != warmup ]; then
        (sleep "$(awk -v s="$seconds" 'BEGIN {print s / 2}')"
         echo "$(backend_count proxy)/$(backend_count shard0)/$(backend_count shard1)" >"$WORK/backends") &
    fi
    out=$(cd "$WORK/run" && pgbench "${opts[@]}" "${DSN[$v]}" 2>&1) || rc=$?
    wait   # the half-way count
    sleep 0.2   # the pgbench sessions' backends gone
    read -r m_total1 m_idle1 m_io1 < <(machine_ticks)
    local cpu_proxy=0 cpu_shards=0 t
    for s in proxy shard0 shard1; do
        t=$(( $(cpu_ticks "${PID[$s]}") - before[$s] ))
        if [ "$s" = proxy ]; then cpu_proxy=$t; else cpu_shards=$((cpu_shards + t)); fi
    done
    [ "$round" = warmup ] && { [ "$rc" = 0 ] || { echo "$out" >&2; exit 1; }; return 0; }
    tps=$(grep -oP '^tps = \K[0-9.]+' <<<"$out" | head -1 || true)
    events=$(grep -oP 'number of transactions actually processed: \K[0-9]+' <<<"$out" | head -1 || true)
    failed=$(grep -oP 'number of failed transactions: \K[0-9]+' <<<"$out" | head -1 || true)
    aborted=$(grep -c 'aborted in command' <<<"$out" || true)
    failed=${failed:-0}; events=${events:-0}
    if [ "$rc" != 0 ] || [ "$aborted" != 0 ]; then
        note=" (pgbench exit $rc, $aborted clients aborted)"
        failed=$((failed + aborted))
        grep -m 3 -E 'ERROR|FATAL|aborted|error' <<<"$out" | sed "s/^/  $v $clients clients: /" >&2 || true
    fi
    # per-transaction latency (µs) is the 3rd field of pgbench's log ("failed" for failures)
    read -r p50 p99 < <(cat "$WORK"/run/pgbench_log.* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n |
        awk '{a[NR]=$1}
             function q(p,  i) {i = int(NR * p + 0.999999); if (i < 1) i = 1; return a[i] / 1000}
             END {if (NR) printf "%.2f %.2f\n", q(0.50), q(0.99); else print "- -"}')
    # CPU: µs per event and cores over the run; the machine's busy and iowait share
    local per=1000000 us_proxy us_shards cores_proxy cores_shards busy iowait
    us_proxy=$(awk -v t="$cpu_proxy" -v hz="$CLK_TCK" -v n="$events" -v per=$per 'BEGIN {printf "%.0f", n ? t / hz * per / n : 0}')
    us_shards=$(awk -v t="$cpu_shards" -v hz="$CLK_TCK" -v n="$events" -v per=$per 'BEGIN {printf "%.0f", n ? t / hz * per / n : 0}')
    cores_proxy=$(awk -v t="$cpu_proxy" -v hz="$CLK_TCK" -v s="$seconds" 'BEGIN {printf "%.2f", t / hz / s}')
    cores_shards=$(awk -v t="$cpu_shards" -v hz="$CLK_TCK" -v s="$seconds" 'BEGIN {printf "%.2f", t / hz / s}')
    busy=$(awk -v t=$((m_total1 - m_total0)) -v i=$((m_idle1 - m_idle0)) -v w=$((m_io1 - m_io0)) 'BEGIN {printf "%.0f", t ? 100 * (t - i - w) / t : 0}')
    iowait=$(awk -v t=$((m_total1 - m_total0)) -v w=$((m_io1 - m_io0)) 'BEGIN {printf "%.0f", t ? 100 * w / t : 0}')
    local backends="-"
    [ -s "$WORK/backends" ] && backends=$(cat "$WORK/backends")
    # every stream this variant writes: gap-free
    local store check streams=0 total=0 verdict=ok
    for store in ${STORES[$v]}; do
        read -r n k check < <(gap_check "$store")
        total=$((total + n)); streams=$((streams + k))
        [ "$check" = ok ] || verdict=GAPS
    done
    [ "$verdict" = ok ] || GAPS=1
    printf '| %s | %s%s | %s | %.0f | %s | %s | %s / %s | %s / %s | %s | %s%% / %s%% | %s | %s events in %s streams: %s | %s%s |\n' \
        "$round" "${LABEL[$v]}" "$([ "$connect" = 1 ] && echo ', connect per call')" "$clients" "${tps:-0}" "$p50" "$p99" \
        "$([ "$v" = direct ] && echo - || echo "$us_proxy")" "$us_shards" \
        "$([ "$v" = direct ] && echo - || echo "$cores_proxy")" "$cores_shards" "$(cut -d' ' -f1 /proc/loadavg)" \
        "$busy" "$iowait" "$backends" "$total" "$streams" "$verdict" "$failed" "$note"
    echo "$round $v $clients $connect ${tps:-0} $p50 $p99 $failed $events $us_proxy $us_shards $cores_proxy $cores_shards $busy $iowait" >>"$WORK/results"
}

PG_VERSION=$(q "$(dsn shard0 postgres)" "SHOW server_version")
echo "Scale-out benchmark (issue 13): $(date -u '+%Y-%m-%d %H:%M UTC'), code at $REV, PostgreSQL $PG_VERSION" \
     "(3 local servers, default settings), $(nproc) cores, ${SECONDS_PER_RUN}s per run, ${ROUNDS} rounds, pgbench -j 2," \
     "CHECKPOINT on every server before each run"
echo "bench-0..bench-99 through the proxy over 2 shards: $SPREAD"
echo "start: $(conditions)"
if [ "$WARMUP_SECONDS" -gt 0 ]; then
    for v in direct proxy1 remote1 proxy2; do run warmup "$v" 4 0 "$WARMUP_SECONDS"; done
fi
echo
echo "| round | variant | clients | events/s | p50 ms | p99 ms | CPU µs/event proxy / shards | cores proxy / shards | load | machine busy / iowait | backends proxy/shard0/shard1 half-way | streams after the run | failed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
    echo "round $round start: $(conditions)" >>"$WORK/conditions"
    if [ $((round % 2)) = 1 ]; then one="direct proxy1 remote1"; two="direct proxy1"; sixteen="direct proxy1 proxy2"
    else one="remote1 proxy1 direct"; two="proxy1 direct"; sixteen="proxy2 proxy1 direct"; fi
    for v in $one; do run "$round" "$v" 1 0 "$SECONDS_PER_RUN"; done
    if [ "$CONNECT_PER_CALL" = 1 ]; then
        for v in $two; do run "$round" "$v" 1 1 "$SECONDS_PER_RUN"; done
    fi
    for v in $sixteen; do run "$round" "$v" 16 0 "$SECONDS_PER_RUN"; done
done
echo "end: $(conditions)" >>"$WORK/conditions"
echo
cat "$WORK/conditions"

# --- summaries: medians over the rounds, ratios per round ---
R=$WORK/results
col() {  # variant clients connect field -> the values of that field, one a line
    awk -v v="$1" -v c="$2" -v k="$3" -v f="$4" '$2 == v && $3 == c && $4 == k {print $f}' "$R"
}
ratios() {  # variant-a variant-b clients connect -> "round ratio" lines, events/s of a / b
    awk -v a="$1" -v b="$2" -v c="$3" -v k="$4" '$3 == c && $4 == k {t[$1 " " $2] = $5; r[$1] = 1}
        END {for (x in r) if (t[x " " b] > 0 && t[x " " a] > 0) printf "%s %.3f\n", x, t[x " " a] / t[x " " b]}' "$R" | sort -n
}
summary() {  # variant-a variant-b clients connect title
    local a=$1 b=$2 c=$3 k=$4 title=$5 rs
    rs=$(ratios "$a" "$b" "$c" "$k")
    printf '| %s | %s | %s | %s / %s | %s / %s | %s / %s | %s | %s |\n' "$title" "$c" \
        "$(cut -d' ' -f2 <<<"$rs" | median %.3f)" \
        "$(col "$a" "$c" "$k" 5 | median %.0f)" "$(col "$b" "$c" "$k" 5 | median %.0f)" \
        "$(col "$a" "$c" "$k" 6 | median %.2f)" "$(col "$b" "$c" "$k" 6 | median %.2f)" \
        "$(col "$a" "$c" "$k" 7 | median %.2f)" "$(col "$b" "$c" "$k" 7 | median %.2f)" \
        "$(paste <(col "$a" "$c" "$k" 5) <(col "$b" "$c" "$k" 5) | awk '$1 > 0 && $2 > 0 {print 1000 / $1 - 1000 / $2}' | median %.3f)" \
        "$(cut -d' ' -f2 <<<"$rs" | paste -sd' ')"
}
echo
echo "| comparison (a vs b) | clients | median ratio a/b events/s | median events/s a / b | median p50 ms a / b | median p99 ms a / b | median ms per event a - b (1000 / events/s) | per-round ratios |"
echo "|---|---|---|---|---|---|---|---|"
summary proxy1 direct 1 0 "proxy over 1 shard vs direct"
summary remote1 direct 1 0 "PL/Proxy function alone vs direct"
summary proxy1 remote1 1 0 "proxy over 1 shard vs PL/Proxy function alone"
[ "$CONNECT_PER_CALL" = 1 ] && summary proxy1 direct 1 1 "proxy over 1 shard vs direct, connect per call"
summary proxy1 direct 16 0 "proxy over 1 shard vs direct"
summary proxy2 proxy1 16 0 "proxy over 2 shards vs proxy over 1 shard"
summary proxy2 direct 16 0 "proxy over 2 shards vs direct on one server"

echo
echo "| variant | clients | median CPU µs/event proxy | median CPU µs/event shards | median cores proxy | median cores shards | median machine busy % | median iowait % |"
echo "|---|---|---|---|---|---|---|---|"
for spec in "direct 1 0" "proxy1 1 0" "remote1 1 0" "direct 1 1" "proxy1 1 1" "direct 16 0" "proxy1 16 0" "proxy2 16 0"; do
    read -r v c k <<<"$spec"
    [ -n "$(col "$v" "$c" "$k" 5)" ] || continue
    proxy_us=-; proxy_cores=-
    if [ "$v" != direct ]; then proxy_us=$(col "$v" "$c" "$k" 10 | median); proxy_cores=$(col "$v" "$c" "$k" 12 | median); fi
    printf '| %s%s | %s | %s | %s | %s | %s | %s | %s |\n' "${LABEL[$v]}" "$([ "$k" = 1 ] && echo ', connect per call')" "$c" \
        "$proxy_us" "$(col "$v" "$c" "$k" 11 | median)" "$proxy_cores" "$(col "$v" "$c" "$k" 13 | median)" \
        "$(col "$v" "$c" "$k" 14 | median)" "$(col "$v" "$c" "$k" 15 | median)"
done

echo
# each of proxy2's instances on exactly one shard, the one its partition names
OWN=$(q "${DSN[proxy2]}" "SELECT string_agg(i::text, ',' ORDER BY i) FROM generate_series(0, 99) i WHERE event_store._partition('bench-' || i) % 2 = 0")
placed=$(for s in shard0 shard1; do
    q "$(dsn "$s" event_store)" "SELECT '$s', count(*) FILTER (WHERE ((substr(instance_id, 7)::int = ANY ('{$OWN}'::int[])) = ('$s' = 'shard0'))),
                                        count(*) FROM event_store.instances WHERE instance_id LIKE 'bench-%'"
done)
echo "proxy over 2 shards, instances per shard (where the partition says / all there): $(tr '\n' ' ' <<<"$placed")"
misplaced=$(awk -F'|' '$2 != $3 || $3 == 0 {bad = 1} END {print bad + 0}' <<<"$placed")
total_instances=$(awk -F'|' '{s += $3} END {print s}' <<<"$placed")
[ "$misplaced" = 0 ] && [ "$total_instances" = 100 ] || { echo "AN INSTANCE IS ON THE WRONG SHARD OR ON BOTH" >&2; GAPS=1; }
for store in "${STORES[direct]}" ${STORES[proxy2]}; do
    read -r n k check < <(gap_check "$store")
    echo "${store##*@}: $n events in $k streams, $([ "$check" = ok ] && echo 'every stream 1..n, no gaps, no duplicates' || echo 'GAPS OR DUPLICATES')"
done
failed=$(awk '{f += $8} END {print f + 0}' "$R")
echo "failed transactions: $failed"
if [ "$GAPS" != 0 ] || [ "$failed" != 0 ]; then
    echo "GAPS, MISPLACED INSTANCES OR FAILED TRANSACTIONS: the figures above are not valid" >&2
    exit 1
fi
