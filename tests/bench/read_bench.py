#!/usr/bin/env python3
"""Read-path and replay benchmark (issues 3 and 12): p50/p99 of the read functions on 1M and 10M events.

Builds one database per size (es_bench_read_1m, es_bench_read_10m) unless it already holds the
data: sqitch deploy, the events table's secondary indexes dropped, sql/bench/generate.sql
(set-based, 1,000 instances; bench-0000 holds 10% of the events), indexes rebuilt, VACUUM
ANALYZE; then the fleet projection is built the way the projector catches up
(event_store.project_fleet(100000) until 0: the catch-up rate), VACUUM ANALYZE of fleet_index and
fleet_type_counts, and the projector's snapshots (project_snapshots(500, 1000) until 0). A
database that holds the data but whose projection lags (e.g. after a --with-writes run) is caught
up the same way instead of rebuilt. The feed's horizon is the whole cluster's: while any
transaction (in any database) older than the events is open, they cannot be projected yet, and
the build waits for it (and says which sessions hold it).

Then, with writes going on (--with-writes RATE, default 500 events/s; 0 = none): pgbench emits
commit_created events at RATE (sql/bench/read_writes.pgbench, 2 clients) and
`CALL event_store.run_projector(3600)` runs in another session, both in the background from before
the first workload to after the last, while the projector's lag is sampled every second. Each
workload is timed inside the server (sql/bench/measure.sql) and a markdown table is printed with
the machine's conditions and the lag.

The functions measured are the checkout's: before measuring, every function or procedure of a
bench database whose definition differs from a database freshly deployed from the checkout
(es_bench_read_ref, redeployed when deploy/ or sqitch.plan change) is replaced, since functions
not yet released are edited in place and sqitch deploy does not pick that up (--no-sync: measure
them as deployed). Table or index differences are only reported: --rebuild for those.

    python3 tests/bench/read_bench.py                       # 1M then 10M, writes at 500/s
    python3 tests/bench/read_bench.py --sizes 1000000 --rebuild
    python3 tests/bench/read_bench.py --sizes 10000000 --build-only
    python3 tests/bench/read_bench.py --sizes 10000000 --with-writes 0   # no writes
    python3 tests/bench/read_bench.py --sizes 1000000 --reproject    # the catch-up rate again, then measure
    python3 tests/bench/read_bench.py --sizes 1000000 --write-cost   # also: index cost on emit_event

Each run with writes appends its events (RATE x the run's duration, the same mix as the generated
commits, 'timeout' in ~0.5%) to the database; the next run measures them too and says how many
there are.

Plain Python 3 and the psql / sqitch / pgbench commands; the server URL comes from --url or
DATABASE_URL (default: the local cluster, postgresql://postgres@127.0.0.1:54329).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIG = "bench-0000"
OUR_INDEXES = ("events_search_trgm_idx", "events_instance_type_timestamp_idx")
WRITES_SCRIPT = ROOT / "sql/bench/read_writes.pgbench"
# Every session this process opens carries this application_name, so that what it started (and
# only that) can be found and ended in pg_stat_activity.
APP = f"read_bench_{os.getpid()}"
PROJECT_BATCH = 100_000
# The events after the fleet projection's watermark, as the readers find them.
UNPROJECTED = ("FROM event_store.events e, event_store.projections w "
               "WHERE w.projection_name = 'fleet_index' "
               "AND (e.feed_key, e.global_position) > (w.feed_key, w.global_position)")
HOLDERS = ("SELECT coalesce(string_agg(format('pid %s in %s (%s, %s, xid %s, for %s)', pid, datname, "
           "application_name, state, backend_xid, date_trunc('second', now() - xact_start)), '; '), 'none') "
           "FROM (SELECT * FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() "
           "ORDER BY age(backend_xid) DESC LIMIT 3) a")


def env(role: str = "") -> dict[str, str]:
    return {**os.environ, "PGAPPNAME": f"{APP}{role}"}


def psql(url: str, sql: str | None = None, file: Path | None = None, **variables: object) -> str:
    cmd = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url]
    for name, value in variables.items():
        cmd += ["-v", f"{name}={value}"]
    cmd += ["-f", str(file)] if file else ["-c", sql or ""]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env())
    if done.returncode != 0:
        raise RuntimeError(f"psql failed: {' '.join(cmd[-2:])}\n{done.stderr}")
    return done.stdout.strip()


def log(db: str, message: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {db}: {message}", file=sys.stderr, flush=True)


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else str(n)


def has_data(server: str, db: str, n: int) -> bool:
    """Whether db holds the n generated events (plus any a --with-writes run appended) in the
    current schema (fleet_index present). When it does but the fleet projection's watermark does
    not cover every event, or an instance lacks the projector's snapshot, catches them up first."""
    if psql(f"{server}/postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return False
    url = f"{server}/{db}"
    if psql(url, "SELECT to_regclass('event_store.instances') IS NOT NULL "
                 "AND to_regclass('event_store.fleet_index') IS NOT NULL") != "t":
        return False
    heads = int(psql(url, "SELECT coalesce(sum(last_sequence_num), 0) FROM event_store.instances"))
    if heads < n:
        return False
    if heads > n:
        log(db, f"{heads - n:,} events appended by earlier runs with writes ({heads:,} in all)")
    projected = int(psql(url, "SELECT events_projected FROM event_store.projections "
                              "WHERE projection_name = 'fleet_index'"))
    if projected != heads:
        log(db, f"the fleet projection holds {projected:,} of {heads:,} events: catching up")
    project(url, db)   # quick when there is nothing to do
    return True


def deploy(url: str) -> None:
    done = subprocess.run(["sqitch", "--quiet", "deploy", f"db:{url}"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"sqitch deploy failed on {url}:\n{done.stdout}{done.stderr}")


def build(server: str, db: str, n: int) -> None:
    url = f"{server}/{db}"
    started = time.monotonic()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "deploy", "revert", "verify", "sqitch.plan"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    log(db, f"building {n:,} events; schema from the checkout at {commit}"
            + (f" WITH UNCOMMITTED CHANGES:\n{dirty}" if dirty else " (clean)"))
    psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{db}"')
    psql(f"{server}/postgres", f'CREATE DATABASE "{db}"')
    deploy(url)
    # Bulk load without the events table's secondary indexes, then build them once (keys and
    # uniques stay): whatever the deployed schema has, nothing is named here.
    rows = psql(url, "SELECT indexname || '|' || indexdef FROM pg_indexes i "
                     "WHERE schemaname = 'event_store' AND tablename = 'events' AND NOT EXISTS "
                     "(SELECT FROM pg_constraint c WHERE c.conname = i.indexname)").splitlines()
    indexes = [row.split("|", 1) for row in rows]
    for name, _ in indexes:
        psql(url, f"DROP INDEX event_store.{name}")
    t0 = time.monotonic()
    psql(url, file=ROOT / "sql/bench/generate.sql", n=n)
    log(db, f"generated {n:,} events in {time.monotonic() - t0:.0f} s")
    for name, definition in indexes:
        t0 = time.monotonic()
        psql(url, f"SET maintenance_work_mem = '1GB'; {definition}")
        log(db, f"index {name} built in {time.monotonic() - t0:.0f} s")
    t0 = time.monotonic()
    psql(url, "VACUUM ANALYZE event_store.events")
    psql(url, "VACUUM ANALYZE event_store.instances")
    size = psql(url, "SELECT pg_size_pretty(pg_total_relation_size('event_store.events'))")
    log(db, f"VACUUM ANALYZE events in {time.monotonic() - t0:.0f} s; events {size} with indexes")
    project(url, db)
    log(db, f"ready in {time.monotonic() - started:.0f} s")


def project(url: str, db: str) -> None:
    """Catch the fleet projection up as the projector does, in project_fleet batches of 100,000
    (prints the catch-up rate), VACUUM ANALYZE its tables, then store the projector's snapshots
    (project_snapshots(500, 1000) until it has nothing left to do)."""
    t0 = time.monotonic()
    done = 0
    last_log = t0
    waited = 0.0
    while True:
        k = int(psql(url, f"SELECT event_store.project_fleet({PROJECT_BATCH})"))
        done += k
        if k == 0:
            if psql(url, f"SELECT EXISTS (SELECT {UNPROJECTED})") == "f":
                break
            # Events are left but not yet projectable: a transaction somewhere in the cluster
            # (another database too) holds the feed's horizon below them, or a projector is at
            # work. Wait for it rather than measure a projection that lags.
            w0 = time.monotonic()
            if w0 - last_log > 60:
                last_log = w0
                log(db, "waiting for the feed's horizon: oldest transactions holding it: " + psql(url, HOLDERS))
            time.sleep(1)
            waited += time.monotonic() - w0
            if waited > 1800:
                raise RuntimeError(f"{db}: the fleet projection could not catch up in 30 min")
            continue
        if time.monotonic() - last_log > 60:
            last_log = time.monotonic()
            log(db, f"  projected {done:,} events, {done / (last_log - t0 - waited):,.0f} events/s so far")
    seconds = time.monotonic() - t0 - waited
    if done:
        log(db, f"fleet projection: {done:,} events in {seconds:.1f} s = {done / seconds:,.0f} events/s "
                f"(project_fleet({PROJECT_BATCH}) until 0: the catch-up rate"
                + (f"; not counting {waited:.0f} s waiting for the horizon)" if waited else ")"))
        t0 = time.monotonic()
        psql(url, "VACUUM ANALYZE event_store.fleet_index")
        psql(url, "VACUUM ANALYZE event_store.fleet_type_counts")
        size = psql(url, "SELECT pg_size_pretty(pg_total_relation_size('event_store.fleet_index'))")
        log(db, f"VACUUM ANALYZE fleet_index, fleet_type_counts in {time.monotonic() - t0:.0f} s; "
                f"fleet_index {size} with indexes")
    t0 = time.monotonic()
    stored = 0
    while (k := int(psql(url, "SELECT event_store.project_snapshots(500, 1000)"))) > 0:
        stored += k
    if stored:
        log(db, f"projector snapshots: {stored:,} stored in {time.monotonic() - t0:.1f} s "
                "(project_snapshots(500, 1000) until 0)")


# Every function and procedure of event_store, by signature, as pg_get_functiondef writes it; and
# the tables' columns and indexes.
ROUTINES = ("SELECT coalesce(json_object_agg(p.oid::regprocedure::text, pg_get_functiondef(p.oid)), '{}') "
            "FROM pg_proc p WHERE p.pronamespace = 'event_store'::regnamespace AND p.prokind IN ('f', 'p')")
STRUCTURE = ("SELECT coalesce(json_agg(x ORDER BY x), '[]') FROM ("
             "SELECT indexdef AS x FROM pg_indexes WHERE schemaname = 'event_store' UNION ALL "
             "SELECT format('column %s.%s %s', table_name, column_name, data_type) FROM information_schema.columns "
             "WHERE table_schema = 'event_store') s")


def checkout_key() -> str:
    digest = hashlib.sha256()
    for path in sorted([ROOT / "sqitch.plan", *(ROOT / "deploy").rglob("*.sql")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def reference(server: str, prefix: str) -> str:
    """A database with no data deployed from the checkout as it is now (redeployed when deploy/ or
    sqitch.plan changed since): what the bench databases' functions are compared with."""
    db, key = f"{prefix}_ref", checkout_key()
    postgres = f"{server}/postgres"
    if psql(postgres, f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{db}'") != key:
        psql(postgres, f'DROP DATABASE IF EXISTS "{db}"')
        psql(postgres, f'CREATE DATABASE "{db}"')
        deploy(f"{server}/{db}")
        psql(postgres, f"COMMENT ON DATABASE \"{db}\" IS '{key}'")
    return f"{server}/{db}"


def sync_functions(server: str, prefix: str, url: str, db: str) -> list[str]:
    """Make db's functions those of the checkout: a bench database is built once (10M events take
    half an hour), while functions not yet released are edited in place, which sqitch deploy does
    not pick up. Replaces (CREATE OR REPLACE, as pg_get_functiondef writes it, from a reference
    database deployed from the checkout) every function or procedure whose definition differs.
    Differences it cannot fix (tables, indexes, a signature gone or new) are returned as warnings:
    --rebuild for those."""
    ref = reference(server, prefix)
    want, have = json.loads(psql(ref, ROUTINES)), json.loads(psql(url, ROUTINES))
    notes = []
    replaced = []
    for signature, definition in sorted(want.items()):
        if have.get(signature) == definition:
            continue
        try:
            psql(url, definition)
            replaced.append(signature.split("(")[0].removeprefix("event_store."))
        except RuntimeError as e:
            notes.append(f"WARNING: {signature} could not be replaced ({str(e).splitlines()[-1]}): --rebuild")
    if replaced:
        notes.append(f"functions replaced by the checkout's: {', '.join(replaced)}")
    if gone := sorted(set(have) - set(want)):
        notes.append(f"WARNING: not in the checkout's schema any more: {', '.join(gone)}: --rebuild")
    ours, theirs = set(json.loads(psql(url, STRUCTURE))), set(json.loads(psql(ref, STRUCTURE)))
    if ours != theirs:
        notes.append("WARNING: tables or indexes differ from the checkout's (--rebuild): "
                     + "; ".join([f"missing {x}" for x in sorted(theirs - ours)] + [f"extra {x}" for x in sorted(ours - theirs)]))
    for note in notes:
        log(db, note)
    return notes


def conditions(url: str) -> str:
    settings = psql(url, "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) "
                         "FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_wal_size', "
                         "'synchronous_commit', 'jit', 'effective_cache_size')")
    version = psql(url, "SHOW server_version")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    change = psql(url, "SELECT change FROM sqitch.changes ORDER BY committed_at DESC LIMIT 1")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}: nproc {os.cpu_count()}, load average {load} "
            f"(1/5/15 min), PostgreSQL {version} ({settings}); checkout at {commit}, database last "
            f"deployed change {change}")


class Writes:
    """pgbench emitting at a fixed rate and the projector (run_projector), in the background, with
    the projector's lag sampled every second. Use as a context manager: everything it started ends
    on exit, error or not (the CALL's backend is ended by its application_name)."""

    # Events after the watermark, and the age of the oldest of them; the same for those below the
    # feed's horizon (the projector could have applied them: the rest wait for a transaction open
    # somewhere in the cluster), and the age of the oldest transaction holding an xid. Until
    # session 18 this was one statement joining events to projections: the planner scanned all of
    # events (seconds at 10M) and the age counted that scan as lag.
    LAG_FILE = ROOT / "sql" / "bench" / "projector_lag.sql"

    # What psql and pgbench print when __exit__ ends them: not worth reporting.
    ENDED = ("terminating connection due to administrator command", "server closed the connection",
             "terminated abnormally", "before or while processing the request", "connection to server was lost")

    def __init__(self, url: str, db: str, rate: int, clients: int) -> None:
        self.url, self.db, self.rate, self.clients = url, db, rate, clients
        self.pgbench: subprocess.Popen[bytes] | None = None
        self.projector: subprocess.Popen[bytes] | None = None
        self.logs = tempfile.TemporaryDirectory(prefix="read_bench_")
        # (events after the watermark, oldest's age s, those below the horizon, oldest's age s,
        #  the oldest open transaction's age s), one a second
        self.samples: list[tuple[int, float, int, float, float]] = []
        self.stop = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.projector_starts = 0
        self.errors: list[str] = []
        self.seconds = 0.0
        self.written = self.projected = 0

    def _log(self, name: str) -> Path:
        return Path(self.logs.name) / name

    def _start_projector(self) -> None:
        with open(self._log(f"projector{self.projector_starts}.err"), "wb") as err:
            self.projector = subprocess.Popen(
                ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.url, "-c", "CALL event_store.run_projector(3600)"],
                stdout=subprocess.DEVNULL, stderr=err, env=env("_projector"))
        self.projector_starts += 1

    def __enter__(self) -> Writes:
        try:
            self.heads0 = self._heads()
            self.projected0 = self._projected()
            self.t0 = time.monotonic()
            self._start_projector()
            with open(self._log("pgbench.err"), "wb") as err:
                self.pgbench = subprocess.Popen(
                    ["pgbench", "-n", "-f", str(WRITES_SCRIPT), "-c", str(self.clients), "-j", str(min(self.clients, 2)),
                     "-R", str(self.rate),
                     "-T", "86400", self.url],
                    stdout=subprocess.DEVNULL, stderr=err, env=env("_pgbench"))
            self.sampler.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _heads(self) -> int:
        return int(psql(self.url, "SELECT sum(last_sequence_num) FROM event_store.instances"))

    def _projected(self) -> int:
        return int(psql(self.url, "SELECT events_projected FROM event_store.projections "
                                  "WHERE projection_name = 'fleet_index'"))

    def _sample(self) -> None:
        while not self.stop.wait(1.0):
            try:
                count, age, ready, ready_age, xact = psql(self.url, file=self.LAG_FILE).split("|")
                self.samples.append((int(count), float(age), int(ready), float(ready_age), float(xact)))
            except Exception as e:   # a lost sample is reported, the run goes on
                self.errors.append(f"lag sample failed: {e}")
            if self.stop.is_set():
                break
            if self.projector is not None and self.projector.poll() is not None:
                self.errors.append(f"projector ended (rc {self.projector.returncode}) at "
                                   f"{time.monotonic() - self.t0:.0f} s: restarted")
                self._start_projector()
            if self.pgbench is not None and self.pgbench.poll() is not None:
                self.errors.append(f"pgbench ended (rc {self.pgbench.returncode}) at "
                                   f"{time.monotonic() - self.t0:.0f} s")
                self.pgbench = None

    def warm_up(self, seconds: float) -> None:
        """Let the writes and the projector settle before the first workload."""
        time.sleep(seconds)

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.seconds = time.monotonic() - getattr(self, "t0", time.monotonic())
        if self.sampler.is_alive():
            self.sampler.join(timeout=60)
        for proc in (self.pgbench, self.projector):
            if proc is not None and proc.poll() is None:
                proc.terminate()
        # The CALL runs on in its backend when psql goes away mid-statement: end it by its
        # application_name (and any pgbench backend left), then wait for the clients.
        with contextlib.suppress(Exception):
            psql(self.url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           f"WHERE application_name IN ('{APP}_projector', '{APP}_pgbench')")
        for proc in (self.pgbench, self.projector):
            if proc is not None:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        with contextlib.suppress(Exception):
            self.written = self._heads() - self.heads0
            self.projected = self._projected() - self.projected0
        for path in sorted(Path(self.logs.name).iterdir()):
            text = " ".join(line for line in path.read_text(errors="replace").splitlines()
                            if line.strip() and not any(ours in line for ours in self.ENDED))
            if text:
                self.errors.append(f"{path.name}: {text[-500:]}")
        self.logs.cleanup()

    def report(self) -> list[str]:
        rate = self.written / self.seconds if self.seconds else 0
        lines = [f"Writes: pgbench -R {self.rate} ({self.clients} clients, {WRITES_SCRIPT.relative_to(ROOT)}) and "
                 f"CALL event_store.run_projector(3600), for {self.seconds:.0f} s: {self.written:,} events "
                 f"written ({rate:,.0f}/s of {self.rate}/s asked), {self.projected:,} projected"]
        if rate < 0.9 * self.rate:
            lines.append(f"WARNING: the writers reached {rate / self.rate:.0%} of the rate asked: each client waits "
                         "for its commit, so on a slow or busy machine more clients are needed (--writers)")
        if len(self.samples) > 1:
            def pct(values: list[float], unit: str = "") -> str:
                q = statistics.quantiles(sorted(values), n=100, method="inclusive")
                return f"p50 {q[49]:,.0f}{unit}, p99 {q[98]:,.0f}{unit}, max {max(values):,.0f}{unit}"
            count, age, ready, ready_age, xact = (list(column) for column in zip(*self.samples, strict=True))
            lines.append(f"Projector lag, {len(self.samples)} samples (one a second): age of the oldest unprojected "
                         f"event {pct([a * 1000 for a in age], ' ms')}; events after the watermark {pct(count)}")
            lines.append(f"Of those, below the feed's horizon (the projector could apply them): age of the oldest "
                         f"{pct([a * 1000 for a in ready_age], ' ms')}, events {pct(ready)}; the oldest transaction "
                         f"holding an xid in the cluster (holds the horizon): age {pct([x * 1000 for x in xact], ' ms')}")
        if self.errors:
            lines.append("Background notes: " + "; ".join(self.errors))
        return lines


def workloads(big_head: int) -> list[tuple[str, str, int, int | None, str]]:
    """(label, SQL, runs, events folded per run or None, what to report: 'count', 'total', 'replayed'
    or 'sum')."""
    day = "(timestamptz '2026-06-01 00:00+00' + interval '{day} days')"
    big = f"{BIG}, {big_head:,} events"
    # A sha prefix of the instance's first commit on or after a random day (or its first commit).
    commit = ("(SELECT left(e.event_data->>'commit_sha', 7) FROM event_store.events e WHERE e.instance_id = '%s'"
              " AND e.event_type = 'commit_created'{after} ORDER BY e.instance_id, e.event_type, e.\"timestamp\" LIMIT 1)")
    sha = ("coalesce(" + commit.replace("{after}", f" AND e.\"timestamp\" >= {day}") + ", "
           + commit.replace("{after}", "") + ")")
    q = "SELECT * FROM event_store.query_events"
    one = [
        ("query_events, one instance, 100 events, no filter", q + "('{inst}')", 300, None, "total"),
        ("query_events, one instance, deep page (offset 5,000)", q + "('" + BIG + "', p_offset => 5000)",
         300, None, "total"),
        ("query_events, one instance, 2 types + 3-day range",
         q + f"('{{inst}}', ARRAY['test_failed', 'commit_created'], {day}, {day} + interval '3 days')",
         300, None, "total"),
        ("query_events, one instance, keyword 'timeout'", q + "('{inst}', p_keyword => 'timeout')", 200, None, "total"),
        ("query_events, all instances, 100 events, no filter", q + "()", 300, None, "total"),
        ("query_events, all instances, type test_failed + 3-day range",
         q + f"(NULL, ARRAY['test_failed'], {day}, {day} + interval '3 days')", 100, None, "total"),
        ("query_events, all instances, types test_failed, commit_created + 3-day range",
         q + f"(NULL, ARRAY['test_failed', 'commit_created'], {day}, {day} + interval '3 days')", 100, None, "total"),
        ("query_events, all instances, 3-day range alone",
         q + f"(NULL, NULL, {day}, {day} + interval '3 days')", 100, None, "total"),
        ("query_events, all instances, date range alone, open-ended (a random day to now)",
         q + f"(NULL, NULL, {day})", 100, None, "total"),
        ("query_events, all instances, keyword: a commit's 7-character sha prefix",
         q + "(p_keyword => " + sha.replace("%s", "{inst}") + ")", 100, None, "total"),
        ("query_events, all instances, rare keyword 'cold start (#N7)'",
         q + "(p_keyword => 'cold start (#{n}7)')", 100, None, "total"),
        ("query_events, all instances, common keyword 'timeout' (~0.5% of events)",
         q + "(p_keyword => 'timeout')", 100, None, "total"),
        (f"query_events, big instance ({big}), keyword: a commit's 7-character sha prefix",
         q + f"('{BIG}', p_keyword => " + sha.replace("%s", BIG) + ")", 100, None, "total"),
        (f"query_events, big instance ({big}), rare keyword 'cold start (#N7)'",
         q + f"('{BIG}', p_keyword => 'cold start (#{{n}}7)')", 100, None, "total"),
        (f"query_events, big instance ({big}), common keyword 'timeout'",
         q + f"('{BIG}', p_keyword => 'timeout')", 100, None, "total"),
        ("get_latest_events, one instance, 10", "SELECT * FROM event_store.get_latest_events('{inst}')",
         300, None, "count"),
        ("get_event_count, one instance", "SELECT event_store.get_event_count('{inst}') AS n", 300, None, "count"),
        ("aggregate_events_by_type, one instance", "SELECT * FROM event_store.aggregate_events_by_type('{inst}')",
         300, None, "sum"),
        ("aggregate_events_by_type, all instances", "SELECT * FROM event_store.aggregate_events_by_type()",
         100, None, "sum"),
        ("aggregate_events_by_type, all instances, 3-day range (not hour-aligned)",
         "SELECT * FROM event_store.aggregate_events_by_type(NULL, "
         f"{day} + interval '7 hours 13 minutes', {day} + interval '3 days 7 hours 13 minutes')", 100, None, "sum"),
    ]
    # The projector keeps every instance's newest snapshot at most ~500 events (plus about a
    # second of writes) behind its head; its catch-up stores bench-0000's in steps of 20,000,
    # so there is none below 20,000 and the "no snapshot" row folds from the first event.
    behind = ("(SELECT max(s.sequence_num) + 499 FROM event_store.snapshots s WHERE s.instance_id = '"
              + BIG + "' AND s.sequence_num + 499 <= (SELECT i.last_sequence_num FROM event_store.instances i"
              " WHERE i.instance_id = '" + BIG + "'))")
    replay = [
        ("replay_events, random instance, projector snapshots",
         "SELECT * FROM event_store.replay_events('{inst}')", 300, None, "replayed"),
        (f"replay_events {BIG} ({big_head:,} events), projector snapshots",
         f"SELECT * FROM event_store.replay_events('{BIG}')", 100, None, "replayed"),
        (f"replay_events {BIG}, 499 events past a projector snapshot (its bound)",
         f"SELECT * FROM event_store.replay_events('{BIG}', {behind})", 100, 499, "replayed"),
        (f"replay_events {BIG} to 10,000, no snapshot",
         f"SELECT * FROM event_store.replay_events('{BIG}', 10000)", 20, 10_000, "replayed"),
    ]
    return one + replay


REPORT = {
    "count": ("count(*)", "NULL::boolean"),
    "total": ("coalesce(max(total_count), 0)", "coalesce(bool_and(total_exact), true)"),
    "replayed": ("coalesce(max(events_replayed), 0)", "NULL::boolean"),
    "sum": ("coalesce(sum(event_count), 0)", "NULL::boolean"),
}


def shown(kind: str, low: str, high: str, exact: str) -> str:
    """The reported value over the runs: a range, '+' for a lower bound (total_exact false)."""
    lo, hi = (f"{int(float(v)):,}" if v else "0" for v in (low, high))
    text = lo if lo == hi else f"{lo}-{hi}"
    if kind == "replayed":
        text += " folded"
    if kind == "total" and exact != "":
        text += "" if exact == "runs" else "+" if exact == "0" else f" (exact in {exact} runs)"
    return text


def measure(url: str, rows: list[tuple[str, str, int, int | None, str]], size: str, factor: float) -> list[str]:
    lines = []
    for name, sql, full_runs, folded, kind in rows:
        runs = max(1, round(full_runs * factor))
        quoted = sql.replace("'", "''")
        value, flag = REPORT[kind]
        out = psql(url, "SELECT runs, p50_ms, p99_ms, mean_ms, max_ms, value_min, value_max, flag_true "
                        f"FROM bench.timeit('{quoted}', {runs}, 3, '{value}', '{flag}')")
        n, p50, p99, mean, _max, low, high, exact = out.split("|")
        if exact == n:
            exact = "runs"
        rate = f"{folded / (float(mean) / 1000):,.0f}" if folded else ""
        lines.append(f"| {size} | {name} | {n} | {p50} | {p99} | {mean} | {shown(kind, low, high, exact)} | {rate} |")
        print(lines[-1], flush=True)
    return lines


def write_cost(server: str, db: str, seconds: int, clients: int) -> list[str]:
    """emit_event throughput (pgbench) with our read indexes on events present vs dropped, interleaved."""
    url = f"{server}/{db}"
    defs = dict(row.split("|", 1) for row in psql(url, (
        "SELECT indexname || '|' || indexdef FROM pg_indexes WHERE schemaname = 'event_store' AND indexname IN ('"
        + "', '".join(OUR_INDEXES) + "')")).splitlines())
    if not defs:
        return ["| (none of " + ", ".join(OUR_INDEXES) + " on events) | | |"]
    names = sorted(defs)
    lines = []
    try:
        for variant in ("with", "without", "with", "without"):
            present = psql(url, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'event_store' AND indexname IN ('"
                           + "', '".join(names) + "')")
            if variant == "without" and present != "0":
                for name in names:
                    psql(url, f"DROP INDEX event_store.{name}")
            if variant == "with" and present != str(len(names)):
                for name in names:
                    psql(url, f"SET maintenance_work_mem = '1GB'; {defs[name]}")
            psql(url, "CHECKPOINT")
            done = subprocess.run(["pgbench", "-n", "-f", str(WRITES_SCRIPT), "-c", str(clients), "-j", "2",
                                   "-T", str(seconds), url], capture_output=True, text=True, check=True, env=env())
            tps = re.search(r"tps = ([0-9.]+)", done.stdout)
            lat = re.search(r"latency average = ([0-9.]+) ms", done.stdout)
            lines.append(f"| emit_event, {clients} clients, {seconds} s, {', '.join(names)} {variant} "
                         f"| {float(tps.group(1)) if tps else 0:,.0f}/s | {lat.group(1) if lat else '?'} ms |")
            print(lines[-1], flush=True)
    finally:
        for name in names:
            if psql(url, f"SELECT count(*) FROM pg_indexes WHERE schemaname = 'event_store' AND indexname = '{name}'") == "0":
                psql(url, f"SET maintenance_work_mem = '1GB'; {defs[name]}")
    return lines


def end_own_sessions(server: str) -> None:
    """End every server session this process opened (by its application_name) but this one."""
    with contextlib.suppress(Exception):
        psql(f"{server}/postgres", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   f"WHERE left(application_name, {len(APP)}) = '{APP}' AND pid <> pg_backend_pid()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:54329"),
                        help="server URL without a database name")
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated event counts")
    parser.add_argument("--prefix", default="es_bench_read", help="database name prefix")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data even if present")
    parser.add_argument("--no-sync", action="store_true",
                        help="measure the functions as deployed in the bench database, even where they differ "
                             "from the checkout's (by default they are replaced by the checkout's first)")
    parser.add_argument("--reproject", action="store_true",
                        help="empty the fleet projection and build it again (measures the catch-up rate)")
    parser.add_argument("--build-only", action="store_true", help="build the databases, measure nothing")
    parser.add_argument("--with-writes", type=int, nargs="?", const=500, default=500, metavar="RATE",
                        help="events/s emitted by pgbench during the measurements, with the projector "
                             "running (default 500; 0: no writes, no projector)")
    parser.add_argument("--writers", type=int, default=2, help="pgbench clients of --with-writes (default 2)")
    parser.add_argument("--warm-up", type=float, default=10, help="seconds of writes before the first workload")
    parser.add_argument("--runs-factor", type=float, default=1.0,
                        help="scale every workload's number of runs (e.g. 0.1 to try the script quickly)")
    parser.add_argument("--write-cost", action="store_true", help="also measure the indexes' cost on emit_event")
    parser.add_argument("--write-seconds", type=int, default=20)
    parser.add_argument("--write-clients", type=int, default=8)
    args = parser.parse_args()
    server = re.sub(r"/[^/@]*$", "", args.url) if args.url.count("/") > 2 else args.url

    # A SIGTERM (kill, a timeout) ends the run through the finally blocks, like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        run(args, server)
    finally:
        end_own_sessions(server)


def run(args: argparse.Namespace, server: str) -> None:
    header = ["| data | workload | runs | p50 ms | p99 ms | mean ms | matches / folded | events/s |",
              "|---|---|---|---|---|---|---|---|"]
    table = list(header)
    notes: list[str] = []
    writes = ["| workload | throughput | mean latency |", "|---|---|---|"]
    for n in (int(s) for s in args.sizes.split(",")):
        db = f"{args.prefix}_{label(n)}"
        if args.rebuild or not has_data(server, db, n):
            build(server, db, n)
        elif args.reproject:
            url = f"{server}/{db}"
            log(db, "--reproject: emptying the fleet projection and building it again")
            psql(url, "TRUNCATE event_store.fleet_index, event_store.fleet_type_counts; "
                      "UPDATE event_store.projections SET feed_key = '0', global_position = 0, events_projected = 0 "
                      "WHERE projection_name = 'fleet_index'; CHECKPOINT")
            project(url, db)
        if args.build_only:
            continue
        url = f"{server}/{db}"
        size = f"{n / 1e6:g}M"
        if not args.no_sync:
            notes += [f"{size}: {note}" for note in sync_functions(server, args.prefix, url, db)]
        psql(url, file=ROOT / "sql/bench/measure.sql")
        big_head = int(psql(url, f"SELECT last_sequence_num FROM event_store.instances WHERE instance_id = '{BIG}'"))
        total = int(psql(url, "SELECT sum(last_sequence_num) FROM event_store.instances"))
        notes.append(f"{size} ({db}, {total:,} events, {total - n:,} of them appended by earlier runs with "
                     f"writes) before: {conditions(url)}")
        print(f"# {notes[-1]}", file=sys.stderr, flush=True)
        if args.with_writes > 0:
            with Writes(url, db, args.with_writes, args.writers) as bg:
                bg.warm_up(args.warm_up)
                table += measure(url, workloads(big_head), size, args.runs_factor)
            notes += [f"{size}: {line}" for line in bg.report()]
        else:
            table += measure(url, workloads(big_head), size, args.runs_factor)
            notes.append(f"{size}: no writes during the run (--with-writes 0), no projector running")
        notes.append(f"{size} after: load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg()))
        state = psql(url, f"SELECT s.sequence_num || ' (head ' || i.last_sequence_num || '), ' || pg_column_size(s.state) "
                          "|| ' bytes stored' FROM event_store.snapshots s JOIN event_store.instances i USING (instance_id) "
                          f"WHERE s.instance_id = '{BIG}' ORDER BY s.sequence_num DESC LIMIT 1")
        notes.append(f"{size}: {BIG}'s newest snapshot at {state}")
        if args.write_cost:
            writes += write_cost(server, db, args.write_seconds, args.write_clients)
    if len(table) > len(header):
        print()
        print("\n".join(table))
        print()
        print("\n".join(f"- {note}" for note in notes))
    if args.write_cost:
        print()
        print("\n".join(writes))


if __name__ == "__main__":
    main()
