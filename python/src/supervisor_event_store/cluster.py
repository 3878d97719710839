"""The embedded default: a project-local PostgreSQL cluster in ``.pgdata/``.

Standard library only, so it also runs before the package's dependencies are installed
(``python -m supervisor_event_store.cluster up``). The CLI's ``event-store db ...`` commands call
the same functions.

Resolution order of the database to use (``resolve_dsn``):
1. ``DATABASE_URL``;
2. the standard ``PG*`` variables (``PGHOST``, ``PGPORT``, ``PGDATABASE``, ``PGUSER``,
   ``PGSERVICE``): an empty conninfo, which libpq completes from the environment;
3. the project-local cluster: ``.pgdata/`` in the checkout, a Unix socket in ``.pgdata/run`` and
   127.0.0.1 on ``EVENT_STORE_PORT`` (default 54329).

As root, ``initdb`` and ``pg_ctl`` run as the ``postgres`` user (they refuse root).
"""

from __future__ import annotations

import argparse
import errno
import glob
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORT = 54329
DEFAULT_DB = "event_store"
PG_VARIABLES = ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")


class ClusterError(RuntimeError):
    """A clear, one-line failure of the local cluster (busy port, missing binaries...)."""


def project_root() -> Path:
    """The checkout: ``EVENT_STORE_HOME``, else the nearest parent holding ``sqitch.plan``."""
    home = os.environ.get("EVENT_STORE_HOME")
    if home:
        return Path(home).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for directory in (start, *start.parents):
            if (directory / "sqitch.plan").is_file():
                return directory
    return Path.cwd()


def pgdata_root() -> Path:
    return project_root() / ".pgdata"


def port() -> int:
    """The port of the running local cluster, else ``EVENT_STORE_PORT``, else 54329."""
    pid_file = pgdata_root() / "data" / "postmaster.pid"
    if pid_file.is_file():
        lines = pid_file.read_text().splitlines()
        if len(lines) > 3 and lines[3].strip().isdigit():
            return int(lines[3])
    return int(os.environ.get("EVENT_STORE_PORT", DEFAULT_PORT))


def uses_external_server() -> bool:
    return bool(os.environ.get("DATABASE_URL")) or any(os.environ.get(v) for v in PG_VARIABLES)


def local_dsn(dbname: str = DEFAULT_DB) -> str:
    return f"postgresql://postgres@127.0.0.1:{port()}/{dbname}"


def resolve_dsn(dbname: str | None = None) -> str:
    """The DSN to use: DATABASE_URL, else the PG* variables ('' = libpq env), else the local cluster.

    With ``dbname``, the same server but that database (for test databases).
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        if dbname is None:
            return url
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path="/" + dbname))
    if any(os.environ.get(v) for v in PG_VARIABLES):
        return f"dbname={dbname}" if dbname else ""
    return local_dsn(dbname or DEFAULT_DB)


def describe_dsn(dsn: str) -> str:
    """Where a DSN points, without its password, for error messages."""
    if not dsn or "://" not in dsn:
        env = ", ".join(f"{v}={os.environ[v]}" for v in PG_VARIABLES if os.environ.get(v))
        return f"{dsn or 'libpq defaults'} ({env or 'no PG* variables set'})"
    parts = urlsplit(dsn)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc))


# --- running commands ------------------------------------------------------------------------


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if not _is_root():
        return cmd
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterError(
            "running as root, but there is no 'postgres' user to run initdb/pg_ctl as; "
            "install the postgresql-15 package or run as an ordinary user"
        ) from exc
    return ["runuser", "-u", "postgres", "--", *cmd]


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary: PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]), reverse=True):
        candidates.append(Path(bindir) / name)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise ClusterError(f"PostgreSQL binary '{name}' not found; install postgresql-15 (make deps does)")


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


# --- the local cluster -----------------------------------------------------------------------


def _postgres_can_use(path: Path) -> bool:
    if not _is_root():
        return True
    return _run(["runuser", "-u", "postgres", "--", "test", "-w", str(path)]).returncode == 0


def _prepare_root() -> Path:
    """Create .pgdata/ so that the server's user can write it.

    When the checkout is not reachable by the postgres user (say, under /root), .pgdata becomes a
    symlink to a private directory under /var/tmp.
    """
    root = pgdata_root()
    if root.exists():
        return root.resolve()
    root.mkdir(mode=0o700)
    if _is_root():
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        if not _postgres_can_use(root):
            root.rmdir()
            digest = hashlib.sha1(str(project_root()).encode()).hexdigest()[:10]
            target = Path("/var/tmp") / f"supervisor-event-store-{digest}"
            target.mkdir(mode=0o700, exist_ok=True)
            os.chown(target, pw.pw_uid, pw.pw_gid)
            root.symlink_to(target)
    return root.resolve()


def is_running() -> bool:
    data = pgdata_root() / "data"
    if not (data / "PG_VERSION").is_file():
        return False
    return _run(_as_postgres([pg_bin("pg_ctl"), "status", "-D", str(data)])).returncode == 0


def _port_busy(number: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", number))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def init() -> None:
    root = _prepare_root()
    data = root / "data"
    if (data / "PG_VERSION").is_file():
        return
    result = _run(
        _as_postgres(
            [pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8"]
        )
    )
    if result.returncode != 0:
        raise ClusterError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")


def start() -> None:
    """Initialise if needed and start the local cluster; a busy port is an error, not a hang."""
    if is_running():
        return
    number = int(os.environ.get("EVENT_STORE_PORT", DEFAULT_PORT))
    if _port_busy(number):
        raise ClusterError(
            f"port {number} on 127.0.0.1 is already in use by another program; "
            f"choose another with EVENT_STORE_PORT=<port> (or stop that program)"
        )
    init()
    root = pgdata_root().resolve()
    run_dir = root / "run"
    run_dir.mkdir(exist_ok=True)
    if _is_root():
        pw = pwd.getpwnam("postgres")
        os.chown(run_dir, pw.pw_uid, pw.pw_gid)
    options = f"-p {number} -k {run_dir} -c listen_addresses=127.0.0.1"
    result = _run(
        _as_postgres(
            [pg_bin("pg_ctl"), "start", "-D", str(root / "data"), "-l", str(root / "server.log"),
             "-w", "-t", "60", "-o", options]
        )
    )
    if result.returncode != 0:
        log = root / "server.log"
        tail = log.read_text(errors="replace").splitlines()[-5:] if log.is_file() else []
        raise ClusterError("could not start the local cluster: " + " | ".join([result.stderr.strip(), *tail]))


def stop() -> None:
    if not is_running():
        return
    result = _run(_as_postgres([pg_bin("pg_ctl"), "stop", "-D", str(pgdata_root() / "data"), "-m", "fast", "-w"]))
    if result.returncode != 0:
        raise ClusterError(f"pg_ctl stop failed: {result.stderr.strip()}")


def psql(dsn: str, sql: str) -> str:
    result = _run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql])
    if result.returncode != 0:
        raise ClusterError(f"psql on {describe_dsn(dsn)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _wait_accepting(dsn: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        result = _run(["psql", "-X", "-A", "-t", "-d", dsn, "-c", "SELECT 1"])
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise ClusterError(f"cannot connect to {describe_dsn(dsn)}: {result.stderr.strip()}")
        time.sleep(0.2)


def create_database(dbname: str, *, recreate: bool = False) -> str:
    """Create ``dbname`` on the resolved server (maintenance DB ``postgres``); return its DSN."""
    admin = resolve_dsn("postgres")
    _wait_accepting(admin)
    exists = psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'") == "1"
    if exists and recreate:
        psql(admin, f'DROP DATABASE "{dbname}" WITH (FORCE)')
        exists = False
    if not exists:
        psql(admin, f'CREATE DATABASE "{dbname}"')
    return resolve_dsn(dbname)


def sqitch_target(dsn: str) -> str:
    """A Sqitch target for a DSN: ``db:`` + URI, or ``db:pg:`` (libpq env) for the PG* case."""
    if "://" in dsn:
        return "db:" + dsn
    dbname = dsn.split("=", 1)[1] if dsn.startswith("dbname=") else ""
    return f"db:pg:{dbname}"


def sqitch(command: list[str], dsn: str) -> None:
    result = subprocess.run(
        ["sqitch", "--chdir", str(project_root()), *command, sqitch_target(dsn)], check=False
    )
    if result.returncode != 0:
        raise ClusterError(f"sqitch {' '.join(command)} failed on {describe_dsn(dsn)}")


def up() -> str:
    """Start the local cluster (unless an external server is configured), create and deploy."""
    if not uses_external_server():
        start()
    dsn = create_database(DEFAULT_DB) if not os.environ.get("DATABASE_URL") else resolve_dsn()
    _wait_accepting(dsn)
    sqitch(["deploy", "--verify"], dsn)
    return dsn


def status() -> str:
    if uses_external_server():
        return f"external server: {describe_dsn(resolve_dsn())}"
    if is_running():
        return f"running: {local_dsn()} (data in {pgdata_root().resolve() / 'data'})"
    return f"stopped (data in {pgdata_root()})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supervisor_event_store.cluster", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the local cluster (unless DATABASE_URL/PG* say otherwise) and deploy")
    sub.add_parser("start", help="start the local cluster only")
    sub.add_parser("down", help="stop the local cluster")
    sub.add_parser("status", help="say which server is used and whether it runs")
    url = sub.add_parser("url", help="print the DSN to use")
    url.add_argument("--db", default=None, help="database name (default: event_store)")
    create = sub.add_parser("createdb", help="create (or with --recreate, drop and create) a database")
    create.add_argument("name")
    create.add_argument("--recreate", action="store_true")
    deploy = sub.add_parser("deploy", help="sqitch deploy to a database")
    deploy.add_argument("--target", default=None, help="DSN (default: the resolved one)")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            print(up())
        elif args.command == "start":
            start()
        elif args.command == "down":
            stop()
        elif args.command == "status":
            print(status())
        elif args.command == "url":
            print(resolve_dsn(args.db))
        elif args.command == "createdb":
            print(create_database(args.name, recreate=args.recreate))
        elif args.command == "deploy":
            sqitch(["deploy", "--verify"], args.target or resolve_dsn())
    except ClusterError as exc:
        print(f"event-store: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
