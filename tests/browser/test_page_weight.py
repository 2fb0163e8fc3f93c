"""What a phone downloads, measured in the real browser against gunicorn on production settings (issue #19):
hashed, compressed static files from WhiteNoise and compressed HTML, as a deployment serves them.

Budgets (README, "Performance"): the first visit of a page, with nothing cached, at most 120 KiB
transferred; a further page, once the static files are cached, at most 25 KiB (its HTML and anything
not cached). Bytes are Chromium's own count of what came over the network (headers included).
Field mode is off here: its service worker fetches on the page's behalf, outside the page's count.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as DjangoClient
from django.utils import timezone

from core.quarters import Quarter
from tests.factories import ContactFactory, IncidentFactory

FIRST_VISIT = 120 * 1024
FURTHER_PAGE = 25 * 1024
BASE = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    host = urllib.parse.quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}@{host}{port}/{db['NAME']}"


@pytest.fixture
def production_server(tmp_path):
    """gunicorn with production settings on the test database (its data committed by the browser tests'
    transactional set-up), after a collectstatic of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_MODE_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,  # the sessions made below are signed with it
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=_database_url(),
        FIELD_MODE_PRIVATE_KEY_FILE=str(tmp_path / "no-key.pem"),
    )
    python = sys.executable
    subprocess.run(  # noqa: S603 (our own manage.py)
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE, env=env, check=True
    )
    bind = f"127.0.0.1:{_free_port()}"
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [python, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--bind", bind, "--log-level", "warning"],
        cwd=BASE,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://{bind}/health/", timeout=2):  # noqa: S310 (our server)
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn on production settings did not answer on {bind}")
        yield f"http://{bind}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _session(user) -> str:
    browser = DjangoClient()
    browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


class _Meter:
    """Bytes over the network for one page load, from Chromium's Network domain."""

    def __init__(self, context, page):
        self.sizes: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", lambda e: self.urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: self.sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

    def load(self, page, url: str) -> tuple[int, list]:
        self.sizes.clear()
        page.goto(url, wait_until="networkidle")
        largest = sorted(((n, self.urls.get(r, "?")) for r, n in self.sizes.items()), reverse=True)[:5]
        return sum(self.sizes.values()), largest


@pytest.fixture
def pages(peacekeeper, manager, analyst, jamal):
    ContactFactory.create_batch(5, client=jamal, peacekeeper=peacekeeper)
    IncidentFactory.create_batch(5)
    closed = Quarter.containing(timezone.localdate()).previous()
    return {
        None: ["/accounts/login/"],
        peacekeeper: ["/", "/clients/", f"/clients/{jamal.pk}/", f"/clients/{jamal.pk}/contacts/new/"],
        manager: ["/", "/clients/", f"/clients/{jamal.pk}/", f"/reports/quarterly/{closed.year}/{closed.number}/"],
        analyst: ["/", "/incidents/", "/reports/"],
    }


def test_every_main_page_is_within_its_budget_on_a_phone(browser, production_server, pages):
    over, measured = [], []
    for user, paths in pages.items():
        context = browser.new_context(viewport={"width": 390, "height": 844})
        if user is not None:
            host = urllib.parse.urlparse(production_server).hostname
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": _session(user), "domain": host, "path": "/"}]
            )
        for path in paths:  # each page's first visit, with nothing cached
            cold = browser.new_context(viewport={"width": 390, "height": 844})
            cold.add_cookies(context.cookies())
            page = cold.new_page()
            size, largest = _Meter(cold, page).load(page, production_server + path)
            assert page.url == production_server + path, f"{path} for {user}: landed on {page.url}"
            measured.append(f"{user and user.username} {path}: first visit {size / 1024:.1f} KiB")
            if size > FIRST_VISIT:
                over.append((user and user.username, path, "first visit", size, largest))
            cold.close()
        page = context.new_page()
        meter = _Meter(context, page)
        for path in paths:  # the static files once, then each page again as a further page
            meter.load(page, production_server + path)
        for path in paths:
            size, largest = meter.load(page, production_server + path)
            measured.append(f"{user and user.username} {path}: further page {size / 1024:.1f} KiB")
            if size > FURTHER_PAGE:
                over.append((user and user.username, path, "further page", size, largest))
        context.close()
    print("\n".join(measured))  # the README's figures: pytest -s
    assert not over, over


def test_the_budgets_count_what_a_page_downloads(browser, production_server, pages):
    """The meter itself: a first visit counts the stylesheet and scripts, a further page little more than HTML."""
    context = browser.new_context()
    page = context.new_page()
    meter = _Meter(context, page)
    first, largest = meter.load(page, production_server + "/accounts/login/")
    assert any("bootstrap" in url for _, url in largest) and first > 8 * 1024
    again, _ = meter.load(page, production_server + "/accounts/login/")
    assert again < first / 3
    context.close()
