"""Sign-in lockouts: per account (CJIS), per address across accounts (spraying), what the
locked user reads, the access log, and the administrator's dashboard panel."""

import datetime
import re

import pgtrigger
import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format

from accounts.models import AccessLog
from tests.factories import PASSWORD, UserFactory
from tests.login import password_step

OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.50"
PROXY = "10.0.0.2"

pytestmark = pytest.mark.django_db


def attempt_login(client, username: str, password: str, *, ip: str = OFFICE, forwarded_for: str | None = None):
    """Every sign-in attempt of this module goes through here, so the form can change in one place."""
    extra = {"REMOTE_ADDR": ip}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return password_step(client, username, password, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Dozens of sign-ins per test: a fast hasher first (users made in the test use it).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def small_address_limit(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    return 8


def lock_account(client, username: str, *, ip: str = OFFICE) -> None:
    for _ in range(5):
        attempt_login(client, username, "wrong", ip=ip)


class TestTheAccountLimit:
    def test_five_wrong_passwords_lock_the_account_even_from_another_address(self, client, peacekeeper):
        lock_account(client, "grover")
        response = attempt_login(client, "grover", PASSWORD, ip=ELSEWHERE)
        assert response.status_code == 429
        assert not signed_in(client)

    def test_four_wrong_passwords_do_not(self, client, peacekeeper):
        for _ in range(4):
            attempt_login(client, "grover", "wrong")
        assert attempt_login(client, "grover", PASSWORD).status_code == 302

    def test_the_defaults_are_five_failures_and_fifteen_minutes_and_twenty_per_address(self, settings):
        assert settings.AXES_FAILURE_LIMIT == 5
        assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
        assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20


class TestTheAddressLimit:
    def test_spraying_one_password_across_accounts_stops_at_the_address_limit(self, client, small_address_limit):
        for n in range(small_address_limit):
            attempt_login(client, f"user{n}", "Summer2026!")
        UserFactory(username="victim")
        response = attempt_login(client, "victim", PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)

    def test_one_below_the_address_limit_still_signs_in(self, client, small_address_limit):
        for n in range(small_address_limit - 1):
            attempt_login(client, f"user{n}", "Summer2026!")
        UserFactory(username="victim")
        assert attempt_login(client, "victim", PASSWORD).status_code == 302

    def test_the_sprayed_accounts_stay_open_from_other_addresses(self, client, peacekeeper, small_address_limit):
        for _ in range(4):
            attempt_login(client, "grover", "wrong")
        for n in range(small_address_limit - 4):
            attempt_login(client, f"user{n}", "wrong")
        assert attempt_login(client, "grover", PASSWORD).status_code == 429
        assert attempt_login(client, "grover", PASSWORD, ip=ELSEWHERE).status_code == 302

    def test_the_default_limit_of_twenty_holds(self, client, peacekeeper):
        for n in range(19):
            attempt_login(client, f"user{n}", "wrong")
        assert attempt_login(client, "grover", PASSWORD).status_code == 302
        client.post(reverse("logout"))
        attempt_login(client, "user19", "wrong")
        assert attempt_login(client, "grover", PASSWORD).status_code == 429


class TestTheClientAddress:
    def test_without_a_proxy_a_forged_forwarded_header_is_ignored(self, client, small_address_limit):
        # Each attempt claims another address; they all come from OFFICE and count together.
        for n in range(small_address_limit):
            attempt_login(client, f"user{n}", "wrong", forwarded_for=f"192.0.2.{n}")
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
        UserFactory(username="victim")
        assert attempt_login(client, "victim", PASSWORD, forwarded_for="192.0.2.200").status_code == 429

    def test_behind_the_proxy_each_client_is_counted_by_its_forwarded_address(
        self, client, settings, small_address_limit
    ):
        settings.BEHIND_PROXY = True
        for n in range(small_address_limit):
            attempt_login(client, f"user{n}", "wrong", ip=PROXY, forwarded_for=OFFICE)
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
        UserFactory(username="victim")
        assert attempt_login(client, "victim", PASSWORD, ip=PROXY, forwarded_for=OFFICE).status_code == 429
        # Another office behind the same proxy is not held up.
        assert attempt_login(client, "victim", PASSWORD, ip=PROXY, forwarded_for=ELSEWHERE).status_code == 302

    def test_behind_the_proxy_only_the_address_the_proxy_saw_counts(self, client, settings, small_address_limit):
        # A client can put anything in front of what the proxy appends; only the last entry is the proxy's.
        settings.BEHIND_PROXY = True
        for n in range(small_address_limit):
            attempt_login(client, f"user{n}", "wrong", ip=PROXY, forwarded_for=f"192.0.2.{n}, {OFFICE}")
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}

    def test_behind_the_proxy_a_garbled_header_falls_back_to_the_connection(self, client, settings):
        settings.BEHIND_PROXY = True
        attempt_login(client, "user1", "wrong", ip=PROXY, forwarded_for="not-an-address")
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


class TestTheLockoutPage:
    def test_it_says_in_plain_words_how_long_and_until_when(self, client, peacekeeper):
        lock_account(client, "grover")
        response = attempt_login(client, "grover", PASSWORD)
        page = text_of(response)
        until = timezone.localtime(AccessAttempt.objects.get().attempt_time + datetime.timedelta(minutes=15))
        assert response.status_code == 429
        assert "Too many wrong passwords" in page
        assert "this account is locked for 15 minutes" in page
        assert f"until {time_format(until)})" in page
        assert "Ask an administrator if you need in sooner" in page
        assert "PT15M" not in page
        assert "Peacekeeper</title>" in page  # extends base.html

    def test_the_minutes_come_from_the_setting(self, client, peacekeeper, settings):
        settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=40)
        lock_account(client, "grover")
        page = text_of(attempt_login(client, "grover", PASSWORD))
        assert "locked for 40 minutes" in page and "15 minutes" not in page

    def test_it_shows_the_time_left_on_a_later_try(self, client, peacekeeper):
        lock_account(client, "grover")
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=6))
        page = text_of(attempt_login(client, "grover", PASSWORD))
        assert "locked for 9 minutes" in page

    def test_the_fifth_wrong_password_already_shows_the_page(self, client, peacekeeper):
        for _ in range(4):
            attempt_login(client, "grover", "wrong")
        response = attempt_login(client, "grover", "wrong")
        assert response.status_code == 429 and "locked for 15 minutes" in text_of(response)

    def test_tries_during_the_lock_do_not_extend_it(self, client, peacekeeper):
        lock_account(client, "grover")
        locked_at = AccessAttempt.objects.get().attempt_time
        for _ in range(3):
            attempt_login(client, "grover", "wrong")
        attempt = AccessAttempt.objects.get()
        assert (attempt.attempt_time, attempt.failures_since_start) == (locked_at, 5)

    def test_an_address_lock_says_so(self, client, small_address_limit):
        for n in range(small_address_limit):
            attempt_login(client, f"user{n}", "wrong")
        UserFactory(username="victim")
        page = text_of(attempt_login(client, "victim", PASSWORD))
        assert "Too many wrong passwords from this network" in page
        assert "Sign-in from this address is paused for 15 minutes" in page
        assert "Ask an administrator if you need in sooner" in page
        assert "this account is locked" not in page


class TestTheAccessLog:
    def test_a_lockout_is_logged_once_naming_the_account(self, client, peacekeeper):
        lock_account(client, "grover")
        for _ in range(3):
            attempt_login(client, "grover", PASSWORD)
        entry = AccessLog.objects.get(action=AccessLog.Action.LOCKOUT)
        assert entry.target == "grover: account locked after 5 wrong passwords"
        assert (entry.user, entry.ip_address) == (peacekeeper, OFFICE)

    def test_an_unknown_username_is_logged_by_name(self, client):
        lock_account(client, "nosuchuser")
        entry = AccessLog.objects.get(action=AccessLog.Action.LOCKOUT)
        assert entry.user is None and entry.target.startswith("nosuchuser: account locked")

    def test_an_address_lockout_is_logged_once_naming_the_address(self, client, small_address_limit):
        for n in range(small_address_limit + 3):
            attempt_login(client, f"user{n}", "wrong")
        entry = AccessLog.objects.get(action=AccessLog.Action.LOCKOUT)
        assert entry.target == f"user{small_address_limit - 1}: address {OFFICE} locked after 8 wrong passwords"
        assert entry.ip_address == OFFICE

    def test_behind_the_proxy_the_log_has_the_clients_address(self, client, settings, peacekeeper):
        settings.BEHIND_PROXY = True
        for _ in range(5):
            attempt_login(client, "grover", "wrong", ip=PROXY, forwarded_for=OFFICE)
        assert AccessLog.objects.get(action=AccessLog.Action.LOCKOUT).ip_address == OFFICE

    def test_a_second_lockout_after_an_unlock_is_logged_again(self, client, peacekeeper, admin_user):
        lock_account(client, "grover")
        admin = client.__class__()
        admin.force_login(admin_user)
        admin.post(reverse("lockout_unlock"), {"username": "grover"})
        lock_account(client, "grover")
        assert AccessLog.objects.filter(action=AccessLog.Action.LOCKOUT, target__contains="locked after").count() == 2


class TestTheDashboardPanel:
    def test_administrators_see_recent_lockouts(self, client, peacekeeper, admin_user):
        lock_account(client, "grover")
        client.force_login(admin_user)
        page = text_of(client.get("/"))
        assert "Recent lockouts" in page
        assert "grover" in page and OFFICE in page and "Locked until" in page
        assert 'name="username" value="grover"' in page

    def test_a_lifted_lock_shows_as_over(self, client, peacekeeper, admin_user):
        lock_account(client, "grover")
        AccessAttempt.objects.all().delete()
        client.force_login(admin_user)
        page = text_of(client.get("/"))
        assert "grover" in page and "Over" in page and 'value="grover"' not in page

    def test_lockouts_older_than_seven_days_drop_off(self, client, peacekeeper, admin_user):
        lock_account(client, "grover")
        with pgtrigger.ignore("accounts.AccessLog:append_only"):  # the log is append-only; age it here
            AccessLog.objects.update(at=timezone.now() - datetime.timedelta(days=8))
        client.force_login(admin_user)
        page = text_of(client.get("/"))
        assert "No lockouts in the last 7 days" in page and "grover:" not in page

    def test_managers_do_not_see_the_panel(self, client, peacekeeper, manager):
        lock_account(client, "grover")
        client.force_login(manager)
        assert "Recent lockouts" not in text_of(client.get("/"))

    @pytest.mark.parametrize("size", [1, 12])
    def test_the_admin_dashboard_query_count_stays_flat(self, client, admin_user, django_assert_max_num_queries, size):
        for n in range(size):
            lock_account(client, f"user{n}", ip=f"192.0.2.{n}")
        client.force_login(admin_user)
        client.get("/health/")  # steady state: the session was touched on sign-in
        # session, user, savepoint and release, the manager panels (gaps, first year, trend, quarter,
        # caseload summary), the possible duplicates to review, the death notices, then the lockouts
        # and the attempts that tell whether each still holds
        # + the managers' hospital visits due, open response cases (+ count), and the user's roles (once: whether
        # the navigation offers the peacekeepers' response tasks and field mode)
        with django_assert_max_num_queries(17):
            page = client.get("/").content.decode()
        assert f"user{size - 1}" in page


class TestUnlocking:
    def test_an_administrator_unlocks_an_account(self, client, peacekeeper, admin_user):
        lock_account(client, "grover")
        admin = client.__class__()
        admin.force_login(admin_user)
        response = admin.post(reverse("lockout_unlock"), {"username": "grover"}, REMOTE_ADDR=ELSEWHERE)
        assert response.status_code == 302 and response.url == reverse("dashboard")
        assert attempt_login(client, "grover", PASSWORD).status_code == 302
        entry = AccessLog.objects.filter(user=admin_user).get()
        assert entry.action == AccessLog.Action.LOCKOUT and entry.target == "grover: unlocked by an administrator"

    def test_an_administrator_lifts_an_address_lock(self, client, admin_user, small_address_limit):
        for n in range(small_address_limit):
            attempt_login(client, f"user{n}", "wrong")
        admin = client.__class__()
        admin.force_login(admin_user)
        admin.post(reverse("lockout_unlock"), {"address": OFFICE})
        UserFactory(username="victim")
        assert attempt_login(client, "victim", PASSWORD).status_code == 302
        assert (
            AccessLog.objects.filter(user=admin_user).get().target == f"address {OFFICE}: unlocked by an administrator"
        )

    @pytest.mark.parametrize("persona", ["manager", "peacekeeper", "analyst"])
    def test_no_one_else_can_unlock(self, client, persona, request):
        lock_account(client, "nosuchuser")
        client.force_login(request.getfixturevalue(persona))
        assert client.post(reverse("lockout_unlock"), {"username": "nosuchuser"}).status_code == 404
        assert AccessAttempt.objects.exists()

    def test_it_takes_a_post_only(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get(reverse("lockout_unlock"), {"username": "grover"}).status_code == 405

    def test_it_refuses_an_empty_request(self, client, admin_user):
        client.force_login(admin_user)
        assert client.post(reverse("lockout_unlock"), {}).status_code == 400
        assert client.post(reverse("lockout_unlock"), {"address": "not-an-address"}).status_code == 400
        assert not AccessLog.objects.exists()
