"""Public copies as records: prepared in the background, audited against what is already published,
published by a manager as a version, frozen; analysts read them, never the audit; nobody changes them."""

import csv
import datetime
import io
import time
import uuid
import zoneinfo

import openpyxl
import pgtrigger
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import InternalError, transaction
from django.urls import reverse
from django.utils import timezone

from core.quarters import Quarter
from publishing import frozen, services, tasks
from publishing.models import CopyStatus, PublishedCopy
from reports import publication, quarterly
from tests.factories import ClientFactory, IncidentFactory, NeighborhoodFactory, publish_copy

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def at(*args):
    return datetime.datetime(*args, tzinfo=LA)


@pytest.fixture
def story(db, settings):
    """Two neighborhoods' homicides and shootings over 2017-2018, with small counts to hide."""
    settings.TIME_ZONE = "America/Los_Angeles"
    settings.TASKS = IMMEDIATE
    hill, flats = NeighborhoodFactory(name="Hill"), NeighborhoodFactory(name="Flats")
    for year in (2017, 2018):
        IncidentFactory(neighborhood=hill, occurred_at=at(year, 2, 1, 12), killed=12)
        IncidentFactory(neighborhood=flats, occurred_at=at(year, 5, 1, 12), killed=2)
        IncidentFactory(neighborhood=hill, occurred_at=at(year, 8, 1, 12), killed=7)
        IncidentFactory(
            neighborhood=flats,
            kind="nonfatal_shooting",
            killed=0,
            injured=3,
            weapon="firearm",
            occurred_at=at(year, 8, 2, 20),
        )
    return hill, flats


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


ACCEPT = {"confirm": "on", "gives_away_accepted": "on"}  # both boxes of the publish form


def _late_homicide(story, day=20):
    """A correction a second version can publish: a homicide in Hill in Q3 2018, recorded late. It turns the 4
    shootings with someone hurt into 5, which says the first copy's "<5" was 4: the publisher ticks that they read
    it (ACCEPT)."""
    hill, _ = story
    IncidentFactory(neighborhood=hill, occurred_at=at(2018, 8, day, 12), killed=9)


def _prepare(client, year, quarter, key=None):
    return client.post(reverse("publishing:prepare", args=[year, quarter]), {"form_key": str(key or uuid.uuid4())})


class TestAManagerPublishes:
    def test_prepare_check_and_publish_then_read_it_as_published(self, client, manager, story):
        client.force_login(manager)
        page = client.get(reverse("publishing:copies", args=[2018, 3])).content.decode()
        assert "No public copy of Q3 2018 has been published yet." in page and "Prepare a public copy" in page
        response = _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get()
        assert response.url == reverse("publishing:draft", args=[copy.pk])
        assert copy.status == CopyStatus.READY and copy.prepared_by == manager
        draft = client.get(response.url).content.decode()
        assert "Publish version 1" in draft and "The check (managers only)" in draft
        assert "every small count is protected" in draft
        response = client.post(reverse("publishing:publish", args=[copy.pk]), ACCEPT)
        copy.refresh_from_db()
        assert copy.status == CopyStatus.PUBLISHED and copy.version == 1 and copy.published_by == manager
        assert response.url == reverse("publishing:copy", args=[2018, 3, 1])
        page = client.get(response.url).content.decode()
        assert "Public copy, version 1, published" in page and "&lt;5" in page
        rows = _csv(client.get(reverse("publishing:copy_csv", args=[2018, 3, 1])))
        flats = [r for r in rows if r["place"] == "Flats" and r["measure"] == "Homicides" and r["window"] == "ytd"]
        assert flats and all(r["value"] == "" and r["suppressed"] for r in flats)  # 2 homicides: hidden
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(reverse("publishing:copy_xlsx", args=[2018, 3, 1])).content)
        )
        assert "Suppressed" in book.sheetnames
        # A record: the same bytes on every download (a checksum taken once holds), not only the same content.
        first = client.get(reverse("publishing:copy_xlsx", args=[2018, 3, 1])).content
        time.sleep(2.1)  # a zip entry's time has a two-second step: the clock has moved on
        assert client.get(reverse("publishing:copy_xlsx", args=[2018, 3, 1])).content == first
        assert any(
            str(row[0]).startswith("Public copy, version 1") for row in book["Report"].iter_rows(values_only=True)
        )

    def test_the_copy_is_frozen_a_late_correction_changes_only_the_internal_report(self, client, manager, story):
        hill, _ = story
        publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        before_csv = client.get(reverse("publishing:copy_csv", args=[2018, 3, 1])).content
        before_page = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        IncidentFactory(neighborhood=hill, occurred_at=at(2018, 8, 20, 12), killed=9)  # recorded late
        internal = client.get(reverse("reports:quarterly_csv", args=[2018, 3])).content.decode()
        assert "Homicides,Hill,2018-07-01,2018-09-30,quarter,16," in internal  # 7 + 9
        assert client.get(reverse("publishing:copy_csv", args=[2018, 3, 1])).content == before_csv
        after_page = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        assert _body(after_page) == _body(before_page)

    def test_a_corrected_copy_is_a_new_version_that_says_why(self, client, manager, story):
        hill, _ = story
        publish_copy(2018, 3, by=manager)
        IncidentFactory(neighborhood=hill, occurred_at=at(2018, 8, 20, 12), killed=9)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        second = PublishedCopy.objects.get(status=CopyStatus.READY)
        assert "Publish version 2" in client.get(reverse("publishing:draft", args=[second.pk])).content.decode()
        client.post(reverse("publishing:publish", args=[second.pk]), {"reason": "", **ACCEPT})
        second.refresh_from_db()
        assert second.status == CopyStatus.READY  # refused: no reason
        client.post(
            reverse("publishing:publish", args=[second.pk]),
            {"reason": "A homicide on 20 August was recorded late.", **ACCEPT},
        )
        second.refresh_from_db()
        assert second.version == 2, second.audit["summary"]  # the 4 shootings with someone hurt became 5: given away
        page = client.get(reverse("publishing:copy", args=[2018, 3, 2])).content.decode()
        assert "It replaces version 1: A homicide on 20 August was recorded late." in page
        assert client.get(reverse("publishing:copy", args=[2018, 3, 1])).status_code == 200  # still served
        listing = client.get(reverse("publishing:copies", args=[2018, 3])).content.decode()
        assert listing.index("Version 2") < listing.index("Version 1")

    def test_the_database_refuses_to_change_or_delete_a_published_copy(self, manager, story):
        copy = publish_copy(2018, 3, by=manager)
        with pytest.raises(InternalError), transaction.atomic():
            PublishedCopy.objects.filter(pk=copy.pk).update(content={})
        with pytest.raises(InternalError), transaction.atomic():
            PublishedCopy.objects.filter(pk=copy.pk).delete()
        with pgtrigger.ignore("publishing.PublishedCopy:published_copy_is_a_record"):
            assert PublishedCopy.objects.filter(pk=copy.pk).update(reason="x") == 1

    def test_a_copy_prepared_before_another_was_published_must_be_prepared_again(self, manager, story):
        q2 = PublishedCopy.objects.create(year=2018, quarter=2, prepared_by=manager)
        q3 = PublishedCopy.objects.create(year=2018, quarter=3, prepared_by=manager)
        for copy in (q2, q3):
            tasks.prepare_copy.call(copy.pk)
            copy.refresh_from_db()
        services.copy_publish(copy=q2, by=manager)
        with pytest.raises(ValidationError, match="Prepare it again"):
            services.copy_publish(copy=q3, by=manager)

    def test_each_copy_is_audited_against_the_copies_published_before(self, manager, story):
        publish_copy(2018, 2, by=manager)
        q3 = publish_copy(2018, 3, by=manager)
        assert q3.basis == [PublishedCopy.objects.get(quarter=2).pk]
        copies = {cell["copy"] for cell in q3.audit["cells"]}
        assert "Q2 2018, version 1" in copies and any("this copy" in c for c in copies)
        assert all(cell["protected"] for cell in q3.audit["cells"])

    def test_a_double_submit_prepares_one_copy_and_publishes_one_version(self, client, manager, story):
        client.force_login(manager)
        key = uuid.uuid4()
        first, second = _prepare(client, 2018, 3, key), _prepare(client, 2018, 3, key)
        assert PublishedCopy.objects.count() == 1 and first.url == second.url
        copy = PublishedCopy.objects.get()
        client.post(reverse("publishing:publish", args=[copy.pk]), ACCEPT)
        again = client.post(reverse("publishing:publish", args=[copy.pk]), ACCEPT)
        assert again.url == reverse("publishing:copy", args=[2018, 3, 1])
        assert PublishedCopy.objects.filter(status=CopyStatus.PUBLISHED).count() == 1

    def test_a_second_prepare_while_one_runs_gives_the_running_one(self, client, manager, story, settings):
        settings.TASKS = DUMMY
        client.force_login(manager)
        first, second = _prepare(client, 2018, 3), _prepare(client, 2018, 3)
        assert PublishedCopy.objects.count() == 1 and first.url == second.url
        page = client.get(first.url).content.decode()
        assert 'id="copy-progress"' in page and "Waiting for the background worker" in page
        status = client.get(reverse("publishing:draft_status", args=[PublishedCopy.objects.get().pk])).json()
        assert status["status"] == "waiting" and status["active"]

    def test_a_copy_that_cannot_be_protected_fails_with_the_reason(self, client, manager, story, monkeypatch):
        def refuse(report, released, progress=None):
            raise publication.Unprotectable("A small count (Hill, Homicides) can be narrowed to 2-2 and no other cell")

        monkeypatch.setattr(publication, "prepare", refuse)
        client.force_login(manager)
        page = client.get(_prepare(client, 2018, 3).url).content.decode()
        copy = PublishedCopy.objects.get()
        assert copy.status == CopyStatus.FAILED and "cannot be protected" in copy.failure
        assert "Not prepared." in page and "can be narrowed to 2-2" in page
        with pytest.raises(ValidationError, match="not ready"):
            services.copy_publish(copy=copy, by=manager)

    def test_the_frozen_copy_thaws_to_exactly_the_tables_prepared(self, story):
        report = quarterly.build(Quarter(2018, 3))
        public = publication.prepare(report, [])
        document = frozen.thaw(frozen.freeze(report, public))
        assert document.sections == public.sections and document.headline == public.headline
        assert document.notes == public.notes

        # Each neighborhood's record id survives, so a later rename is linked by the audit (not compared above).
        def ids(sections):
            return [f.place_id for _, ts in sections for t in ts if t.figures for row in t.figures for f in row if f]

        assert ids(document.sections) == ids(public.sections) and any(ids(public.sections))


class TestPublishingIsDeliberate:
    def test_publishing_needs_the_box_ticked_and_says_so_on_the_form(self, client, manager, story):
        client.force_login(manager)
        copy = PublishedCopy.objects.get(pk=PublishedCopy.objects.create(year=2018, quarter=3, prepared_by=manager).pk)
        tasks.prepare_copy.call(copy.pk)
        response = client.post(reverse("publishing:publish", args=[copy.pk]))
        page = response.content.decode()
        assert response.status_code == 400 and 'id="error-summary"' in page
        assert "Tick the box to confirm: a published copy can never be changed." in page
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY

    def test_a_second_version_lists_the_figures_that_differ_and_the_first_says_it_is_replaced(
        self, client, manager, story
    ):
        hill, _ = story
        publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        same = PublishedCopy.objects.get(status=CopyStatus.READY)
        assert (
            "No figure differs from version 1."
            in client.get(reverse("publishing:draft", args=[same.pk])).content.decode()
        )
        client.post(reverse("publishing:discard", args=[same.pk]))
        IncidentFactory(neighborhood=hill, occurred_at=at(2018, 8, 20, 12), killed=9)
        _prepare(client, 2018, 3)
        second = PublishedCopy.objects.get(status=CopyStatus.READY)
        page = client.get(reverse("publishing:draft", args=[second.pk])).content.decode()
        # The late homicide's shootings with someone hurt (Q3, year to date) and Hill's shooting incidents: "<5" before
        # and after, which a reader knows the correction moved, are "suppressed" in the second version.
        assert "Compared with version 1, 4 figures differ:" in page
        assert (
            "Shootings with someone killed or wounded, Year to date (1 January to 30 September 2018): "
            "&lt;5 → suppressed" in page
        )
        client.post(reverse("publishing:publish", args=[second.pk]), {"reason": "A late homicide.", **ACCEPT})
        first = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        assert "Replaced." in first and "A late homicide." in first

    def test_a_version_that_repeats_the_last_one_is_refused(self, client, manager, story):
        """The tenth attacker's F3: a second version with no figure changed was published, its reason saying
        something was corrected."""
        publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        assert (
            "No figure differs from version 1."
            in client.get(reverse("publishing:draft", args=[copy.pk])).content.decode()
        )
        response = client.post(
            reverse("publishing:publish", args=[copy.pk]), {"reason": "A corrected count.", **ACCEPT}
        )
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY
        assert "This copy is the same as version 1" in response.content.decode()
        _late_homicide(story)  # something changed: the next copy is news
        assert publish_copy(2018, 3, by=manager, reason="A homicide of 20 August recorded late.").version == 2

    def test_a_preliminary_copy_made_final_with_the_same_figures_is_news(self, manager, story, monkeypatch):
        with monkeypatch.context() as during_the_quarter:
            during_the_quarter.setattr(timezone, "now", lambda: at(2018, 9, 25, 12))
            first = publish_copy(2018, 3, by=manager)
        assert first.content["preliminary"]
        second = publish_copy(2018, 3, by=manager, reason="The quarter is over.")
        assert second.version == 2 and not second.content["preliminary"]

    def test_the_progress_bar_only_moves_forward_through_its_two_steps(self, manager, story, monkeypatch):
        copy = PublishedCopy.objects.create(year=2018, quarter=3, prepared_by=manager, status=CopyStatus.PREPARING)
        monkeypatch.setattr(tasks, "PROGRESS_EVERY", 0)
        progress, seen = tasks._progress(copy.pk), []
        for call in [
            (1, 2, "Choosing the cells to hide: round 1."),
            (5, 6, "Choosing the cells to hide: round 5."),
            (10, 450, "Checked 10 of 450 hidden cells; about 9 s left."),
            (450, 450, "Checked 450 of 450."),
        ]:
            progress(*call)
            copy.refresh_from_db()
            seen.append(copy.progress_done)
        assert seen == sorted(seen) and seen[-1] == copy.progress_total
        assert copy.progress_text.startswith("Step 2 of 2")


class TestTheCopyIsPublic:
    def test_the_copy_page_names_no_one_and_carries_no_account_id(self, client, manager, story):
        """The tenth attacker's F4: a page saved from the public copy and handed out held the manager's name
        ("Published by …", hidden only in print) and their account id (data-draft-owner)."""
        manager.first_name, manager.last_name = "Marisol", "Quintero"
        manager.save()
        publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        page = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        assert "Quintero" not in _body(page) and "Published by" not in page  # (the navigation names who is signed in)
        assert "data-draft-owner" not in page
        assert "data-draft-owner" in client.get(reverse("publishing:copies", args=[2018, 3])).content.decode()
        listing = client.get(reverse("publishing:copies", args=[2018, 3])).content.decode()
        assert "Quintero" in listing  # the record of who published it stays, for staff


class TestWhoMay:
    def test_analysts_read_published_copies_but_never_the_audit_nor_drafts(self, client, analyst, manager, story):
        copy = publish_copy(2018, 3, by=manager)
        draft = PublishedCopy.objects.create(year=2018, quarter=2, prepared_by=manager)
        client.force_login(analyst)
        page = client.get(reverse("publishing:copy", args=[2018, 3, 1])).content.decode()
        assert "Public copy, version 1" in page and "The check (managers only)" not in page
        assert "True value" not in page
        listing = client.get(reverse("publishing:copies", args=[2018, 3])).content.decode()
        assert "Version 1" in listing and "Prepare a public copy" not in listing
        for url in (
            reverse("publishing:draft", args=[draft.pk]),
            reverse("publishing:draft_status", args=[draft.pk]),
        ):
            assert client.get(url).status_code == 404
        for url in (
            reverse("publishing:prepare", args=[2018, 3]),
            reverse("publishing:publish", args=[draft.pk]),
            reverse("publishing:discard", args=[draft.pk]),
        ):
            assert client.post(url, {"form_key": str(uuid.uuid4())}).status_code == 404
        assert PublishedCopy.objects.count() == 2 and copy.status == CopyStatus.PUBLISHED

    def test_peacekeepers_get_404_everywhere(self, client, peacekeeper, manager, story):
        publish_copy(2018, 3, by=manager)
        client.force_login(peacekeeper)
        for url in (
            reverse("publishing:copies", args=[2018, 3]),
            reverse("publishing:copy", args=[2018, 3, 1]),
            reverse("publishing:copy_csv", args=[2018, 3, 1]),
            reverse("publishing:copy_xlsx", args=[2018, 3, 1]),
        ):
            assert client.get(url).status_code == 404, url
        assert _prepare(client, 2018, 3).status_code == 404

    def test_a_published_copys_draft_link_leads_to_the_published_copy(self, client, manager, story):
        copy = publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        assert client.get(reverse("publishing:draft", args=[copy.pk])).url == reverse(
            "publishing:copy", args=[2018, 3, 1]
        )
        assert client.get(reverse("publishing:draft", args=[999999])).status_code == 404

    @pytest.mark.parametrize(
        "path",
        [
            "/reports/quarterly/2018/3/public/v2/",
            "/reports/quarterly/2018/3/public/v0/",
            "/reports/quarterly/2018/3/public/v99999999999/",
            "/reports/quarterly/2999/1/public/",
            "/reports/quarterly/1000/1/public/",
        ],
    )
    def test_versions_and_quarters_that_do_not_exist_are_404(self, client, manager, story, path):
        publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        assert client.get(path).status_code == 404

    def test_the_internal_report_links_to_its_public_copies_and_old_public_links_never_show_it(
        self, client, manager, story
    ):
        client.force_login(manager)
        page = client.get(reverse("reports:quarterly", args=[2018, 3])).content.decode()
        assert reverse("publishing:copies", args=[2018, 3]) in page
        index = client.get(reverse("reports:index")).content.decode()
        assert "?public=1" not in index and '/public/"' in index
        for name in ("reports:quarterly", "reports:quarterly_csv", "reports:quarterly_xlsx"):
            response = client.get(reverse(name, args=[2018, 3]), {"public": "1"})
            assert response.status_code == 302 and response.url == reverse("publishing:copies", args=[2018, 3])


class TestHostileText:
    def test_a_reason_is_stored_as_text_escaped_on_the_page_and_neutralised_in_the_file(self, client, manager, story):
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        client.post(
            reverse("publishing:publish", args=[copy.pk]),
            {"reason": "=cmd|' /C calc'!A0 <script>x</script> 🙂", **ACCEPT},
        )
        page = client.get(reverse("publishing:copy", args=[2018, 3, 2])).content.decode()
        assert "<script>x</script>" not in page and "&lt;script&gt;" in page
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(reverse("publishing:copy_xlsx", args=[2018, 3, 2])).content)
        )
        line = next(row[0] for row in book["Report"].iter_rows(values_only=True) if str(row[0]).startswith("Public"))
        assert "🙂" in line and not line.startswith("=")

    @pytest.mark.parametrize(
        "named",
        [
            "Shawn Okafor's homicide was recorded late",
            "SHAWN OKAFOR",
            "{code} late",
            "S. Okafor incident corrected",  # the eleventh attacker's F3: initial and last name
            "Sha\u200bwn Oka\u2060for late",  # zero-width characters splitting the name
        ],
    )
    def test_a_reason_naming_a_client_is_refused_with_a_message(self, client, manager, story, named):
        victim = ClientFactory(first_name="Shawn", last_name="Okafor")
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        reason = named.format(code=victim.code.lower())
        response = client.post(reverse("publishing:publish", args=[copy.pk]), {"reason": reason, **ACCEPT})
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY
        assert "The reason names a client (their name or code)." in response.content.decode()
        # A reason about a neighborhood or a date names nobody, even beside a client's first name alone.
        ok = "Shawn Street's late homicide of 20 August"
        client.post(reverse("publishing:publish", args=[copy.pk]), {"reason": ok, **ACCEPT})
        copy.refresh_from_db()
        assert copy.status == CopyStatus.PUBLISHED

    @pytest.mark.parametrize(
        "reason",
        [
            "A late homicide: call Juan Perez 209-555-0100 for details",
            "Ask the family at (209) 555 0100",
            "Reclassified; questions to +52 55 1234 5678",
            "Corrected after a call from 2095550100",
            "Write to juan.perez@example.org.",
            "mail j.smith [at] example [dot] org",  # the eleventh attacker's F1
            "call two zero nine, 555, 01 47",  # the twelfth attacker's 6: digits spelled out, split by commas
            "llamar al dos cero nueve cinco cinco cinco cero uno cuatro siete",
        ],
    )
    def test_a_reason_with_a_phone_number_or_an_email_address_is_refused(self, client, manager, story, reason):
        """The tenth attacker's F2: a reason naming nobody on the client list, with a phone number, went out in
        every format; only clients' names and codes were screened."""
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        response = client.post(reverse("publishing:publish", args=[copy.pk]), {"reason": reason, **ACCEPT})
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY
        assert "The reason holds a phone number or an email address" in response.content.decode()

    @pytest.mark.parametrize("written", ["incident {case} reclassified", "({lower}) was recorded late."])
    def test_a_reason_with_a_police_case_number_is_refused(self, client, manager, story, written):
        """The eleventh attacker's F5: "incident SPD-2026-313864593 reclassified" went out, pointing at one
        person's case for anyone holding police records."""
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        late = IncidentFactory(case_number="SPD-2018-77120", neighborhood=story[0], occurred_at=at(2018, 8, 25, 12))
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        reason = written.format(case=late.case_number, lower=late.case_number.lower())
        response = client.post(reverse("publishing:publish", args=[copy.pk]), {"reason": reason, **ACCEPT})
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY
        assert "The reason gives an incident&#x27;s police case number." in response.content.decode()

    @pytest.mark.parametrize(
        "reason",
        [
            "A homicide of 20/08/2018 was recorded late; figures through 30/09/2018.",
            "Two homicides of 2018-08-20 recorded late: 16 in Hill, 2,450 contacts in all.",
            "Un homicidio del 20 de agosto registrado tarde (Q3 2018).",
        ],
    )
    def test_a_reason_with_dates_and_counts_is_accepted(self, manager, story, reason):
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        assert publish_copy(2018, 3, by=manager, reason=reason).version == 2

    def test_a_copy_whose_check_finds_a_count_narrowed_is_never_published(self, client, manager, story):
        """The seventh attacker's F2: a draft whose check says a small count "can be narrowed" must not go out,
        whatever the form says (prepare refuses such a copy; this guards a check stored some other way)."""
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        assert copy.audit["narrowed"] == 0
        PublishedCopy.objects.filter(pk=copy.pk).update(audit={**copy.audit, "narrowed": 1})
        response = client.post(reverse("publishing:publish", args=[copy.pk]), ACCEPT)
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY and copy.version is None
        assert services.NARROWED in response.content.decode().replace("&#x27;", "'")

    @pytest.mark.parametrize(
        ("given_by", "label"), [("correction", "no: given away by a correction"), (None, "no: given away before")]
    )
    def test_the_check_says_who_gave_a_count_away(self, client, manager, story, given_by, label):
        """A count the copies published before gave away, or a correction between two versions (0 then 1), is
        listed as given away, and by which of the two (a check stored before the distinction says "before")."""
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        cells = [dict(cell) for cell in copy.audit["cells"]]
        cells[0] |= {"protected": False, "given_away": True} | ({"given_by": given_by} if given_by else {})
        PublishedCopy.objects.filter(pk=copy.pk).update(audit={**copy.audit, "cells": cells})
        page = client.get(reverse("publishing:draft", args=[copy.pk])).content.decode()
        assert page.count(label) == 1
        other = {"no: given away by a correction", "no: given away before"} - {label}
        assert other.pop() not in page

    def test_a_copy_that_gives_counts_away_is_published_only_once_the_publisher_says_they_read_them(
        self, client, manager, story
    ):
        """The eleventh attacker's F8: a version whose correction gave a count away (0 then 1) was published with
        one tick, under a check whose first line said every small count was protected."""
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        url = reverse("publishing:draft", args=[copy.pk])
        assert "gives_away_accepted" not in client.get(url).content.decode()  # asked only when there are some
        cells = [dict(cell) for cell in copy.audit["cells"]]
        cells[0] |= {"protected": False, "given_away": True, "given_by": "correction"}
        PublishedCopy.objects.filter(pk=copy.pk).update(audit={**copy.audit, "cells": cells})
        copy.refresh_from_db()
        assert (
            "I have read the small count this copy&#x27;s check lists as given away" in client.get(url).content.decode()
        )
        response = client.post(reverse("publishing:publish", args=[copy.pk]), {"confirm": "on"})
        assert response.status_code == 400
        assert (
            "Tick the box to say you have read the counts this copy&#x27;s check lists as given away."
            in response.content.decode()
        )
        with pytest.raises(ValidationError, match="Read them in the check"):
            services.copy_publish(copy=copy, by=manager)
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY
        client.post(reverse("publishing:publish", args=[copy.pk]), ACCEPT)
        copy.refresh_from_db()
        assert copy.status == CopyStatus.PUBLISHED

    @pytest.mark.parametrize("reason", ["a\x00b", "x" * 10_000])
    def test_a_reason_with_nul_or_too_long_is_refused_with_a_message(self, client, manager, story, reason):
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        response = client.post(reverse("publishing:publish", args=[copy.pk]), {"reason": reason, **ACCEPT})
        copy.refresh_from_db()
        assert copy.status == CopyStatus.READY
        page = response.content.decode()
        assert "Null characters are not allowed." in page or "at most 2000 characters (it has 10000)" in page

    def test_direction_controls_are_taken_out_of_a_reason(self, client, manager, story):
        publish_copy(2018, 3, by=manager)
        _late_homicide(story)
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get(status=CopyStatus.READY)
        client.post(reverse("publishing:publish", args=[copy.pk]), {"reason": "\u202eCorrected count\u2066", **ACCEPT})
        copy.refresh_from_db()
        assert copy.reason == "Corrected count"

    def test_a_copy_discarded_while_it_is_prepared_stays_discarded(self, client, manager, story, settings):
        settings.TASKS = DUMMY
        client.force_login(manager)
        _prepare(client, 2018, 3)
        copy = PublishedCopy.objects.get()
        client.post(reverse("publishing:discard", args=[copy.pk]))
        tasks.prepare_copy.call(copy.pk)  # the worker comes to it afterwards
        copy.refresh_from_db()
        assert copy.status == CopyStatus.DISCARDED and not copy.content


class TestCommands:
    def test_audit_public_copies_reports_the_narrowest_range(self, manager, story):
        publish_copy(2018, 2, by=manager)
        publish_copy(2018, 3, by=manager)
        out = io.StringIO()
        call_command("audit_public_copies", "--year", "2018", stdout=out)
        text = out.getvalue()
        assert "every small count is protected" in text and "Narrowest range for a hidden small count: 1 to" in text
        with pytest.raises(CommandError, match="No public copy of 2016"):
            call_command("audit_public_copies", "--year", "2016", stdout=io.StringIO())

    def test_export_public_copy_writes_what_was_published(self, client, manager, story, tmp_path):
        hill, _ = story
        publish_copy(2018, 3, by=manager)
        client.force_login(manager)
        served = client.get(reverse("publishing:copy_csv", args=[2018, 3, 1])).content.decode()
        IncidentFactory(neighborhood=hill, occurred_at=at(2018, 8, 20, 12), killed=9)
        call_command(
            "export_public_copy",
            "--year",
            "2018",
            "--quarter",
            "3",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "p.csv"),
            stdout=io.StringIO(),
        )
        assert (tmp_path / "p.csv").read_text() == served
        with pytest.raises(CommandError, match="No version 4 of public copy"):
            call_command(
                "export_public_copy",
                "--year",
                "2018",
                "--quarter",
                "3",
                "--copy-version",
                "4",
                "--format",
                "csv",
                "--output",
                str(tmp_path / "q.csv"),
            )

    def test_export_report_public_points_to_the_published_copies(self, story, tmp_path):
        with pytest.raises(CommandError, match="export_public_copy"):
            call_command(
                "export_report",
                "--year",
                "2018",
                "--quarter",
                "3",
                "--format",
                "csv",
                "--output",
                str(tmp_path / "r.csv"),
                "--public",
            )


def test_the_copies_page_does_not_grow_in_queries(client, manager, story, django_assert_max_num_queries, monkeypatch):
    client.force_login(manager)
    publish_copy(2018, 3, by=manager)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("publishing:copies", args=[2018, 3]))
    monkeypatch.setattr(services, "_tells_nothing_new", lambda copy, last: False)  # versions alike, for their count
    for reason in ("one", "two", "three"):
        copy = PublishedCopy.objects.create(year=2018, quarter=3, prepared_by=manager)
        tasks.prepare_copy.call(copy.pk)
        copy.refresh_from_db()
        services.copy_publish(copy=copy, by=manager, reason=reason)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("publishing:copies", args=[2018, 3]))


def _body(page: str) -> str:
    """The page without its per-request parts (CSRF token, CSP nonce)."""
    start = page.index('<p class="lead report-headline">')
    return page[start : page.index("</main>")]
