"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: it downloads browsers, which this platform cannot do.
"""

from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail("The browser tests need /usr/bin/chromium (Debian's chromium package); `make test` installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def sign_in(live_server, page):
    """Sign a user in through the real login wizard: the password, then (given) a code from the
    authenticator app."""

    def _sign_in(user, password: str = PASSWORD, *, code: str | None = None):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        # Every outcome (dashboard, the code step, or the form again with an error) loads a new page.
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if code is not None:
            page.get_by_label("Code").fill(code)
            with page.expect_navigation():
                page.get_by_role("button", name="Continue").click()
        return page

    return _sign_in


@pytest.fixture(autouse=True)
def _committed_data(transactional_db):
    """The live server runs in another thread: test data must be committed for it to see it."""
