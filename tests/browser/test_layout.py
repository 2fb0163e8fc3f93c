"""Phone layouts: no page of the URL conf scrolls sideways at 320, 390 or 768 px for any role, and
the tap targets of the main pages are at least 44 x 44 px on a phone.

The pages are the axe sweep's (tests/browser/a11y.py: the URL conf walked, path parameters filled
from SAMPLE_IDS). One browser, one context per role, one page reused for every URL and width.

Tap targets (WCAG 2.5.5 AAA asks 44 x 44 CSS px; 2.5.8 AA asks 24): every visible `a`, `button`,
`input`, `select`, `textarea` and `summary` on the main pages must be at least 44 px tall and
wide at 390 px; a checkbox or radio is measured as its `.form-check` row (box and label), which
is what a finger taps. The exemptions applied, both WCAG's own:
- *Inline* (2.5.5 and 2.5.8): a link in running text, i.e. whose parent element has words of its
  own beside the link (a sentence in a paragraph, such as an empty list's "Start with a new client at intake").
  Its size is set by the line of text. A link alone in a cell, a fact or a list item is no
  sentence and must be 44 px.
- *Essential / user agent*: the skip link (off-screen until focused, for keyboards) and hidden
  inputs; Django's own admin pages, which keep Django's look, are not measured.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import Preferences
from outreach.models import Client, Contact
from sample_data.demo.outreach import seed_neighborhoods
from tests.browser import a11y
from tests.browser.conftest import PHONE
from tests.factories import PASSWORD, ContactFactory

ROLES = ["peacekeeper", "manager", "analyst", "admin_user"]
WIDTHS = [320, 390, 768]
HEIGHT = 844
MIN_TARGET = 44

WIDEST_ELEMENTS_JS = """() => {
  const limit = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 0.5 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      wide.push(`${name} (right ${Math.round(box.right)})`);
    }
  }
  return wide.slice(-4);
}"""

SMALL_TARGETS_JS = """min => {
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !el.closest('[hidden]');
  };
  // A link in running text: the element holding it has words of its own right beside the link
  // (WCAG "Inline"). A name above a line of details, or a link alone in a cell, is no sentence.
  const inline = el => {
    if (el.tagName !== 'A' || el.classList.contains('btn')) return false;
    return [...el.parentElement.childNodes].some(
      node => node.nodeType === Node.TEXT_NODE && /[\\w.,:;]/.test(node.textContent));
  };
  const small = [];
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary');
  for (const el of targets) {
    if (el.classList.contains('skip-link')) continue;
    let box = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      // The label is the target: the box and its label together, as .form-check lays them out.
      box = el.closest('.form-check') || (el.labels && el.labels[0]) || el;
    }
    if (!visible(box) || inline(el)) continue;
    const rect = box.getBoundingClientRect();
    if (rect.width < min - 0.5 || rect.height < min - 0.5) {
      const text = (el.textContent || el.value || el.name || el.getAttribute('aria-label') || '').trim().slice(0, 30);
      small.push(`<${el.tagName.toLowerCase()}> "${text}" ${Math.round(rect.width)}x${Math.round(rect.height)}`);
    }
  }
  return small;
}"""

# A button's label is centred in it, across its width (text-align, and the flex box on phones).
OFF_CENTRE_BUTTONS_JS = """() => [...document.querySelectorAll('.btn')].filter(button => {
  const style = getComputedStyle(button);
  if (button.getBoundingClientRect().width === 0) return false;
  const flex = style.display.includes('flex');
  return style.textAlign !== 'center' || (flex && style.justifyContent !== 'center');
}).map(button => button.textContent.trim().slice(0, 30))"""


def sample_client_with_long_notes(people, path) -> int:
    """The sweep's sample client, plus a contact whose note is long (it folds) and holds a word
    too long for any screen (hostile input must wrap, not widen the page)."""
    pk = a11y.sample_client(people, path)
    ContactFactory(client=Client.objects.get(pk=pk), notes=LONG_NOTE, next_steps="x" * 300)
    return pk


LONG_NOTE = "Met at the corner store. " * 20 + "https://example.org/" + "a" * 400
SAMPLE_IDS = {**a11y.SAMPLE_IDS, "/clients/": sample_client_with_long_notes}


@pytest.fixture
def people(request):
    """The personas (other_peacekeeper too: SAMPLE_IDS hooks may name it) and demo neighborhoods."""
    seed_neighborhoods()
    return {name: request.getfixturevalue(name) for name in [*ROLES, "other_peacekeeper"]}


def signed_in_page(new_context, base_url: str, user):
    """A page in a context of its own, signed in as `user` through the login form."""
    page = new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}).new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return page


def test_no_page_scrolls_sideways_at_320_390_or_768_px_for_any_role(new_context, live_server, people):
    routes = a11y.swept_routes()
    samples = a11y.SampleIds(people, SAMPLE_IDS)
    too_wide, odd_container, measured = [], [], 0
    for role in ROLES:
        page = signed_in_page(new_context, live_server.url, people[role])
        result = a11y.Sweep(role)
        pages = a11y.html_pages(page, live_server.url, routes, samples, result)
        assert pages and not result.errors, f"as {role}: opened {pages}, broken {result.errors}"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            for url in pages:
                page.goto(live_server.url + url)
                measured += 1
                scroll, container = page.evaluate(
                    "[document.documentElement.scrollWidth, document.querySelector('main').className]"
                )
                # Django's admin keeps its own look; every page of ours shares one container.
                ours = not url.startswith(a11y.ADMIN_PREFIX)
                if width == WIDTHS[-1] and ours and container.split()[0] != "container":
                    odd_container.append(f"{role} {url}: <main class={container!r}>")
                if scroll > width:
                    too_wide.append(f"{role} {url} @ {width}px: {scroll}px, {page.evaluate(WIDEST_ELEMENTS_JS)}")
        page.context.close()
    print(f"{measured} page views measured")
    assert not too_wide, f"{len(too_wide)} page views wider than the screen:\n" + "\n".join(too_wide)
    assert not odd_container, "every page, lists too, in the same .container:\n" + "\n".join(odd_container)


TAP_PAGES = {
    # The client page first: it makes the sample client, so the lists and dashboards have rows.
    "peacekeeper": [
        "/clients/<int:pk>/",
        "/",
        "/clients/",
        "/clients/<int:pk>/contacts/new/",
        "/clients/<int:pk>/goals/new/",
        "/clients/new/",
        "/incidents/",
        "/incidents/<int:pk>/",
        "/mediations/",
        "/accounts/password/",
        "/response-tasks/<int:pk>/",
    ],
    "manager": [
        "/clients/<int:pk>/",
        "/",
        "/clients/",
        "/clients/<int:pk>/edit/",
        "/incidents/",
        "/incidents/new/",
        "/incidents/<int:pk>/",
        "/mediations/new/",
        "/accounts/two-factor/",
        "/reports/quarterly/<year:year>/<quarter:quarter>/public/",
        "/reports/public-copies/<int:pk>/",
        "/reports/quarterly/<year:year>/<quarter:quarter>/public/v<version:version>/",
        "/response-cases/",
        "/response-cases/<int:pk>/",
    ],
    # Django's own admin pages keep their look (not measured); the access log is ours.
    "admin_user": ["/audit/"],
    "analyst": ["/", "/reports/", "/reports/quarterly/<year:year>/<quarter:quarter>/", "/incidents/"],
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_tap_targets_on_the_main_pages_are_44_px_on_a_phone(new_context, live_server, people, language):
    """In Spanish too: its longer words wrap labels and buttons onto other lines than English's."""
    if language != "en":
        for user in people.values():
            Preferences.objects.update_or_create(user=user, defaults={"language": language})
    samples = a11y.SampleIds(people, SAMPLE_IDS)
    small, off_centre, measured = [], [], 0
    for role, routes in TAP_PAGES.items():
        page = signed_in_page(new_context, live_server.url, people[role])
        page.set_viewport_size(PHONE)
        for route in routes:
            url = samples.url(route)
            response = page.goto(live_server.url + url)
            assert response.status == 200, f"{role} {url}: {response.status}"
            measured += 1
            small += [f"{role} {url}: {target}" for target in page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)]
            off_centre += [f"{role} {url}: {label}" for label in page.evaluate(OFF_CENTRE_BUTTONS_JS)]
        page.context.close()
    print(f"{measured} pages measured")
    assert not small, f"{len(small)} tap targets under {MIN_TARGET} px on a phone:\n" + "\n".join(small)
    assert not off_centre, "button labels not centred:\n" + "\n".join(off_centre)


def test_after_saving_a_contact_on_a_phone_the_peacekeeper_sees_it_above_the_case_card(
    page, sign_in, live_server, jamal
):
    ContactFactory(client=jamal, notes=LONG_NOTE)
    page.set_viewport_size(PHONE)
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}/clients/{jamal.pk}/contacts/new/")
    page.get_by_label("Duration (minutes)").fill("25")
    page.get_by_label("Kind").select_option(label="Phone")
    page.get_by_label("Notes").fill("Checked in about the job interview.")
    page.get_by_role("button", name="Save contact").click()

    contact = Contact.objects.get(client=jamal, notes__startswith="Checked in")
    assert page.url.endswith(f"/clients/{jamal.pk}/#contact-{contact.pk}")
    entry = page.locator(f"#contact-{contact.pk}")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("Checked in about the job interview.")
    contacts = page.get_by_role("heading", name="Contacts (2)").bounding_box()
    case = page.get_by_role("heading", name="Case", exact=True).bounding_box()
    assert contacts["y"] < case["y"], "on a phone the contacts come before the case card"

    # The long note is folded; "Show more" opens it without a script.
    fold = page.locator("details.note-fold")
    expect(fold.get_by_text("aaaa")).to_be_hidden()
    fold.get_by_text("Show more").click()
    expect(fold.get_by_text("Show less")).to_be_visible()
    expect(fold.locator("p")).to_contain_text("a" * 400)

    page.set_viewport_size(a11y.DESKTOP)
    contacts = page.get_by_role("heading", name="Contacts (2)").bounding_box()
    case = page.get_by_role("heading", name="Case", exact=True).bounding_box()
    goals = page.get_by_role("heading", name="Life-plan goals").bounding_box()
    assert case["x"] < contacts["x"], "on a wide screen the case card is on the left"
    assert case["y"] == pytest.approx(goals["y"], abs=40) and goals["y"] < contacts["y"]
