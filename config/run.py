"""`make run`: set up the demo, then serve it with the background worker; stop everything together.

    python -m config.run [HOST:PORT] [--no-setup]

Migrates and seeds the demo (when the database has no users), then runs `runserver` and
`db_worker` side by side with DJANGO_DEBUG=1. Ctrl-C (SIGINT) or SIGTERM to this process stops
both and waits for them, so the last holder of the embedded PostgreSQL lets go and that server
stops too. Each child runs in a process group of its own and is stopped as a group, since
runserver's reloader has a child of its own; a child that does not stop in STOP_SECONDS is
killed, and then the embedded server is stopped here if nobody else holds it.
`--no-setup` skips migrate and seed_demo (a faster restart on a database already set up).
Before anything it makes field mode's private key in `.data/` when none is configured (core/sealed.py).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import embedded_db
from core import sealed

REPO = Path(__file__).resolve().parent.parent
DEFAULT_HOST_PORT = "127.0.0.1:8000"
STOP_SECONDS = 10
KILL_SECONDS = 5
POLL_SECONDS = 0.2


class Children:
    """The processes this script started, each the leader of its own process group."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []
        self.stopping = False

    def start(self, *args: str) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_DEBUG": "1"}
        command = [sys.executable, "manage.py", *args]  # our own arguments, never user input
        process = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)  # noqa: S603
        self.processes.append(process)
        return process

    def stop(self, signum=None, frame=None) -> None:
        """Ask every running child (and its own children) to stop; safe to call from a signal handler."""
        self.stopping = True
        for process in self.processes:
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)

    def wait(self) -> None:
        """Wait for every child's whole group (runserver's reloader child too); kill what lingers."""
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            while _group_alive(process.pid) and time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
            _signal_group(process, signal.SIGKILL)
            # A kill takes effect a moment later: the embedded server is released only once it has.
            killed_by = time.monotonic() + KILL_SECONDS
            while _group_alive(process.pid) and time.monotonic() < killed_by:
                time.sleep(POLL_SECONDS)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group is still running (zombies waiting to be reaped do not count)."""
    import psutil

    for process in psutil.process_iter(["status"]):
        try:
            if os.getpgid(process.pid) == pgid and process.info["status"] != psutil.STATUS_ZOMBIE:
                return True
        except (ProcessLookupError, psutil.Error):
            continue
    return False


def release_embedded_server() -> None:
    """Stop the embedded server when no live process holds it (a child had to be killed)."""
    if os.environ.get("DATABASE_URL"):
        return
    data_dir = embedded_db.default_data_dir()
    if (data_dir / "PG_VERSION").exists() and not embedded_db.forget_dead_holders(data_dir):
        embedded_db.stop(data_dir)


def ensure_field_mode_key() -> None:
    """Field mode's private key (README, "Field mode"): made once into .data/ unless a PEM is given."""
    if os.environ.get("FIELD_MODE_PRIVATE_KEY", "").strip():
        return
    path = Path(os.environ.get("FIELD_MODE_PRIVATE_KEY_FILE", "").strip() or REPO / ".data" / "field-mode-key.pem")
    if sealed.ensure_key_file(path):
        print(f"Made field mode's private key {path} (keep it: records sealed for it need it)", flush=True)


def serve(children: Children, host_port: str, setup: bool) -> int:
    ensure_field_mode_key()
    if setup:
        for step in (("migrate", "--noinput"), ("seed_demo", "--if-empty")):
            code = children.start(*step).wait()
            if children.stopping or code:
                return code
    print(f"Serving Peacekeeper on http://{host_port}/ with its background worker (Ctrl-C stops both)", flush=True)
    worker = children.start("db_worker", "--no-reload", "--no-startup-delay")
    server = children.start("runserver", host_port)
    worker_reported = False
    while not children.stopping and server.poll() is None:
        if worker.poll() is not None and not worker_reported:
            print(f"The background worker stopped (exit {worker.returncode}): imports will not run.", file=sys.stderr)
            worker_reported = True
        time.sleep(POLL_SECONDS)
    return 0 if children.stopping else server.returncode


def main(argv: list[str]) -> int:
    host_port = next((arg for arg in argv if not arg.startswith("--")), DEFAULT_HOST_PORT)
    children = Children()
    signal.signal(signal.SIGTERM, children.stop)
    signal.signal(signal.SIGINT, children.stop)
    try:
        return serve(children, host_port, setup="--no-setup" not in argv)
    finally:
        children.stop()
        children.wait()
        release_embedded_server()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
