"""An axe-core sweep: every page each role can open, at desktop and phone widths in English and at the phone's in
Spanish, meets WCAG 2.1 AA, and its <html lang> names the language it is in.

Serious and critical violations fail the test; moderate and minor ones are printed (`pytest -rP`
shows them, with the pages checked and skipped). How pages and sample records are chosen, and the
SAMPLE_IDS hook for URLs with path parameters: tests/browser/a11y.py.
"""

import pytest
from django.conf import settings

from accounts.models import Preferences
from sample_data.demo.outreach import seed_neighborhoods
from tests.browser import a11y

PERSONAS = ["peacekeeper", "other_peacekeeper", "manager", "analyst", "admin_user"]
LOGIN = "/accounts/login/"


@pytest.fixture
def context(new_context):
    """Overrides pytest-playwright's context in this module only, so `page` and `sign_in` use it."""
    # bypass_csp for the sweep only: add_script_tag injects axe as an inline script, which the
    # app's strict CSP (script-src 'self') blocks. Every other browser test keeps the app's CSP.
    return new_context(bypass_csp=True, viewport=a11y.DESKTOP)


@pytest.fixture
def people(request):
    """Every persona, so that SAMPLE_IDS hooks can put records on a caseload; demo neighborhoods."""
    seed_neighborhoods()
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", ["anonymous", *PERSONAS])
def test_every_page_meets_wcag_21_aa(page, sign_in, live_server, people, role, language):
    """In English and in Spanish (issue #18): the Spanish pages are longer, and say lang="es"."""
    if role == "anonymous":
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    else:
        Preferences.objects.update_or_create(user=people[role], defaults={"language": language})
        sign_in(people[role])  # the sign-in page in the browser's language, every page after it in the user's
    routes = sorted({LOGIN, *a11y.swept_routes()})
    # Both languages at both widths: the Spanish words are longer, and the navigation changes with the width (behind
    # the menu button below 1200 px, on one or two lines above).
    widths = ("desktop", "phone")
    result = a11y.sweep(page, live_server.url, routes, a11y.SampleIds(people), a11y.Sweep(role, language, widths))
    print(result.summary())
    assert result.checked or result.errors, f"No page renders for {role}: {result.skipped}"
    problems = [f"page does not render: {error}" for error in result.errors] + result.failing
    assert not problems, f"{len(problems)} problems as {role} (server errors, serious/critical axe violations):\n" + (
        "\n".join(problems)
    )
