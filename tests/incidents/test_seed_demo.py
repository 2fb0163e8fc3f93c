import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from accounts import roles
from outreach.models import Client, Contact, Goal, Neighborhood, Partner, Referral


def _seed(**options) -> str:
    from io import StringIO

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
