"""The checkpoint trigger: follows ``context_window_updated`` of every instance and emits
``checkpoint_created`` on an instance's stream when its context usage reaches the threshold
(80 %) from below -- exactly once per crossing, also when the consumer crashes and restarts.

    python -m supervisor_event_store.examples.checkpoint_consumer [--dsn DSN] [--threshold 80]
                                                                  [--until-idle]

Exactly once: the subscription is transactional, so each batch is polled, its checkpoint events
are emitted and the batch is acked in one transaction. A crash before the commit rolls all of it
back and the batch comes again; after the commit the checkpoint has moved and it never comes again.

A crossing: usage >= threshold now, and below it at the instance's previous
``context_window_updated`` (no previous one counts as 0). The previous usage is the instance's
state folded up to the event before (``replay_events(instance, sequence_num - 1)``, in the same
transaction), and within a batch the usage just seen: nothing is kept in memory between batches,
so a restarted consumer decides exactly as the crashed one would have.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from ..client import EventStore
from ..errors import EventStoreError
from ..subscriptions import Batch

SUBSCRIPTION = "checkpoint-trigger"
THRESHOLD = 80.0

log = logging.getLogger(__name__)

_PREVIOUS_USAGE = """
SELECT (final_state -> 'context_window' ->> 'usage_percent')::float8 AS usage
  FROM event_store.replay_events(p_instance_id => %s::text, p_to_sequence_num => %s::bigint)"""

_EMIT_CHECKPOINT = """
SELECT sequence_num FROM event_store.emit_event(
    p_instance_id => %s::text,
    p_event_type  => 'checkpoint_created',
    p_event_data  => %s::jsonb,
    p_metadata    => %s::jsonb
)"""


class CheckpointTrigger:
    """The handler: ``handle(batch)`` emits a checkpoint_created for each crossing in the batch,
    on the batch's connection (the transaction the ack commits with)."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.emitted: list[str] = []  # checkpoint ids emitted (a rolled-back batch's too: for logs only)

    def handle(self, batch: Batch[psycopg.Connection[Any]]) -> None:
        conn = batch.connection
        assert conn is not None, "the checkpoint trigger needs a transactional subscription"
        usage: dict[str, float] = {}  # the usage seen last in this batch, per instance
        for event in batch.events:
            now = float(event.event_data["usage_percent"])
            before = usage.get(event.instance_id)
            if before is None and event.sequence_num > 1:
                row = conn.execute(_PREVIOUS_USAGE, (event.instance_id, event.sequence_num - 1)).fetchone()
                before = row[0] if row else None
            before = 0.0 if before is None else before
            usage[event.instance_id] = now
            if before < self.threshold <= now:
                checkpoint_id = f"ctx-{event.instance_id}-{event.sequence_num}"
                data = {
                    "checkpoint_id": checkpoint_id,
                    "reason": f"context window at {now:g}% (threshold {self.threshold:g}%)",
                    "context_percent": now,
                }
                meta = {"trigger_event_id": str(event.event_id), "consumer": SUBSCRIPTION}
                conn.execute(_EMIT_CHECKPOINT, (event.instance_id, Jsonb(data), Jsonb(meta)))
                self.emitted.append(checkpoint_id)
                log.info("%s: %s", event.instance_id, data["reason"])


def run(
    store: EventStore,
    *,
    threshold: float = THRESHOLD,
    subscription_name: str = SUBSCRIPTION,
    start_from: str = "beginning",
    until_idle: bool = False,
    batch_size: int = 100,
) -> CheckpointTrigger:
    """Follow until stopped (Ctrl-C) or, with ``until_idle``, until caught up; the trigger used."""
    trigger = CheckpointTrigger(threshold)
    subscriber = store.subscribe(
        subscription_name,
        event_types=["context_window_updated"],
        start_from=start_from,
        transactional=True,
        batch_size=batch_size,
        until_idle=until_idle,
    )
    subscriber.run(trigger.handle)
    return trigger


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checkpoint_consumer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", default=None, help="database (default: DATABASE_URL, PG*, local cluster)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="percent (default 80)")
    parser.add_argument("--name", default=SUBSCRIPTION, help=f"subscription name (default {SUBSCRIPTION})")
    parser.add_argument("--from", dest="start", default="beginning", help="start of a new subscription")
    parser.add_argument("--until-idle", action="store_true", help="stop once caught up (cron style)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        with EventStore(args.dsn) as store:
            trigger = run(
                store,
                threshold=args.threshold,
                subscription_name=args.name,
                start_from=args.start,
                until_idle=args.until_idle,
            )
    except KeyboardInterrupt:
        return 0
    except EventStoreError as exc:
        print(f"checkpoint_consumer: {exc}" + (f"; hint: {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 1
    if args.until_idle:
        print(f"caught up ({len(trigger.emitted)} checkpoints emitted by this run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
