"""Field mode in a real browser at phone width: a contact logged with no network is kept encrypted
on the phone, then sent exactly once when the network is back."""

import contextlib
import json
import re
import time

import pytest
from django.db import connection
from playwright.sync_api import Error, expect

from outreach.models import Client, Contact
from tests.browser import a11y
from tests.browser.conftest import PHONE

NOTES = "Met by the laundromat; he says the Eastside beef is cooling off."

READ_EVERYTHING_KEPT = """async () => {
  const records = await new Promise((resolve, reject) => {
    const open = indexedDB.open("peacekeeper-field", 1);
    open.onsuccess = () => {
      const request = open.result.transaction("outbox").objectStore("outbox").getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    };
    open.onerror = () => reject(open.error);
  });
  const pages = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      pages.push(name + " " + new URL(request.url).pathname + " " + (await (await cache.match(request)).text()));
    }
  }
  return {records, pages, session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage)};
}"""

SEND_AGAIN = """async (envelope) => {
  const session = await (await fetch("/field/sync/")).json();
  const response = await fetch("/field/sync/", {method: "POST", headers: {"Content-Type": "application/json",
    "X-CSRFToken": session.csrf, "X-Test-Send-Again": "1"}, body: JSON.stringify(envelope)});
  return {status: response.status, body: await response.json()};
}"""


@pytest.fixture(autouse=True)
def _browser_closed_before_the_database_is_emptied(transactional_db, context):
    """Field mode keeps working in the background (replays, keeping pages): the browser is closed
    before the live server's database is emptied for the next test, or the two deadlock."""
    yield
    context.close()
    # A request the page sent just before closing may still be running in the live server: wait
    # until nothing but this connection is busy in the database.
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)


def _controlled(page, tries: int) -> bool:
    for _ in range(tries):
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            return True
        page.wait_for_timeout(100)
    return False


def _wait_for_the_service_worker(page) -> None:
    """Until the service worker controls the page (polled from here: the CSP refuses Playwright's eval).

    A page that loaded while the worker was still installing is sometimes left uncontrolled by
    Chromium despite clients.claim(); the next load of it is controlled, as on a real phone."""
    if _controlled(page, 50):
        return
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
    assert _controlled(page, 100), "The service worker never took control of the page."


def _synced_on_a_phone(page, sign_in, live_server, user) -> None:
    """Signed in at phone width, field mode's pages kept on the phone and its service worker in control."""
    page.set_viewport_size(PHONE)
    sign_in(user)
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
    _wait_for_the_service_worker(page)


def _kept_names(page) -> list[str]:
    return page.evaluate("async () => (await caches.keys()).filter((name) => name.startsWith('pk-field-u'))")


def test_a_contact_logged_offline_is_kept_sealed_and_sent_once(page, context, sign_in, live_server, jamal, field_keys):
    page.set_viewport_size(PHONE)
    peacekeeper = jamal.primary_peacekeeper
    sign_in(peacekeeper)
    page.goto(f"{live_server.url}/field/")
    status = page.locator("#field-status")
    expect(status).to_have_text("Field mode: online · 0 not sent")
    # The sync: this page and Jamal's contact form are kept, and the service worker controls the page.
    expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
    _wait_for_the_service_worker(page)
    assert _kept_names(page) == [f"pk-field-u{peacekeeper.pk}"]

    context.set_offline(True)
    expect(status).to_have_text("Field mode: offline · 0 not sent")
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()
    expect(page.get_by_text("You are offline. Saving keeps this contact on this phone")).to_be_visible()
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_role("button", name="Save contact").click()

    expect(page).to_have_url(re.compile(r"/field/\?saved=1$"))
    expect(status).to_have_text("Field mode: offline · 1 not sent")
    expect(page.get_by_text("Saved on this phone, encrypted.")).to_be_visible()
    expect(page.locator("#field-outbox-list")).to_contain_text(f"Contact with {jamal.full_name} ({jamal.code})")
    expect(page.locator("#field-outbox-list")).to_contain_text("waiting to be sent")
    page.reload()  # offline still: the kept page, and the outbox read from IndexedDB
    expect(status).to_have_text("Field mode: offline · 1 not sent")
    # The scripts' strings come from the service worker's cache too: offline, gettext is still there.
    assert page.evaluate("typeof gettext === 'function' && typeof interpolate === 'function'")
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size(PHONE)
    kept = page.evaluate(READ_EVERYTHING_KEPT)
    assert len(kept["records"]) == 1
    record = kept["records"][0]
    assert set(record["envelope"]) == {"key_id", "wrapped_key", "iv", "ciphertext"}
    # Nothing on the phone holds the notes in the clear: not the outbox, the kept pages or a draft.
    everything = json.dumps(kept)
    assert "laundromat" not in everything and "Eastside" not in everything
    assert not Contact.objects.exists()

    context.set_offline(False)
    expect(status).to_have_text("Field mode: online · 0 not sent", timeout=15_000)
    expect(page.get_by_text("1 contact sent and saved on the server.")).to_be_visible()
    contact = Contact.objects.get()
    assert (contact.client, contact.peacekeeper, contact.notes) == (jamal, peacekeeper, NOTES)
    assert contact.duration_minutes == 45 and contact.written_offline_at is not None
    assert str(contact.form_key) == record["id"]
    assert page.evaluate(READ_EVERYTHING_KEPT)["records"] == []

    # A second send of the same record (a retry whose first answer was lost) makes no second row.
    again = page.evaluate(SEND_AGAIN, record["envelope"])
    assert again == {"status": 200, "body": {"contact": contact.pk, "url": jamal.get_absolute_url(), "created": False}}
    page.evaluate("() => window.peacekeeperField.flush()")
    assert Contact.objects.count() == 1

    # Signing out deletes the kept caseload and forms: the next person on this phone gets none of it.
    page.get_by_role("button", name="Menu").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert _kept_names(page) == []


def test_a_record_the_server_refuses_stays_with_its_reason(page, context, sign_in, live_server, jamal, field_keys):
    _synced_on_a_phone(page, sign_in, live_server, jamal.primary_peacekeeper)
    context.set_offline(True)
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    page.get_by_label("Duration (minutes)").fill("900")  # over the 12-hour limit
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("#field-status")).to_have_text("Field mode: offline · 1 not sent")

    context.set_offline(False)
    outbox = page.locator("#field-outbox-list")
    expect(outbox).to_contain_text("not saved", timeout=15_000)
    expect(outbox).to_contain_text("Duration (minutes): Enter a duration between 1 and 720 minutes")
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 1 not sent")
    assert not Contact.objects.exists()
    # Signing out with it still waiting asks first; "Cancel" stays signed in.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Field mode", level=1)).to_be_visible()
    page.wait_for_timeout(500)
    assert asked and asked[0].startswith("1 contact is not sent yet.")
    expect(page).to_have_url(re.compile(r"/field/(\?saved=1)?$"))
    # Correcting it reopens the contact form with the entries, from the server; the sealed record
    # stays on the phone meanwhile, and nothing of it is stored unencrypted.
    page.get_by_role("button", name="Correct on the form").click()
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()
    expect(page.get_by_label("Duration (minutes)")).to_have_value("900")
    expect(page.get_by_text("Correcting a contact saved on this phone.")).to_be_visible()
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 1 not sent")
    kept = page.evaluate(READ_EVERYTHING_KEPT)
    assert len(kept["records"]) == 1 and "900" not in kept["session"] + kept["local"]

    # The tab is closed mid-correction: the record is still there, with its reason.
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("#field-outbox-list")).to_contain_text("Enter a duration between 1 and 720 minutes")

    # Corrected and saved: one contact, under the record's own key, and the record leaves the phone.
    page.get_by_role("button", name="Correct on the form").click()
    expect(page.get_by_label("Duration (minutes)")).to_have_value("900")
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 0 not sent", timeout=15_000)
    contact = Contact.objects.get()
    assert contact.duration_minutes == 90 and str(contact.form_key) == kept["records"][0]["id"]
    assert page.evaluate(READ_EVERYTHING_KEPT)["records"] == []


def test_a_contact_for_a_client_who_left_the_caseload_keeps_what_was_written(
    page, context, sign_in, live_server, jamal, other_peacekeeper, field_keys
):
    _synced_on_a_phone(page, sign_in, live_server, jamal.primary_peacekeeper)
    context.set_offline(True)
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("#field-status")).to_have_text("Field mode: offline · 1 not sent")
    Client.objects.filter(pk=jamal.pk).update(primary_peacekeeper=other_peacekeeper)  # reassigned meanwhile

    context.set_offline(False)
    outbox = page.locator("#field-outbox-list")
    expect(outbox).to_contain_text("not on your caseload", timeout=15_000)
    page.get_by_role("button", name="Show what I wrote").click()
    expect(page.get_by_label("What you wrote")).to_have_value(re.compile("laundromat"))
    assert not Contact.objects.exists()


def test_the_field_page_meets_wcag_21_aa(new_context, live_server, jamal, other_peacekeeper, field_keys):
    context = new_context(bypass_csp=True, viewport=a11y.DESKTOP)  # axe is injected as an inline script
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(jamal.primary_peacekeeper.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    people = {"peacekeeper": jamal.primary_peacekeeper, "other_peacekeeper": other_peacekeeper}
    try:
        result = a11y.sweep(page, live_server.url, ["/field/"], a11y.SampleIds(people), a11y.Sweep("peacekeeper"))
    finally:
        # The field page keeps the caseload's forms in the background: stop it (and its service worker) before
        # the database is emptied for the next test, or the two deadlock (seen in a fresh-clone run).
        context.close()
    print(result.summary())
    assert result.checked and not result.errors and not result.failing, result.summary()


def test_an_expired_session_keeps_the_outbox_for_its_writer_alone(
    page, context, sign_in, live_server, jamal, other_peacekeeper, field_keys
):
    grover = jamal.primary_peacekeeper
    _synced_on_a_phone(page, sign_in, live_server, grover)
    context.set_offline(True)
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    page.get_by_label("Duration (minutes)").fill("20")
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("#field-status")).to_have_text("Field mode: offline · 1 not sent")

    # The session ends while the phone is offline: back online, nothing is sent, and the page says so.
    context.clear_cookies()
    context.set_offline(False)
    expect(page.get_by_text("Sign in to send 1 saved contact.")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("link", name="Sign in")).to_have_attribute("href", "/accounts/login/?next=%2Ffield%2F")
    assert not Contact.objects.exists()

    # The sign-in page says contacts wait on this phone (not whose).
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_text("Contacts written offline are waiting on this phone")).to_be_visible()

    # Someone else signs in on this phone: Grover's kept pages are gone, his record is neither
    # shown nor sent, and Maria's own count is 0.
    sign_in(other_peacekeeper)
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 0 not sent")
    expect(page.locator("#field-outbox-list")).to_be_empty()
    assert _kept_names(page) in ([], [f"pk-field-u{other_peacekeeper.pk}"])
    assert not Contact.objects.exists()
    page.get_by_role("button", name="Menu").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    # Grover signs in again (a fresh session and CSRF token): his contact goes, once.
    sign_in(grover)
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 0 not sent", timeout=15_000)
    contact = Contact.objects.get()
    assert (contact.client, contact.peacekeeper, contact.notes) == (jamal, grover, NOTES)


def _log_offline(page, client, minutes: str, notes: str) -> None:
    page.goto(page.url.split("/field/")[0] + "/field/")  # the kept page, offline
    page.get_by_role("link", name=f"Log contact with {client.full_name}").click()
    expect(page.get_by_role("heading", name=re.compile("^New contact"), level=1)).to_be_visible()
    page.get_by_label("Duration (minutes)").fill(minutes)
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save contact").click()
    expect(page).to_have_url(re.compile(r"/field/\?saved=1$"))


def test_three_contacts_for_two_clients_arrive_once_through_a_double_replay_and_a_dropped_answer(
    page, context, sign_in, live_server, jamal, field_keys
):
    from tests.factories import ClientFactory

    grover = jamal.primary_peacekeeper
    keisha = ClientFactory(first_name="Keisha", last_name="Moore", primary_peacekeeper=grover)
    _synced_on_a_phone(page, sign_in, live_server, grover)

    context.set_offline(True)
    _log_offline(page, jamal, "30", "First talk: the laundromat.")
    _log_offline(page, keisha, "15", "Keisha: school meeting on Monday.")
    _log_offline(page, jamal, "20", "Second talk: he stayed in last night.")
    status = page.locator("#field-status")
    expect(status).to_have_text("Field mode: offline · 3 not sent")
    page.reload()  # still offline: the kept page, the outbox read again from IndexedDB
    expect(status).to_have_text("Field mode: offline · 3 not sent")
    expect(page.locator("#field-outbox-list li")).to_have_count(3)
    assert not Contact.objects.exists()

    # The network drops mid-send: the first record reaches the server and is saved, but its answer
    # never comes back. The phone cannot know it was saved; it sends it again later.
    dropped = []

    def drop_the_first_answer(route):
        # The phone's own replay, not the test's two sends outside the lock (which may come first on a busy machine).
        if route.request.method == "POST" and not dropped and "x-test-send-again" not in route.request.headers:
            dropped.append(route.fetch().status)  # the server gets it and answers...
            route.abort("internetdisconnected")  # ...and the phone never hears the answer
        else:
            route.continue_()

    first_kept = page.evaluate(READ_EVERYTHING_KEPT)["records"][0]["envelope"]
    context.route(re.compile(r"/field/sync/$"), drop_the_first_answer)
    # Back online: the "online" event replays; at the same moment a second tab replays, this one
    # asks to replay again, and a record is sent twice at once outside the outbox's lock.
    second = context.new_page()
    context.set_offline(False)
    second.goto(f"{live_server.url}/field/")
    page.evaluate("() => Promise.all([window.peacekeeperField.flush(), window.peacekeeperField.flush()])")
    twice = page.evaluate(f"(e) => Promise.all([({SEND_AGAIN})(e), ({SEND_AGAIN})(e)])", first_kept)
    assert {answer["status"] for answer in twice} <= {200, 201}
    expect(status).to_have_text("Field mode: online · 0 not sent", timeout=30_000)
    expect(second.locator("#field-status")).to_have_text("Field mode: online · 0 not sent", timeout=30_000)
    assert len(dropped) == 1 and dropped[0] in (200, 201)  # saved by that send, or by one of the two before it

    contacts = Contact.objects.order_by("occurred_at", "pk")
    assert sorted((c.client_id, c.notes) for c in contacts) == sorted(
        [
            (jamal.pk, "First talk: the laundromat."),
            (keisha.pk, "Keisha: school meeting on Monday."),
            (jamal.pk, "Second talk: he stayed in last night."),
        ]
    )
    assert all(c.peacekeeper == grover and c.written_offline_at is not None for c in contacts)
    assert page.evaluate(READ_EVERYTHING_KEPT)["records"] == []
    context.unroute(re.compile(r"/field/sync/$"))
    second.close()


def test_a_network_that_says_online_but_never_answers_keeps_the_contact_on_the_phone(
    page, context, sign_in, live_server, jamal, field_keys
):
    page.set_viewport_size(PHONE)
    sign_in(jamal.primary_peacekeeper)
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    page.get_by_label("Duration (minutes)").fill("25")
    page.get_by_label("Notes").fill(NOTES)
    # One bar of signal: the phone believes it is online, and the server's answers never arrive
    # (held, never answered: the check gives up after its few seconds).
    held = []
    context.route(re.compile(r"/field/sync/$"), lambda route: held.append(route))
    page.get_by_role("button", name="Save contact").dblclick()  # an impatient double tap, too
    expect(page).to_have_url(re.compile(r"/field/\?saved=1$"), timeout=15_000)
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 1 not sent")
    assert len(page.evaluate(READ_EVERYTHING_KEPT)["records"]) == 1
    assert not Contact.objects.exists()

    context.unroute(re.compile(r"/field/sync/$"))
    for route in held:
        with contextlib.suppress(Error):  # the page gave up on most of them already
            route.abort()
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 0 not sent", timeout=15_000)
    assert Contact.objects.get().notes == NOTES


def test_a_contact_saved_after_the_session_ended_online_is_kept_and_sent_after_signing_in(
    page, context, sign_in, live_server, jamal, field_keys
):
    grover = jamal.primary_peacekeeper
    page.set_viewport_size(PHONE)
    sign_in(grover)
    page.goto(f"{live_server.url}/field/")
    expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    page.get_by_label("Duration (minutes)").fill("25")
    page.get_by_label("Notes").fill(NOTES)
    context.clear_cookies()  # the session ends while the form is open: a plain post would be lost at sign-in
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert not Contact.objects.exists()
    sign_in(grover)
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 0 not sent", timeout=15_000)
    contact = Contact.objects.get()
    assert (contact.client, contact.peacekeeper, contact.notes) == (jamal, grover, NOTES)


def test_kept_pages_stop_showing_after_their_hours_even_offline(
    page, context, sign_in, live_server, jamal, field_keys, settings
):
    settings.FIELD_MODE_KEPT_HOURS = 0.001  # 3.6 seconds
    _synced_on_a_phone(page, sign_in, live_server, jamal.primary_peacekeeper)
    expect(page.locator("#field-synced")).to_contain_text("for offline use until")
    page.wait_for_timeout(4_000)
    # A phone left signed in, found later with no signal: the caseload is not shown, and is deleted.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text(jamal.full_name)).to_have_count(0)
    assert _kept_names(page) == []


def test_a_contact_written_offline_on_a_phone_in_another_time_zone_takes_the_programs_time(
    new_context, live_server, jamal, field_keys
):
    import datetime

    from django.utils import timezone

    context = new_context(viewport=PHONE, timezone_id="Pacific/Honolulu")  # two or three hours behind
    # The phone's clock runs three hours ahead of the server's, so that the time the phone writes in
    # is told apart from the one the kept form was rendered with.
    ahead = datetime.timedelta(hours=3)
    context.clock.install(time=datetime.datetime.now(datetime.UTC) + ahead)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(jamal.primary_peacekeeper.username)
        page.get_by_label("Password").fill("correct-horse-battery")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/field/")
        expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
        _wait_for_the_service_worker(page)
        context.set_offline(True)
        page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
        expect(page.get_by_label("Date and time")).to_be_visible()
        # What the offline form writes in (field.js fills it in when the kept form opens offline): the
        # phone's "now" in the program's zone, not the phone's own zone.
        zone = page.locator("form[data-field-capture]").get_attribute("data-field-time-zone")
        written = page.evaluate("(zone) => window.peacekeeperField.localMinute(new Date(), zone)", zone)
        phone_now_in_program_zone = (timezone.localtime() + ahead).replace(tzinfo=None)
        assert abs(datetime.datetime.fromisoformat(written) - phone_now_in_program_zone) < datetime.timedelta(
            minutes=2
        ), (written, phone_now_in_program_zone)
    finally:
        context.close()


def test_signing_out_offline_deletes_the_kept_caseload_and_signs_out_once_back_online(
    page, context, sign_in, live_server, jamal, field_keys
):
    grover = jamal.primary_peacekeeper
    page.set_viewport_size(PHONE)
    sign_in(grover)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Field mode", exact=True).click()  # in the menu, not only the status badge
    expect(page.locator("body")).to_have_attribute("data-field-kept", "yes")
    _wait_for_the_service_worker(page)
    context.set_offline(True)
    page.get_by_role("link", name=f"Log contact with {jamal.full_name}").click()
    page.get_by_label("Duration (minutes)").fill("20")
    page.get_by_label("Notes").fill(NOTES)
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("#field-status")).to_have_text("Field mode: offline · 1 not sent")

    told = []
    page.on("dialog", lambda dialog: (told.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_function("() => caches.keys().then(() => true)")
    expect(page.locator("#field-status")).to_be_visible()
    for _ in range(50):
        if _kept_names(page) == [] and told:
            break
        page.wait_for_timeout(100)
    assert _kept_names(page) == [] and told and told[-1].startswith("You are offline.")

    # Back online: signed out at once (the contact may go just before, or at the next sign-in).
    context.set_offline(False)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=15_000)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # the session is gone
    sign_in(grover)
    expect(page.locator("#field-status")).to_have_text("Field mode: online · 0 not sent", timeout=15_000)
    assert Contact.objects.get().notes == NOTES
