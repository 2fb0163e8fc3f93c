import datetime
import time
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import roles
from core.quarters import Quarter
from incidents import counting
from incidents.models import Incident, IncidentStatus, Mediation, Response
from outreach.models import Client, Contact, Goal, Neighborhood, Partner, Referral
from reports import quarterly
from sample_data.demo.history import history_end


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", allow_without_debug=True, stdout=out, **options)
    return out.getvalue()


def test_it_seeds_a_realistic_program_and_prints_the_logins(db):
    output = _seed()
    assert "demo-manager-pass" in output and "peacekeeper4" in output
    assert User.objects.filter(groups__name="Peacekeeper").count() >= 4
    assert roles.is_analyst(User.objects.get(username="analyst"))
    assert User.objects.get(username="admin").is_superuser
    assert Neighborhood.objects.count() == 10 and Partner.objects.count() >= 5
    current = Client.objects.filter(referred_on__gte=history_end(timezone.localdate()))
    assert current.count() == 40  # today's caseloads; the rest is the program's history
    assert Client.objects.filter(secondary_peacekeepers__isnull=False).exists()
    assert Contact.objects.count() > 40 * 10
    assert Goal.objects.exists() and Referral.objects.exists()
    assert Client.objects.with_activity().overdue().exists()  # something for the dashboards to show
    assert all(c.peacekeeper_id for c in Contact.objects.all()[:50])


def test_it_is_idempotent(db):
    _seed()
    counts = (User.objects.count(), Client.objects.count(), Contact.objects.count(), Goal.objects.count())
    _seed()
    assert (User.objects.count(), Client.objects.count(), Contact.objects.count(), Goal.objects.count()) == counts


def test_if_empty_only_prints_logins_when_users_exist(db, manager):
    output = _seed(if_empty=True)
    assert "demo data not added" in output
    assert not Client.objects.exists()


def test_it_refuses_public_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to create demo users"):
        call_command("seed_demo")


def assert_the_seed_storys_numbers() -> None:
    by_year = {row.year: row for row in counting.violence_by_year(2012, datetime.date(2018, 9, 30))}
    assert by_year[2012].homicides == 71
    assert [by_year[y].homicides for y in (2014, 2015, 2016)] == [49, 49, 49]
    assert by_year[2017].homicides == 55
    assert by_year[2018].homicides_ytd == 31
    # "the lowest in four years": fewer than each of the four previous years over the same months
    assert all(by_year[y].homicides_ytd > 31 for y in (2014, 2015, 2016, 2017))
    assert by_year[2018].nonfatal_shooting_victims_ytd > 0


def test_the_incidents_tell_the_seed_storys_numbers(db):
    _seed()
    assert_the_seed_storys_numbers()
    assert Incident.objects.filter(occurred_at__year=timezone.localdate().year).exists()
    assert Incident.objects.response_gaps().exists() and Response.objects.exists()


@pytest.fixture
def in_2031(monkeypatch):
    """The demo seeded on 14 May 2031: every reader of the clock (timezone.now, localdate, the
    models' checks, auto_now) sees that day."""
    moved = datetime.datetime(2031, 5, 14, 19, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    return timezone.localdate()


def test_it_seeds_a_living_program_in_any_year(db, in_2031):
    _seed()
    assert_the_seed_storys_numbers()
    years = {row.year: row for row in counting.violence_by_year(2012, in_2031)}
    # Every year after the story up to last year has its violence; this year has the days so far.
    assert all(years[y].homicides > 0 for y in range(2012, 2031)), [y for y, r in years.items() if not r.homicides]
    assert 0 < years[2031].homicides_ytd < years[2030].homicides
    assert not Incident.objects.filter(occurred_at__gt=timezone.now()).exists()
    # Past years' cases are closed; this year's are still being worked.
    assert not Incident.objects.filter(occurred_at__year__lt=2031).exclude(status=IncidentStatus.CLOSED).exists()
    assert Incident.objects.filter(occurred_at__year=2031).exclude(status=IncidentStatus.CLOSED).exists()
    # The dashboards have something to show that day.
    assert Contact.objects.filter(occurred_at__gte=timezone.now() - datetime.timedelta(days=30)).exists()
    assert Client.objects.with_activity().overdue().exists()
    assert Incident.objects.response_gaps().exists() and Response.objects.exists()


def _figures(report) -> dict[str, dict]:
    return {t.key: dict(t.rows) for s in report.sections for t in s.tables}


def test_the_storys_2018_q3_report_has_program_figures_and_the_same_violence(db, settings):
    settings.TIME_ZONE = "America/Los_Angeles"  # the story's city
    started = time.monotonic()
    _seed()
    assert time.monotonic() - started < 60  # seconds, not minutes (bulk inserts)
    assert_the_seed_storys_numbers()
    report = quarterly.build(Quarter(2018, 3))
    assert report.headline.startswith("31 homicides from 1 January to 30 September 2018, the fewest")
    tables = _figures(report)
    assert tables["violence_summary"]["Homicides"][1] == 31
    program = tables["program_summary"]
    active, enrolled, exited = (
        program["Clients active on 30 September 2018"][0],
        program["Clients enrolled"],
        program["Clients exited"],
    )
    assert active > 10 and all(enrolled) and all(exited)
    assert all(program["Contacts (mentoring sessions and other touches)"]) and all(program["Contact hours"])
    assert all(program["Referrals completed"]) and program["Clients contacted in the 30 days to 30 September 2018"][0]
    assert all(tables["goals_by_domain"]["Total"]) and all(tables["mediations_by_outcome"]["Total"])
    responses = tables["shooting_responses"]
    assert all(responses["Shootings with someone killed or wounded"])
    assert all(0 < share < 100 for share in responses["Share responded within 24 hours (%)"])
    assert all(tables["exits_by_reason"]["Total"])
    # The program's history reaches back to 2012, and no past client is on a caseload today.
    assert Client.objects.filter(enrolled_on__year=2012).exists()
    assert not Client.objects.filter(enrolled_on__year__lt=2019).exclude(status="exited").exists()


def test_the_history_is_deterministic_and_added_once(db):
    _seed()
    first = sorted(Client.objects.filter(referred_on__year=2014).values_list("code", "enrolled_on", "exited_on"))
    counts = (Client.objects.count(), Contact.objects.count(), Response.objects.count(), Mediation.objects.count())
    _seed()
    assert (Client.objects.count(), Contact.objects.count(), Response.objects.count(), Mediation.objects.count()) == (
        counts
    )
    assert len(first) == 24


def test_the_history_is_built_in_any_year(db, in_2031):
    _seed()
    assert_the_seed_storys_numbers()
    assert Client.objects.filter(enrolled_on__year=2029).exists()
    assert not Contact.objects.filter(occurred_at__gt=timezone.now()).exists()
    assert not Mediation.objects.filter(occurred_on__gt=in_2031).exists()
