"""``event-store demo``: a realistic supervisor session, then a query, the aggregates and the replay.

Re-runnable: each run registers instances with fresh ids (``odin-PS-<hex>``, ``mimir-MS-<hex>``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from .client import EventStore
from .models import EmitResult, QueryResult, ReplayResult, TypeCount


@dataclass(frozen=True, slots=True)
class DemoResult:
    project_supervisor: str
    meta_supervisor: str
    events_emitted: int
    test_events: QueryResult
    aggregates: list[TypeCount]
    replay: ReplayResult


def _event(event_type: str, **event_data: Any) -> dict[str, Any]:
    return {"event_type": event_type, "event_data": event_data}


def run(store: EventStore) -> DemoResult:
    suffix = secrets.token_hex(3)
    ps, ms = f"odin-PS-{suffix}", f"mimir-MS-{suffix}"
    emitted: list[EmitResult] = []

    store.register_instance(ms, "MS", "supervisor-fleet", metadata={"host": "build-01"})
    store.register_instance(ps, "PS", "checkout-service", metadata={"host": "build-02", "spawned_by": ms})
    emitted += store.emit_events(
        ms,
        [
            _event("feature_requested", feature_name="one-click checkout", priority="high"),
            _event("epic_planned", epic_id="EPIC-101", title="One-click checkout", estimated_hours=6),
            _event("task_spawned", task_id="T-1", task_type="project_supervisor", epic_id="EPIC-101"),
        ],
    )
    emitted.append(
        store.emit_event(
            ps,
            "epic_started",
            {"epic_id": "EPIC-101", "feature_name": "one-click checkout", "spawned_by": ms},
            metadata={"source": "demo"},
        )
    )
    emitted += store.emit_events(
        ps,
        [
            _event("context_window_updated", usage_percent=12.5, tokens_used=25000, tokens_total=200000),
            _event("test_started", test_suite="checkout-unit"),
            _event(
                "test_failed",
                test_suite="checkout-unit",
                failed_count=2,
                failures=["test_total_rounding", "test_empty_cart"],
            ),
            _event(
                "commit_created",
                commit_sha="4f2a9c1",
                message="Fix rounding of cart totals",
                branch="epic-101",
            ),
            _event("test_passed", test_suite="checkout-unit", passed_count=48, duration_ms=5210),
            _event("validation_passed", validation_type="lint"),
            _event("commit_created", commit_sha="b71e0d3", message="Add one-click endpoint", files_changed=7),
            _event("pr_created", pr_number=42, title="One-click checkout", branch="epic-101"),
            _event("pr_merged", pr_number=42, merge_sha="c0ffee1"),
            _event("deployment_started", deployment_id="dep-7", environment="staging"),
            _event("deployment_completed", deployment_id="dep-7", environment="staging"),
            _event("context_window_updated", usage_percent=64, tokens_used=128000, tokens_total=200000),
            _event(
                "checkpoint_created", checkpoint_id="cp-1", reason="context above 60%", context_percent=64
            ),
        ],
    )
    emitted.append(store.heartbeat(ps, 64))
    emitted += store.emit_events(
        ps,
        [
            _event("epic_completed", epic_id="EPIC-101"),
            _event("epic_started", epic_id="EPIC-102", feature_name="saved cards"),
            _event("deployment_started", deployment_id="dep-8", environment="production"),
            _event(
                "deployment_failed",
                deployment_id="dep-8",
                environment="production",
                reason="health check timed out",
            ),
        ],
    )
    emitted.append(store.heartbeat(ms, 31))

    return DemoResult(
        project_supervisor=ps,
        meta_supervisor=ms,
        events_emitted=len(emitted) + 2,
        test_events=store.query_events(ps, event_types=["test_started", "test_failed", "test_passed"]),
        aggregates=store.aggregate_events_by_type(ps),
        replay=store.replay_events(ps),
    )
