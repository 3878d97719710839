"""Issue 10, safe retries in the client: ``emit_event`` / ``emit_events`` give each event an id and
send the call again when the connection drops mid-call or the server restarts, so that a retry
never duplicates and a failure is never reported as success.

Three faults: the client's backend terminated while the emit waits for a lock; the reply of an
emit that did commit cut on its way back (a TCP proxy drops the connection at ReadyForQuery);
a private cluster stopped and started again under the client."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import psycopg
import pytest

from conftest import PrivateCluster, wait_until_waiting
from supervisor_event_store import AsyncEventStore, EventStore
from supervisor_event_store.errors import EventStoreError
from supervisor_event_store.models import EmitResult

ODIN = "retry-PS-1"
DATA = {"commit_sha": "c0ffee", "message": "retried"}
BATCH = [
    {"event_type": "commit_created", "event_data": {"commit_sha": "b1", "message": "one"}},
    {"event_type": "commit_created", "event_data": {"commit_sha": "b2", "message": "two"}},
]

Emit = Callable[[str], list[EmitResult]]


def emit_one(client: str) -> Emit:
    """Emit DATA once through a fresh sync or async client; its result (as a list)."""

    def run(dsn: str) -> list[EmitResult]:
        if client == "sync":
            with EventStore(dsn, max_size=1) as store:
                return [store.emit_event(ODIN, "commit_created", DATA)]

        async def main() -> list[EmitResult]:
            async with AsyncEventStore(dsn, max_size=1) as store:
                return [await store.emit_event(ODIN, "commit_created", DATA)]

        return asyncio.run(main())

    return run


def emit_batch(client: str) -> Emit:
    def run(dsn: str) -> list[EmitResult]:
        if client == "sync":
            with EventStore(dsn, max_size=1) as store:
                return store.emit_events(ODIN, BATCH)

        async def main() -> list[EmitResult]:
            async with AsyncEventStore(dsn, max_size=1) as store:
                return await store.emit_events(ODIN, BATCH)

        return asyncio.run(main())

    return run


class Background:
    """Runs ``fn`` in a thread; ``result()`` returns its value or raises its exception."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._value = fn()
        except BaseException as exc:
            self._error = exc

    def result(self, timeout: float = 60) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the call did not return"
        if self._error is not None:
            raise self._error
        return self._value


def stored(dsn: str) -> list[tuple[Any, ...]]:
    """(event_id, sequence_num, event_data) of ODIN's commit_created events, and the head check."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT event_id, sequence_num, event_data FROM event_store.events "
            "WHERE instance_id = %s AND event_type = 'commit_created' ORDER BY sequence_num",
            (ODIN,),
        ).fetchall()
        head = conn.execute(
            "SELECT i.last_sequence_num, (SELECT count(*) FROM event_store.events e "
            "WHERE e.instance_id = i.instance_id) FROM event_store.instances i WHERE i.instance_id = %s",
            (ODIN,),
        ).fetchone()
    assert head is not None
    assert head[0] == head[1], "the head equals the number of events"
    return rows


def register(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance(%s, 'PS', 'odin')", (ODIN,))


# --- the backend terminated while the emit waits ---------------------------------------------------


@pytest.mark.parametrize("client", ["sync", "async"])
@pytest.mark.parametrize("make_emit", [emit_one, emit_batch], ids=["emit_event", "emit_events"])
def test_terminated_backend_is_retried_and_stored_once(
    dsn: str, client: str, make_emit: Callable[[str], Emit]
) -> None:
    register(dsn)
    emit = make_emit(client)
    with psycopg.connect(dsn, autocommit=True) as watcher, psycopg.connect(dsn) as blocker:
        blocker.execute("SELECT 1 FROM event_store.instances WHERE instance_id = %s FOR UPDATE", (ODIN,))
        call = Background(lambda: emit(dsn))
        pid = None
        for _ in range(500):
            row = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE '%%event_store.emit_event%%' "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            ).fetchone()
            if row:
                pid = row[0]
                break
            time.sleep(0.01)
        assert pid is not None, "the emit never reached the server"
        wait_until_waiting(watcher, pid, column="wait_event_type", value="Lock")
        watcher.execute("SELECT pg_terminate_backend(%s)", (pid,))
        blocker.rollback()  # the lock goes; the retry goes through
        results = call.result()
    rows = stored(dsn)
    assert [(r.event_id, r.sequence_num) for r in results] == [(row[0], row[1]) for row in rows]
    assert [row[1] for row in rows] == list(range(2, 2 + len(results)))


# --- the reply of a committed emit lost on the way back --------------------------------------------


class CuttingProxy:
    """A TCP proxy to the server that, once armed, forwards the next statement that mentions
    ``marker`` and then drops the connection when the server's ReadyForQuery comes back (the
    statement has run and committed; the client never hears so)."""

    def __init__(self, server_port: int, marker: bytes) -> None:
        self.server_port = server_port
        self.marker = marker
        self.armed = threading.Event()
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def dsn(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}?sslmode=disable&gssencmode=disable"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.server_port))
            pending = threading.Event()  # this connection carries the statement to cut after
            threading.Thread(target=self._upstream, args=(client, server, pending), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client, pending), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket, pending: threading.Event) -> None:
        with client, server:
            while data := _recv(client):
                if self.armed.is_set() and self.marker in data:
                    self.armed.clear()
                    pending.set()
                server.sendall(data)

    def _downstream(self, server: socket.socket, client: socket.socket, pending: threading.Event) -> None:
        buffer = b""
        while data := _recv(server):
            buffer += data
            out = b""
            while len(buffer) >= 5:  # every server message is framed: type byte, int32 length
                end = 1 + int.from_bytes(buffer[1:5], "big")
                if len(buffer) < end:
                    break
                message, buffer = buffer[:end], buffer[end:]
                if message[:1] == b"Z" and pending.is_set():
                    self.cuts += 1
                    with suppress(OSError):  # the other pump may have closed them already
                        client.sendall(out)
                        for sock in (client, server):
                            sock.shutdown(socket.SHUT_RDWR)
                    return
                out += message
            with suppress(OSError):
                client.sendall(out)

    def close(self) -> None:
        self._listener.close()


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


@pytest.fixture
def proxy(dsn: str) -> Iterator[CuttingProxy]:
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    cutting = CuttingProxy(int(str(info["port"])), marker=b"event_store.emit_event")
    yield cutting
    cutting.close()


@pytest.mark.parametrize("client", ["sync", "async"])
@pytest.mark.parametrize("make_emit", [emit_one, emit_batch], ids=["emit_event", "emit_events"])
def test_lost_reply_of_a_committed_emit_is_not_duplicated(
    dsn: str, proxy: CuttingProxy, client: str, make_emit: Callable[[str], Emit]
) -> None:
    register(dsn)
    proxy.marker = b"event_store.emit_event"  # emit_event and emit_events both contain it
    proxy.armed.set()
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    results = make_emit(client)(proxy.dsn(str(info["dbname"])))
    assert proxy.cuts == 1, "the reply was cut once"
    rows = stored(dsn)
    assert [(r.event_id, r.sequence_num) for r in results] == [(row[0], row[1]) for row in rows]
    assert [row[1] for row in rows] == list(range(2, 2 + len(results)))


# --- the server restarted under the client ---------------------------------------------------------


@pytest.mark.parametrize("client", ["sync", "async"])
def test_emit_survives_a_server_restart(private_cluster: PrivateCluster, client: str) -> None:
    private_cluster.start()
    register(private_cluster.dsn)

    def restart() -> None:
        private_cluster.stop()
        time.sleep(1.0)
        private_cluster.server.start()

    def run() -> list[EmitResult]:
        if client == "sync":
            with EventStore(private_cluster.dsn, max_size=1, timeout=10) as store:
                store.emit_event(ODIN, "commit_created", {"commit_sha": "before", "message": "m"})
                restart_thread = Background(restart)
                try:
                    time.sleep(0.3)  # the server is going down or down
                    return [store.emit_event(ODIN, "commit_created", DATA)]
                finally:
                    restart_thread.result()  # never leave a server starting after the test

        async def main() -> list[EmitResult]:
            async with AsyncEventStore(private_cluster.dsn, max_size=1, timeout=10) as store:
                await store.emit_event(ODIN, "commit_created", {"commit_sha": "before", "message": "m"})
                restart_thread = Background(restart)
                try:
                    await asyncio.sleep(0.3)
                    return [await store.emit_event(ODIN, "commit_created", DATA)]
                finally:
                    restart_thread.result()

        return asyncio.run(main())

    [result] = run()
    rows = stored(private_cluster.dsn)
    assert [(row[1], row[2]["commit_sha"]) for row in rows] == [(2, "before"), (3, "c0ffee")]
    assert (result.event_id, result.sequence_num) == (rows[1][0], 3)


@pytest.mark.parametrize("client", ["sync", "async"])
def test_a_server_that_stays_down_is_an_error_not_a_success(
    private_cluster: PrivateCluster, client: str
) -> None:
    private_cluster.start()
    register(private_cluster.dsn)

    def run() -> None:
        if client == "sync":
            with EventStore(private_cluster.dsn, max_size=1, timeout=1, retries=2) as store:
                private_cluster.stop()
                store.emit_event(ODIN, "commit_created", DATA)
            return

        async def main() -> None:
            async with AsyncEventStore(private_cluster.dsn, max_size=1, timeout=1, retries=2) as store:
                private_cluster.stop()
                await store.emit_event(ODIN, "commit_created", DATA)

        asyncio.run(main())

    started = time.monotonic()
    with pytest.raises(EventStoreError) as caught:
        run()
    assert time.monotonic() - started < 15, "retries are bounded"
    assert caught.value.sqlstate is None  # a connection failure, not an error of the store
    private_cluster.server.start()
    assert stored(private_cluster.dsn) == []
