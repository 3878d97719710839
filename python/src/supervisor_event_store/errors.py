"""Our exceptions, and the one place that turns psycopg errors into them.

Errors are mapped by SQLSTATE (``exc.sqlstate``), never by psycopg's class: our custom ``ES0xx``
codes arrive as a plain ``psycopg.DatabaseError``. Each exception carries the server's message,
detail and hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import PoolTimeout


class EventStoreError(Exception):
    """Base class; also used as is for database and connection failures."""

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        hint: str | None = None,
        sqlstate: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.hint = hint
        self.sqlstate = sqlstate

    def __str__(self) -> str:
        return self.message


class InvalidEventError(EventStoreError):
    """ES001: unknown event type (the hint names the closest known types)."""


class InvalidEventDataError(InvalidEventError):
    """ES003: event data invalid (not an object, missing field, wrong type, out of range, too big)."""


class InstanceNotFoundForEventError(EventStoreError):
    """ES002: the instance is not registered."""


class SequenceConflictError(EventStoreError):
    """ES004: ``expected_sequence`` does not match the instance's last sequence number."""


class ImmutableEventError(EventStoreError):
    """ES005: an attempt to change or remove events."""


class InvalidArgumentError(EventStoreError):
    """ES006: an invalid argument (bad instance id, limit, range, a required NULL)."""


class IdempotencyConflictError(EventStoreError):
    """ES007: an event id reused with different content."""


class SubscriptionNotFoundError(EventStoreError):
    """ES008: no subscription has this name."""


class ShardUnavailableError(EventStoreError):
    """ES010: through the proxy, the shard owning the instance (or one a fleet-wide call needs) is
    unreachable; the message names it. Calls for instances on other shards keep working."""


class ReplicaUnavailableError(EventStoreError):
    """A read for the replica (``read_dsn``) that it cannot answer correctly: it is unreachable,
    cancelled the read, or has not replayed this client's writes within ``replica_timeout``; raised
    instead of reading on the primary when the client has ``fallback_to_primary=False`` (no
    SQLSTATE: raised by the client). Never stale data instead."""


class UnreadableDataError(EventStoreError):
    """Stored JSON this client cannot turn into Python values (no SQLSTATE: raised by the client).

    Rows written before the store refused such input at write time can hold JSON nested deeper
    than Python's libraries handle (``json``, pydantic) or integers longer than Python converts
    (``sys.get_int_max_str_digits()``). Reading them raises this error instead of a RecursionError
    or ValueError; the rest of the store stays readable.
    """


ERRORS_BY_SQLSTATE: dict[str, type[EventStoreError]] = {
    "ES001": InvalidEventError,
    "ES002": InstanceNotFoundForEventError,
    "ES003": InvalidEventDataError,
    "ES004": SequenceConflictError,
    "ES005": ImmutableEventError,
    "ES006": InvalidArgumentError,
    "ES007": IdempotencyConflictError,
    "ES008": SubscriptionNotFoundError,
    "ES010": ShardUnavailableError,
}

# Hints for standard SQLSTATEs that usually mean "the schema is not deployed here".
_NOT_DEPLOYED = "Is the schema deployed to this database? Run `event-store deploy` (or `event-store db up`)."
_NOT_GRANTED = (
    "The connecting role lacks this privilege: reads need event_store_reader, writes event_store_writer, "
    "admin calls (register_event_type, delete_events_for_instance, project_fleet, run_projector...) "
    "event_store_admin."
)
_STANDARD_HINTS = {
    "3F000": _NOT_DEPLOYED,
    "42883": _NOT_DEPLOYED,
    "42P01": _NOT_DEPLOYED,
    "42501": _NOT_GRANTED,
}
_PARAMETER_HINTS = {
    "22P05": "PostgreSQL's jsonb cannot hold the character U+0000 in a string: remove it.",
    "22P02": "Check the format of the value, e.g. a UUID such as 5f0c6d1e-8a51-4c55-9d2f-1b2a3c4d5e6f.",
}


def from_psycopg(exc: psycopg.Error, where: str) -> EventStoreError:
    """Our exception for a psycopg error; ``where`` names the server (no password)."""
    sqlstate = exc.sqlstate
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if sqlstate is None and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        # No SQLSTATE: the connection failed or broke (refused, unknown host, closed...).
        return EventStoreError(f"cannot connect to {where}: {reason}")
    if sqlstate is None:
        # Refused by the driver before it reached the server (e.g. a NUL byte in a string).
        return InvalidArgumentError(
            f"invalid argument: {reason}", hint="Check the values passed to the call.", sqlstate="ES006"
        )
    diag = exc.diag
    if sqlstate.startswith("22") and "function" not in (diag.context or ""):
        # A parameter the server could not take as its SQL type, before any function ran (a bad
        # uuid, an int out of range, JSON with \u0000...): the caller's argument, so ES006.
        return InvalidArgumentError(
            f"invalid argument: {diag.message_primary or exc}",
            detail=f"PostgreSQL refused a parameter value (SQLSTATE {sqlstate}).",
            hint=_PARAMETER_HINTS.get(sqlstate, "Check the values passed to the call."),
            sqlstate="ES006",
        )
    if sqlstate.startswith("22"):
        cls: type[EventStoreError] = ERRORS_BY_SQLSTATE.get(sqlstate, InvalidArgumentError)
    else:
        cls = ERRORS_BY_SQLSTATE.get(sqlstate, EventStoreError)
    return cls(
        diag.message_primary or str(exc),
        detail=diag.message_detail,
        hint=diag.message_hint or _STANDARD_HINTS.get(sqlstate),
        sqlstate=sqlstate,
    )


# SQLSTATEs after which a call may be sent again: the connection broke or the server was going
# down or starting up (08: connection exception; 57P01-57P03: shutdown, crash, not ready yet).
_TRANSIENT_SQLSTATES = ("57P01", "57P02", "57P03")


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` (ours, or the driver's error it came from) means the connection was lost or
    the server was unavailable, so that an idempotent call can be sent again."""
    cause = exc.__cause__ if isinstance(exc, EventStoreError) else exc
    if isinstance(cause, PoolTimeout):
        return True
    if not isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    sqlstate = cause.sqlstate
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _TRANSIENT_SQLSTATES


def is_outage(exc: BaseException) -> bool:
    """``is_transient``, or through the proxy a shard that is down (ES010): what a long-running
    follower or subscriber waits out and tries again, where a single call fails fast."""
    return is_transient(exc) or (isinstance(exc, EventStoreError) and exc.sqlstate == "ES010")


@contextmanager
def translate_errors(where: str) -> Iterator[None]:
    """Raise our exceptions (``from`` the original) for psycopg errors and pool timeouts."""
    try:
        yield
    except PoolTimeout as exc:  # a subclass of psycopg.OperationalError: catch it first
        raise EventStoreError(f"no database connection to {where} became available: {exc}") from exc
    except psycopg.Error as exc:
        raise from_psycopg(exc, where) from exc
    except RecursionError as exc:
        # Raised while encoding an argument nested too deeply for Python's json module.
        raise InvalidArgumentError(
            "invalid argument: a JSON value nested too deeply to encode",
            hint="The store takes JSON nested at most 32 levels deep; flatten the value.",
            sqlstate="ES006",
        ) from exc
    except (TypeError, ValueError) as exc:
        # Raised while adapting arguments, e.g. a value json cannot encode (NaN, a set, an object).
        raise InvalidArgumentError(
            f"invalid argument: {exc}", hint="Pass JSON-serialisable, finite values.", sqlstate="ES006"
        ) from exc


def error_text(
    exc: BaseException,
    *,
    labels: tuple[str, str] = ("detail", "hint"),
    sep: str = "; ",
    fallback_hint: str | None = None,
) -> str:
    """How an error reads, for the CLI and the MCP server alike: ``[ES001] message; detail: ...;
    hint: ...`` (another exception: its text).

    The CLI prints it after ``event-store: ``; the MCP server joins the parts with " " under the
    labels "Detail" and "Hint", and gives ``fallback_hint`` to an error with neither SQLSTATE nor
    hint (the connection failed).
    """
    if not isinstance(exc, EventStoreError):
        return str(exc)
    parts = [f"[{exc.sqlstate}] {exc.message}" if exc.sqlstate else exc.message]
    hint = exc.hint or (None if exc.sqlstate else fallback_hint)
    parts += [f"{labels[0]}: {exc.detail}"] if exc.detail else []
    parts += [f"{labels[1]}: {hint}"] if hint else []
    return sep.join(parts)
