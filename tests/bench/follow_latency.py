#!/usr/bin/env python3
"""Live change-feed latency (issue 11): from the commit of an emit to its delivery to a Python
follower, while writers keep writing.

Writer processes emit task_spawned events (autocommit: one emit, one transaction) to 100
instances at a fixed total rate and note, per event id, the CLOCK_MONOTONIC time at which
emit_event returned (the commit acknowledged). The follower, in this process, notes when each
event reaches it. Latency = delivered - committed, per event, over the measured window (after a
warm-up); printed as p50 / p90 / p99 / max.

Followers (--modes):
  subscribe  EventStore.subscribe(...) iterated (poll_subscription, ack after each batch)
  follow     EventStore.follow(...) (read_all pages, the cursor in the client)
  wait       EventStore.wait_for_events(...) in a loop (the server-side wake-up: one call blocks
             until events after the cursor commit, re-reading every 5 ms inside the server)

    .venv/bin/python tests/bench/follow_latency.py --rate 1000 --seconds 20

The database: --url (a deployed database), else a fresh es_bench_follow on the local cluster
(EVENT_STORE_PORT), deployed with sqitch.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python" / "src"))
from supervisor_event_store import EventStore  # noqa: E402
from supervisor_event_store.subscriptions import Backoff  # noqa: E402

INSTANCES = [f"lat-PS-{n:03d}" for n in range(100)]


def fresh_database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    subprocess.run(["sqitch", "deploy", f"db:{url}"], cwd=ROOT, check=True, capture_output=True)
    with psycopg.connect(url, autocommit=True) as conn:
        for instance_id in INSTANCES:
            conn.execute("SELECT event_store.register_instance(%s, 'PS', 'latency')", (instance_id,))
    return url


def writer(url: str, index: int, rate: float, until: float, out: Any) -> None:
    """Emit at ``rate`` events/s until CLOCK_MONOTONIC ``until``; send {event_id: committed_at}."""
    committed: dict[str, float] = {}
    interval, n = 1.0 / rate, 0
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.monotonic()
        while True:
            due = start + n * interval
            now = time.monotonic()
            if due > until:
                break
            if due > now:
                time.sleep(due - now)
            event_id = str(uuid.uuid4())
            conn.execute(
                "SELECT event_store.emit_event(%s, 'task_spawned', %s::jsonb, p_event_id => %s::uuid)",
                (INSTANCES[(index * 7919 + n) % len(INSTANCES)], '{"task_id": "T", "task_type": "bench"}', event_id),
            )
            committed[event_id] = time.monotonic()
            n += 1
    out.send(committed)
    out.close()


def measure(url: str, mode: str, rate: float, seconds: float, warmup: float, writers: int,
            backoff: Backoff) -> dict[str, Any]:
    delivered: dict[str, float] = {}
    stop = threading.Event()
    with EventStore(url) as store:
        name = f"latency-{mode}-{uuid.uuid4().hex[:6]}"
        if mode == "subscribe":
            subscriber = store.subscribe(name, start_from="end", batch_size=1000, backoff=backoff, stop=stop)

            def follow() -> None:
                for batch in subscriber:
                    now = time.monotonic()
                    for event in batch.events:
                        delivered[str(event.event_id)] = now
        elif mode == "wait":

            def follow() -> None:
                cursor = store.feed_cursor("end")
                while not stop.is_set():
                    page = store.wait_for_events(cursor, timeout_seconds=1, limit=1000)
                    now = time.monotonic()
                    for event in page.events:
                        delivered[str(event.event_id)] = now
                    cursor = page.cursor
        else:
            follower = store.follow("end", limit=1000, backoff=backoff, stop=stop)

            def follow() -> None:
                for page in follower:
                    now = time.monotonic()
                    for event in page:
                        delivered[str(event.event_id)] = now

        thread = threading.Thread(target=follow)
        thread.start()
        time.sleep(0.5)
        begin = time.monotonic()
        until = begin + warmup + seconds
        pipes, procs = [], []
        for i in range(writers):
            receive, send = mp.Pipe(duplex=False)
            proc = mp.Process(target=writer, args=(url, i, rate / writers, until, send))
            proc.start()
            pipes.append(receive)
            procs.append(proc)
        committed: dict[str, float] = {}
        for receive in pipes:
            committed.update(receive.recv())
        for proc in procs:
            proc.join()
        time.sleep(2.0)                    # let the follower drain
        stop.set()
        thread.join()
        if mode == "subscribe":
            store.drop_subscription(name)
    window = [(t, event_id) for event_id, t in committed.items() if t >= begin + warmup]
    missing = sum(1 for _, event_id in window if event_id not in delivered)
    latencies = sorted((delivered[e] - t) * 1000 for t, e in window if e in delivered)
    cuts = statistics.quantiles(latencies, n=100)
    return {"mode": mode, "events": len(window), "rate": len(window) / seconds, "missing": missing,
            "p50": cuts[49], "p90": cuts[89], "p99": cuts[98], "max": latencies[-1],
            "negative": sum(1 for x in latencies if x < 0)}


def main() -> None:
    parser = argparse.ArgumentParser()
    port = os.environ.get("EVENT_STORE_PORT", "54329")
    parser.add_argument("--url", default=None, help="a deployed database (default: a fresh es_bench_follow)")
    parser.add_argument("--server", default=f"postgresql://postgres@127.0.0.1:{port}")
    parser.add_argument("--rate", type=float, default=1000, help="events/s written, in total")
    parser.add_argument("--writers", type=int, default=4, help="writer processes")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--modes", nargs="+", default=["subscribe", "follow", "wait"])
    parser.add_argument("--initial", type=float, default=Backoff().initial, help="backoff: first idle wait (s)")
    parser.add_argument("--maximum", type=float, default=Backoff().maximum, help="backoff: longest idle wait (s)")
    args = parser.parse_args()
    url = args.url or fresh_database(args.server, "es_bench_follow")
    backoff = Backoff(initial=args.initial, maximum=args.maximum)
    print(f"rate {args.rate:g}/s by {args.writers} writers, {args.seconds:g} s measured after {args.warmup:g} s; "
          f"backoff {backoff.initial:g}..{backoff.maximum:g} s; load average {os.getloadavg()[0]:.2f}")
    print("| follower | events | written/s | missing | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|")
    for mode in args.modes:
        r = measure(url, mode, args.rate, args.seconds, args.warmup, args.writers, backoff)
        print(f"| {r['mode']} | {r['events']:,} | {r['rate']:,.0f} | {r['missing']} | {r['p50']:.1f} | "
              f"{r['p90']:.1f} | {r['p99']:.1f} | {r['max']:.1f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
