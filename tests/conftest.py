"""Shared fixtures: the personas every test speaks of."""

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(scope="session", autouse=True)
def _release_test_database(django_db_setup, django_db_blocker):
    """End stray sessions before the test database is dropped.

    Playwright's sync API runs an event loop in the main thread; Django keeps connections per
    context there, so the connection that built the test database can outlive the context that
    drops it, and PostgreSQL refuses to drop a database in use.
    """
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts in the default language: LocaleMiddleware activates a request's language in the thread
    and leaves it there, so a Spanish request would otherwise make the tests after it speak Spanish."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def peacekeeper(db):
    """Grover, a peacekeeper (outreach worker) with a caseload."""
    return UserFactory(username="grover", first_name="Grover", last_name="Crump", roles=[Role.PEACEKEEPER])


@pytest.fixture
def other_peacekeeper(db):
    """Maria, another peacekeeper, whose caseload Grover may not see."""
    return UserFactory(username="maria", first_name="Maria", last_name="Lopez", roles=[Role.PEACEKEEPER])


@pytest.fixture
def manager(db):
    return UserFactory(username="lindsay", first_name="Lindsay", last_name="Brown", roles=[Role.MANAGER])


@pytest.fixture
def analyst(db):
    return UserFactory(username="keiland", first_name="Keiland", last_name="Henderson", roles=[Role.ANALYST])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", is_staff=True, is_superuser=True)


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="norole")


@pytest.fixture
def jamal(peacekeeper):
    """A client on Grover's caseload (primary)."""
    from tests.factories import ClientFactory

    return ClientFactory(first_name="Jamal", last_name="Johnson", primary_peacekeeper=peacekeeper)


@pytest.fixture
def andre(other_peacekeeper):
    """A client on Maria's caseload only: Grover must not see it."""
    from tests.factories import ClientFactory

    return ClientFactory(first_name="Andre", last_name="Lewis", primary_peacekeeper=other_peacekeeper)


@pytest.fixture(scope="session")
def field_mode_pem() -> str:
    """One field-mode private key for the whole run (generating one takes a moment)."""
    from core import sealed

    return sealed.generate_pem().decode()


@pytest.fixture(autouse=True)
def _field_mode_off(settings, tmp_path):
    """Field mode off unless a test asks for `field_keys`: a key left in .data/ by `make run` must not
    change what every other page renders."""
    settings.FIELD_MODE_PRIVATE_KEY = None
    settings.FIELD_MODE_PRIVATE_KEY_FILE = tmp_path / "no-key-file.pem"


@pytest.fixture
def field_keys(settings, field_mode_pem, tmp_path, _field_mode_off):
    """Field mode on, with the test run's key (the settings' PEM; no key file is read)."""
    from outreach import field

    settings.FIELD_MODE_PRIVATE_KEY = field_mode_pem
    settings.FIELD_MODE_PRIVATE_KEY_FILE = tmp_path / "no-key-file.pem"
    return field.keys()
