import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import roles
from incidents import counting
from incidents.models import Incident, IncidentStatus, Response
from outreach.models import Client, Contact, Goal, Neighborhood, Partner, Referral


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
    assert Client.objects.count() == 40
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
