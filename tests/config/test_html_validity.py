"""Every page of the URL conf, for every role that may open it, is valid HTML: zero errors from the
Nu Html Checker (vnu.jar, which `make test` fetches from the npm package vnu-jar and runs on Java).

The pages are chosen as the accessibility sweep chooses them (tests/browser/a11y.py: the URL conf
walked, path parameters filled from its SAMPLE_IDS, one persona at a time), fetched with Django's
test client rather than a browser: the HTML the server sends is what the checker reads. Error pages
(a 404 or 403 to a role) are checked too, once each. One run of the checker reads them all.
"""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from sample_data.demo.outreach import seed_neighborhoods
from tests.browser import a11y

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = ["peacekeeper", "other_peacekeeper", "manager", "analyst", "admin_user"]
LOGIN = "/accounts/login/"


def vnu_jar() -> Path:
    jars = sorted(ROOT.glob(".tools/vnu-*/vnu.jar"))
    if not jars or not shutil.which("java"):
        pytest.fail("The HTML validity test needs .tools/vnu-*/vnu.jar and Java: `make vnu` (part of `make test`).")
    return jars[-1]


def check(files: dict[Path, str]) -> list[str]:
    """The checker's errors over `files` (path: what it is), as readable lines."""
    result = subprocess.run(  # noqa: S603 (java and the pinned checker, on files this test wrote)
        [shutil.which("java"), "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        check=True,
    )
    by_uri = {path.resolve().as_uri(): what for path, what in files.items()}
    errors = []
    for message in json.loads(result.stderr)["messages"]:
        what = by_uri.get(message.get("url", "").replace("file:/", "file:///", 1), message.get("url"))
        errors.append(f"{what}, line {message.get('lastLine')}: {message['message']}  [{message.get('extract', '')}]")
    return errors


def html_of_each_page(http: HttpClient, routes: list[str], samples: a11y.SampleIds, role: str, seen: set) -> dict:
    """{url: html} of each route answering this user with HTML (a page, or an error page once)."""
    pages, broken = {}, []
    for route in routes:
        url = samples.url(route)
        response = http.get(url)
        if response.status_code >= 500:
            broken.append(f"{url} as {role}: {response.status_code}")
            continue
        if 300 <= response.status_code < 400 or response.streaming:
            continue  # a redirect (its target is fetched as a route of its own) or a download
        if not response.get("Content-Type", "").startswith("text/html") or not response.content.strip():
            continue  # not HTML, or no page at all (the empty 405 of a POST-only URL)
        digest = hashlib.sha256(response.content).hexdigest()
        if response.status_code != 200 and digest in seen:
            continue  # the same error page again
        seen.add(digest)
        pages[f"{url} as {role} ({response.status_code})"] = response.content.decode()
    assert not broken, broken
    return pages


@pytest.mark.django_db(transaction=False)
def test_every_page_for_every_role_is_valid_html(request, tmp_path):
    seed_neighborhoods()
    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    samples = a11y.SampleIds(people)
    routes = sorted({LOGIN, *a11y.swept_routes()})
    pages, seen = {}, set()
    for role in ["anonymous", *PERSONAS]:
        http = HttpClient()
        if role != "anonymous":
            http.force_login(people[role])
        pages.update(html_of_each_page(http, routes, samples, role, seen))
    files = {}
    for number, (what, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{number:04}.html"
        path.write_text(html)
        files[path] = what
    assert len(files) > 50, f"Only {len(files)} pages fetched: is the sampling broken?"
    errors = check(files)
    assert not errors, f"{len(errors)} HTML errors in {len(files)} pages:\n" + "\n".join(errors)
