"""The web import's template, its preview of what each update changes, and new neighborhoods
(issue #14): a re-import must not silently overwrite a description typed in the app, and a typo in a
police file must not become a neighborhood of its own without someone saying so."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from incidents import services
from incidents.importer import COLUMNS, EXAMPLE_ROW, import_incidents
from incidents.models import ImportStatus, Incident, IncidentImport
from outreach.models import Neighborhood
from tests.factories import IncidentFactory, NeighborhoodFactory

HEADER = ",".join(COLUMNS)
UPLOAD = reverse("incidents:incident_import")
TEMPLATE = reverse("incidents:incident_import_template")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _csv(*rows: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _row(case_number="SPD-1", neighborhood="Downtown", description="", **overrides) -> list[str]:
    values = {
        "case_number": case_number,
        "occurred_at": "2024-03-02T23:40",
        "kind": "homicide",
        "neighborhood": neighborhood,
        "address": "",
        "latitude": "",
        "longitude": "",
        "killed": "1",
        "injured": "0",
        "weapon": "firearm",
        "description": description,
    } | overrides
    return [values[c] for c in COLUMNS]


def _upload(client, text: str, name: str = "police.csv") -> IncidentImport:
    upload = io.BytesIO(text.encode())
    upload.name = name
    assert client.post(UPLOAD, {"file": upload}).status_code == 302
    return IncidentImport.objects.latest("pk")


def _page(client, job) -> str:
    return client.get(reverse("incidents:incident_import_job", args=[job.pk])).content.decode()


def _confirm(client, job, data=None):
    return client.post(reverse("incidents:incident_import_confirm", args=[job.pk]), data or {})


def _imported(text: str) -> None:
    """Incidents already recorded: imported as the command does (unknown neighborhoods created)."""
    assert import_incidents(io.StringIO(text), dry_run=False).applied


class TestTheTemplate:
    def test_the_import_page_links_to_it(self, client, analyst):
        client.force_login(analyst)
        assert TEMPLATE in client.get(UPLOAD).content.decode()

    def test_it_is_the_spec_header_and_one_example_row_that_imports_cleanly(self, client, analyst):
        client.force_login(analyst)
        response = client.get(TEMPLATE)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        body = response.content.decode()
        lines = body.splitlines()
        assert lines[0] == (
            "case_number,occurred_at,kind,neighborhood,address,latitude,longitude,killed,injured,weapon,description"
        )
        assert len(lines) == 2 and next(csv.reader([lines[1]])) == EXAMPLE_ROW
        report = import_incidents(io.StringIO(body), dry_run=True)
        assert report.ok and report.created == 1

    @pytest.mark.parametrize("persona", ["peacekeeper", "no_role_user"])
    def test_it_is_for_importers_only(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(TEMPLATE).status_code == 404


class TestThePreviewOfChanges:
    def test_it_lists_each_changed_field_old_and_new_and_the_unchanged_rows(self, client, analyst):
        downtown = NeighborhoodFactory(name="Downtown")
        NeighborhoodFactory(name="Eastmont")
        _imported(_csv(_row("SPD-1"), _row("SPD-2")))
        Incident.objects.filter(case_number="SPD-1").update(description="Typed in the app: victim's family met")
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmont", description="From police"), _row("SPD-2")))
        page = _page(client, job)
        assert job.summary["updated"] == 1 and job.summary["unchanged"] == 1
        change = job.summary["changes"][0]
        assert change["case_number"] == "SPD-1" and change["line"] == 2
        fields = {f["field"]: (f["old"], f["new"]) for f in change["fields"]}
        assert fields == {
            "description": ("Typed in the app: victim's family met", "From police"),
            "neighborhood": ("Downtown", "Eastmont"),
        }
        assert "What changes in incidents already recorded" in page
        assert "Typed in the app: victim&#x27;s family met" in page and "From police" in page
        assert "Unchanged" in page and "SPD-2" in page
        assert downtown.pk  # the old neighborhood stays

    def test_a_new_neighborhood_in_a_change_says_it_is_new_and_an_emptied_field_says_empty(self, client, analyst):
        _imported(_csv(_row("SPD-1", description="Something")))
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Brand New")))
        fields = {f["field"]: (f["old"], f["new"]) for f in job.summary["changes"][0]["fields"]}
        assert fields == {"description": ("Something", ""), "neighborhood": ("Downtown", "Brand New (new)")}
        assert "(empty)" in _page(client, job)

    def test_choices_and_times_are_shown_as_people_read_them(self, client, analyst):
        _imported(_csv(_row("SPD-1")))
        client.force_login(analyst)
        other = _row("SPD-1", kind="shots_fired", killed="0", weapon="unknown", occurred_at="2024-03-03T01:05")
        fields = {
            f["field"]: (f["old"], f["new"]) for f in _upload(client, _csv(other)).summary["changes"][0]["fields"]
        }
        assert fields["kind"] == ("Homicide", "Shots fired")
        assert fields["weapon"] == ("Firearm", "Unknown")
        assert fields["date and time"] == ("2024-03-02 23:40", "2024-03-03 01:05")
        assert fields["killed"] == ("1", "0")

    @pytest.mark.parametrize(
        "hostile", ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "x" * 10_000, "🙂 emoji", "{{ 7|add:1 }}"]
    )
    def test_hostile_values_in_the_diff_are_escaped_and_bounded(self, client, analyst, hostile):
        _imported(_csv(_row("SPD-1", description="<b>old</b>")))
        client.force_login(analyst)
        page = _page(client, _upload(client, _csv(_row("SPD-1", description=hostile))))
        assert "<script>alert(1)</script>" not in page and "<b>old</b>" not in page
        assert "&lt;b&gt;old&lt;/b&gt;" in page
        if hostile.startswith("x"):
            assert "x" * 299 + "…" in page and "x" * 301 not in page
        else:
            assert hostile[:5].replace("<", "&lt;").replace("'", "&#x27;") in page

    def test_a_nul_in_the_file_is_a_bad_line_not_a_diff(self, client, analyst):
        _imported(_csv(_row("SPD-1")))
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", description="a\x00b")))
        assert job.status == ImportStatus.REJECTED and "NUL" in _page(client, job)

    def test_the_list_is_bounded_for_a_large_file(self, client, analyst, monkeypatch):
        monkeypatch.setattr("incidents.importer.CHANGES_KEPT", 2)
        _imported(_csv(*[_row(f"SPD-{n}") for n in range(5)]))
        client.force_login(analyst)
        job = _upload(client, _csv(*[_row(f"SPD-{n}", description="new") for n in range(5)]))
        assert len(job.summary["changes"]) == 2 and job.summary["updated"] == 5
        assert "3 more updated incidents not listed here." in _page(client, job)

    def test_the_command_keeps_its_summary(self, tmp_path, capsys, db):
        path = tmp_path / "f.csv"
        path.write_text(_csv(_row("SPD-1", neighborhood="Nowhere Yet")))
        call_command("import_incidents", str(path))
        assert "New neighborhoods: Nowhere Yet." in capsys.readouterr().out
        assert Neighborhood.objects.filter(name="Nowhere Yet").exists()  # created, as before


class TestNewNeighborhoods:
    def test_confirming_without_a_tick_is_refused_and_writes_nothing(self, client, analyst):
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmnt")))
        page = _page(client, job)
        assert "New neighborhoods: 1" in page and "Yes, create “Eastmnt”" in page
        response = _confirm(client, job, {"as_0": "new"})  # what the browser posts: the select's default
        assert response.status_code == 200
        assert "Tick to create “Eastmnt”, or choose the neighborhood it is." in response.content.decode()
        job.refresh_from_db()
        assert job.status == ImportStatus.READY
        assert not Incident.objects.exists() and not Neighborhood.objects.filter(name="Eastmnt").exists()

    def test_a_ticked_name_is_created(self, client, analyst):
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmnt")))
        assert _confirm(client, job, {"as_0": "new", "create_0": "on"}).status_code == 302
        assert Incident.objects.get().neighborhood.name == "Eastmnt"
        assert "New neighborhoods created: Eastmnt." in _page(client, job)

    def test_a_name_merged_into_an_existing_one_uses_it_and_creates_nothing(self, client, analyst):
        eastmont = NeighborhoodFactory(name="Eastmont")
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmnt"), _row("SPD-2", neighborhood="EASTMNT")))
        page = _page(client, job)
        assert "Close to an existing neighborhood: Eastmont." in page and "Same as Eastmont" in page
        assert _confirm(client, job, {"as_0": str(eastmont.pk)}).status_code == 302
        assert {i.neighborhood for i in Incident.objects.all()} == {eastmont}
        assert not Neighborhood.objects.filter(name__iexact="Eastmnt").exists()
        assert "Eastmnt as Eastmont" in _page(client, job)

    def test_each_new_name_needs_its_own_choice_and_the_mapping_is_all_or_nothing(self, client, analyst):
        eastmont = NeighborhoodFactory(name="Eastmont")
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmnt"), _row("SPD-2", neighborhood="Fruitvale")))
        names = job.summary["new_neighborhoods"]
        fruitvale = names.index("Fruitvale")
        eastmnt = names.index("Eastmnt")
        response = _confirm(client, job, {f"as_{eastmnt}": str(eastmont.pk), f"as_{fruitvale}": "new"})
        assert response.status_code == 200 and not Incident.objects.exists()
        data = {f"as_{eastmnt}": str(eastmont.pk), f"as_{fruitvale}": "new", f"create_{fruitvale}": "on"}
        assert _confirm(client, job, data).status_code == 302
        assert Incident.objects.get(case_number="SPD-1").neighborhood == eastmont
        assert Incident.objects.get(case_number="SPD-2").neighborhood.name == "Fruitvale"

    def test_a_forged_choice_is_refused(self, client, analyst):
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmnt")))
        for forged in ("999999", "=1+1", "<script>", "x" * 10_000, "\x00"):
            response = _confirm(client, job, {"as_0": forged, "create_0": "on"})
            assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        assert not Incident.objects.exists()

    def test_the_service_refuses_an_unsettled_name_and_the_import_refuses_one_it_was_not_told_of(self, client, analyst):
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Eastmnt")))
        with pytest.raises(Exception, match="Confirm each new neighborhood"):
            services.import_confirm(job=job, neighborhoods={})
        # The importer itself: a new name missing from the choices is a bad line.
        report = import_incidents(
            io.StringIO(_csv(_row("SPD-1", neighborhood="Other"))), dry_run=False, neighborhoods={}
        )
        assert not report.applied and "neighborhood Other is new and was not confirmed" in report.errors[0].message
        assert not Neighborhood.objects.filter(name="Other").exists()

    def test_a_merge_target_deleted_since_is_refused(self, client, analyst):
        gone = NeighborhoodFactory(name="Gone Soon")
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", neighborhood="Gonne Soon")))
        gone_pk = gone.pk
        gone.delete()
        response = _confirm(client, job, {"as_0": str(gone_pk)})
        assert response.status_code == 200 and not Incident.objects.exists()

    @pytest.mark.parametrize("name", ["<script>alert(1)</script>", "{{ 7|add:1 }}", "=HYPERLINK(1)", "Barrio 🙂"])
    def test_hostile_new_names_are_escaped_on_the_preview(self, client, analyst, name):
        client.force_login(analyst)
        page = _page(client, _upload(client, _csv(_row("SPD-1", neighborhood=name))))
        assert "<script>alert(1)</script>" not in page
        assert ("&lt;script&gt;" in page) if "<" in name else (name in page)  # {{ }} stays text, never a template

    def test_an_update_that_keeps_its_neighborhood_needs_no_choice(self, client, analyst):
        _imported(_csv(_row("SPD-1")))
        IncidentFactory(case_number="SPD-9")
        client.force_login(analyst)
        job = _upload(client, _csv(_row("SPD-1", description="new text")))
        assert "New neighborhoods" not in _page(client, job)
        assert _confirm(client, job).status_code == 302
        assert Incident.objects.get(case_number="SPD-1").description == "new text"
