"""The web import as background jobs: upload, check (a dry run), confirm, import; progress polled
as JSON; each job only its uploader's; upload limits; files deleted once done or abandoned."""

import datetime
import io
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadhandler import SkipFile
from django.core.management import call_command
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from config.uploads import SizeLimitUploadHandler
from incidents import services, tasks
from incidents.importer import COLUMNS
from incidents.models import ImportStatus, Incident, IncidentImport

HEADER = ",".join(COLUMNS)
GOOD = [
    "SPD-1,2018-12-31T23:30,homicide,Downtown,100 Main St,37.957702,-121.290780,1,0,firearm,Shot outside a store",
    "SPD-2,2018-05-01,nonfatal_shooting,Brand New Area,,,,0,2,firearm,",
    "SPD-3,2018-06-01T10:00:00+00:00,shots_fired,downtown,,,,0,0,firearm,No one hit",
]
UPLOAD = reverse("incidents:incident_import")


@pytest.fixture
def immediate_tasks(settings):
    """Jobs run as soon as they are queued, inside the request (no worker needed)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(client, *rows: str, name: str = "september.csv"):
    upload = io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode())
    upload.name = name
    return client.post(UPLOAD, {"file": upload})


def _job_url(name: str, job: IncidentImport) -> str:
    return reverse(f"incidents:{name}", args=[job.pk])


class TestTheImportPages:
    def test_a_peacekeeper_cannot_import(self, client, peacekeeper):
        client.force_login(peacekeeper)
        assert client.get(UPLOAD).status_code == 404

    def test_an_analyst_uploads_sees_the_preview_then_confirms(self, client, analyst, immediate_tasks):
        client.force_login(analyst)
        response = _upload(client, *GOOD)
        job = IncidentImport.objects.get()
        assert response.status_code == 302 and response.url == _job_url("incident_import_job", job)
        page = client.get(response.url).content.decode()
        assert "Confirm import of 3 rows" in page and "Brand New Area" in page
        assert not Incident.objects.exists()
        # Both neighborhoods are new: created only once ticked (tests/incidents/test_import_preview.py).
        response = client.post(
            _job_url("incident_import_confirm", job), {"as_0": "new", "create_0": "on", "as_1": "new", "create_1": "on"}
        )
        assert response.status_code == 302
        assert Incident.objects.count() == 3
        job.refresh_from_db()
        assert job.status == ImportStatus.IMPORTED and job.applied_at is not None
        assert job.summary["created"] == 3 and job.rows_read == 3
        assert bytes(job.content) == b""  # the file is deleted once imported
        assert "Imported 3 rows" in client.get(response.url).content.decode()
        # A job is confirmed once only.
        assert client.post(_job_url("incident_import_confirm", job)).status_code == 404
        assert Incident.objects.count() == 3

    def test_the_preview_lists_bad_lines_offers_no_confirmation_and_deletes_the_file(
        self, client, manager, immediate_tasks
    ):
        client.force_login(manager)
        _upload(client, GOOD[0], "SPD-4,2018-01-01,homicide,X,,,,0,0,firearm,")
        job = IncidentImport.objects.get()
        page = client.get(_job_url("incident_import_job", job)).content.decode()
        assert "Line 3: a homicide has at least one person killed" in page
        assert "Confirm import" not in page
        assert job.status == ImportStatus.REJECTED and bytes(job.content) == b""
        assert client.post(_job_url("incident_import_confirm", job)).status_code == 404

    def test_someone_elses_job_answers_404(self, client, analyst, manager, immediate_tasks):
        client.force_login(analyst)
        _upload(client, *GOOD)
        job = IncidentImport.objects.get()
        client.force_login(manager)
        for name in ("incident_import_job", "incident_import_status"):
            assert client.get(_job_url(name, job)).status_code == 404
        assert client.post(_job_url("incident_import_confirm", job)).status_code == 404
        assert not Incident.objects.exists()

    def test_a_file_that_is_not_utf8_is_refused(self, client, analyst):
        client.force_login(analyst)
        upload = io.BytesIO((HEADER + "\nSPD-1,2018-01-01,homicide,Caf\xe9,,,,1,0,firearm,\n").encode("latin-1"))
        upload.name = "a.csv"
        assert "not UTF-8" in client.post(UPLOAD, {"file": upload}).content.decode()
        assert not IncidentImport.objects.exists()

    def test_a_file_over_the_limit_is_refused_with_a_message(self, client, analyst, monkeypatch):
        monkeypatch.setattr("incidents.forms.MAX_UPLOAD_MB", 0)
        client.force_login(analyst)
        assert "the limit here is 0 MB" in _upload(client, *GOOD).content.decode()


class TestTheBackgroundJob:
    def test_the_upload_only_queues_a_job_that_the_worker_runs(self, client, analyst, monkeypatch):
        # The database backend of settings: the request answers at once and the worker does the work.
        client.force_login(analyst)
        started = time.monotonic()
        response = _upload(client, *GOOD)
        assert time.monotonic() - started < 1 and response.status_code == 302
        job = IncidentImport.objects.get()
        assert job.status == ImportStatus.WAITING and job.task_id
        status = client.get(_job_url("incident_import_status", job)).json()
        assert status["status"] == "waiting" and status["active"] and status["rows_total"] == 3
        page = client.get(_job_url("incident_import_job", job)).content.decode()
        assert "js/import-progress.js" in page and "<progress" in page
        # The worker closes idle connections between jobs; here the test's own one is in use.
        monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        job.refresh_from_db()
        assert job.status == ImportStatus.READY and job.summary["created"] == 3
        assert not client.get(_job_url("incident_import_status", job)).json()["active"]

    def test_the_status_reports_rows_read_errors_so_far_and_an_eta(self, client, analyst):
        now = timezone.now()
        job = IncidentImport.objects.create(
            filename="big.csv",
            content=b"x",
            uploaded_by=analyst,
            status=ImportStatus.CHECKING,
            rows_total=200_000,
            rows_read=50_000,
            error_count=7,
            started_at=now - datetime.timedelta(seconds=10),
            progress_at=now,
        )
        client.force_login(analyst)
        status = client.get(_job_url("incident_import_status", job)).json()
        assert (status["rows_read"], status["rows_total"], status["errors"]) == (50_000, 200_000, 7)
        assert 28 <= status["eta_seconds"] <= 30  # 150,000 rows left at 5,000 a second
        assert status["label"] == "Checking the file" and status["note"] == ""

    def test_a_job_that_stopped_making_progress_says_so(self, client, analyst):
        long_ago = timezone.now() - datetime.timedelta(minutes=5)
        job = IncidentImport.objects.create(
            filename="a.csv", content=b"x", uploaded_by=analyst, status=ImportStatus.IMPORTING, progress_at=long_ago
        )
        client.force_login(analyst)
        assert "may have stopped" in client.get(_job_url("incident_import_status", job)).json()["note"]

    def test_a_failed_job_says_clearly_that_it_failed(self, client, analyst, immediate_tasks, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr("incidents.tasks.import_incidents", broken)
        client.force_login(analyst)
        _upload(client, *GOOD)
        job = IncidentImport.objects.get()
        assert job.status == ImportStatus.FAILED and "RuntimeError" in job.failure
        page = client.get(_job_url("incident_import_job", job)).content.decode()
        assert "The import failed." in page and "Nothing was written" in page

    def test_the_job_function_checks_then_imports(self, analyst):
        job = IncidentImport.objects.create(
            filename="a.csv", content=zlib.compress(("\n".join([HEADER, *GOOD]) + "\n").encode()), uploaded_by=analyst
        )
        assert tasks.run_import_job(job.pk, apply=False)["status"] == ImportStatus.READY
        assert not Incident.objects.exists()
        job.refresh_from_db()
        new = dict.fromkeys(job.summary["new_neighborhoods"])  # create each
        assert services.import_confirm(job=job, neighborhoods=new)  # queued on the database backend
        assert not services.import_confirm(job=job, neighborhoods=new)  # only once
        job.refresh_from_db()
        assert job.status == ImportStatus.IMPORT_WAITING
        result = tasks.run_import_job(job.pk, apply=True)
        assert result["status"] == ImportStatus.IMPORTED and result["created"] == 3
        assert Incident.objects.filter(logged_by=analyst).count() == 3
        # Run again (a retried task): nothing more happens.
        assert tasks.run_import_job(job.pk, apply=True) == {"status": ImportStatus.IMPORTED}
        assert Incident.objects.count() == 3

    def test_progress_is_seen_by_other_connections_while_the_import_transaction_is_open(
        self, transactional_db, analyst, monkeypatch
    ):
        monkeypatch.setattr("incidents.importer.BATCH_SIZE", 5)
        monkeypatch.setattr("incidents.tasks.PROGRESS_EVERY", 0)
        rows = [f"P-{n},2018-03-01,shots_fired,,,,,0,0,firearm," for n in range(40)]
        job = IncidentImport.objects.create(
            filename="a.csv",
            content=zlib.compress(("\n".join([HEADER, *rows]) + "\n").encode()),
            uploaded_by=analyst,
            status=ImportStatus.IMPORT_WAITING,
            rows_total=40,
        )
        seen = []
        original = tasks.JobProgress.__call__

        def spy(self, read, bad):
            original(self, read, bad)
            other = connections.create_connection("default")
            with other.cursor() as cursor:
                cursor.execute("SELECT status, rows_read FROM incidents_incidentimport WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone())
            other.close()

        monkeypatch.setattr(tasks.JobProgress, "__call__", spy)
        tasks.run_import_job(job.pk, apply=True)
        assert ("importing", 5) in seen and ("importing", 35) in seen
        assert Incident.objects.count() == 40


class TestFilesAndLimits:
    def test_abandoned_files_are_deleted_after_a_day(self, analyst):
        old = IncidentImport.objects.create(filename="old.csv", content=b"data", uploaded_by=analyst, status="ready")
        IncidentImport.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - datetime.timedelta(days=2))
        fresh = IncidentImport.objects.create(filename="new.csv", content=b"data", uploaded_by=analyst, status="ready")
        assert tasks.purge_stale_import_files() == 1
        old.refresh_from_db()
        fresh.refresh_from_db()
        assert bytes(old.content) == b"" and old.status == ImportStatus.FAILED and "deleted" in old.failure
        assert bytes(fresh.content) == b"data"

    def test_an_upload_over_the_limit_is_refused_as_it_streams_in(self, client, analyst, settings):
        settings.FILE_UPLOAD_MAX_SIZE = 1000
        client.force_login(analyst)
        rows = [f"L-{n},2018-03-01,shots_fired,,,,,0,0,firearm,padding padding padding" for n in range(100)]
        page = _upload(client, *rows).content.decode()
        assert "larger than 0 MB" in page or "The file is larger than" in page
        assert not IncidentImport.objects.exists()

    def test_the_handler_refuses_a_body_announced_over_the_limit_before_reading_the_file(self, settings):
        settings.FILE_UPLOAD_MAX_SIZE = 1000
        request = RequestFactory().post("/")
        handler = SizeLimitUploadHandler(request)
        handler.handle_raw_input(None, {}, 10_000_000, b"x")
        with pytest.raises(SkipFile):
            handler.new_file("file", "a.csv", "text/csv", None)
        assert "larger than" in request.upload_refused
        handler = SizeLimitUploadHandler(request)
        handler.handle_raw_input(None, {}, 900, b"x")
        handler.new_file("file", "a.csv", "text/csv", None)
        assert handler.receive_data_chunk(b"x" * 900, 0) == b"x" * 900
        with pytest.raises(SkipFile):
            handler.receive_data_chunk(b"x" * 200, 900)


@pytest.mark.parametrize("target", ["run", "serve"])
def test_make_run_and_serve_start_the_worker_beside_the_web_server(target):
    recipe = subprocess.run(["make", "-n", target], capture_output=True, text=True, check=True).stdout
    if "-m config.run" in recipe:  # make run: the run script starts the worker (tests/config/test_run.py)
        recipe = (Path(__file__).resolve().parents[2] / "config" / "run.py").read_text()
    assert "db_worker" in recipe
