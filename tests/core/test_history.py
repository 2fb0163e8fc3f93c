"""The history pages read as a manager reads them: labels, names, local times, one entry per save."""

import datetime
import io
import re

import pghistory
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from core import history
from outreach.models import Client, Contact, SecondaryPeacekeeper
from tests.factories import ContactFactory, IncidentFactory, NeighborhoodFactory
from tests.forms import keyed
from tests.outreach.test_client_views import post_edit


def _edit_data(record: Client, **changes) -> dict:
    data = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "risk_level": record.risk_level,
        "referral_source": record.referral_source,
        "referred_on": record.referred_on.isoformat(),
        "status": record.status,
        "enrolled_on": record.enrolled_on.isoformat() if record.enrolled_on else "",
        "primary_peacekeeper": record.primary_peacekeeper_id or "",
        "neighborhood": record.neighborhood_id or "",
    }
    return {**data, **changes}


def _text(response) -> str:
    """The page's words, one space between them."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def _history(client, record: Client, **params) -> str:
    return _text(client.get(reverse("outreach:client_history", args=[record.pk]), params))


# Each save its own transaction, as in production (inside one test transaction every event has the
# same time, and the order of saves is the order of their contexts).
@pytest.mark.django_db(transaction=True)
def test_a_reassignment_is_one_entry_with_names_and_who(client, manager, other_peacekeeper, jamal):
    client.force_login(manager)
    url = reverse("outreach:client_edit", args=[jamal.pk])
    grover = jamal.primary_peacekeeper_id
    data = _edit_data(jamal, primary_peacekeeper=other_peacekeeper.pk, secondary_peacekeepers=[grover])
    assert post_edit(client, url, data).status_code == 302
    events = history.events_for(jamal)
    newest = events[0]
    assert newest.who == "Lindsay Brown"
    assert newest.links == ["Grover Crump put on the case (secondary peacekeeper)"]
    # One entry: the client's change (and the enrolment period the save keeps beside it, for a
    # client made without one, as the factory makes them).
    titles = [p.title for p in newest.parts]
    assert titles[0] == "Client changed" and set(titles[1:]) <= {"Enrolment period created"}, titles
    part = newest.parts[0]
    assert [(c.label, c.before, c.after) for c in part.changes] == [
        ("Primary peacekeeper", "Grover Crump", "Maria Lopez")
    ]
    page = _history(client, jamal)
    assert "primary_peacekeeper" not in page and "Updated at" not in page

    # Taken off again: one more entry, saying so.
    data = _edit_data(jamal, primary_peacekeeper=other_peacekeeper.pk)
    jamal.refresh_from_db()
    assert post_edit(client, url, data).status_code == 302
    assert history.events_for(jamal)[0].links == ["Grover Crump taken off the case (secondary peacekeeper)"]


def test_values_are_labels_yes_no_lists_and_local_times(client, manager, peacekeeper, jamal):
    contact = ContactFactory(
        client=jamal,
        peacekeeper=peacekeeper,
        kind="court_school",
        topics=["family", "legal"],
        conflict_risk=False,
        occurred_at=datetime.datetime(2026, 3, 4, 18, 30, tzinfo=datetime.UTC),
    )
    [entry] = [e for e in history.events_for(jamal) if any(p.title == "Contact created" for p in e.parts)]
    [part] = [p for p in entry.parts if p.title == "Contact created"]
    changes = {c.label: c.after for c in part.changes}
    assert changes["Kind"] == "Court / school accompaniment"
    assert changes["Topics"] == "Family, Legal"
    assert changes["Conflict or retaliation risk"] == "No"
    assert changes["Peacekeeper"] == "Grover Crump"
    assert changes["Occurred at"] == "Mar 4, 2026, 10:30 AM"  # Los Angeles, not UTC
    assert "Client" not in changes  # the page is the client's: no link back to itself
    assert part.description == str(contact)
    assert not {"Id", "Form key", "Created at", "Updated at"} & set(changes)
    assert entry.who == "by the system"  # a factory has no person behind it


def test_foreign_keys_show_names(client, manager, jamal):
    north = NeighborhoodFactory(name="North Side")
    with pghistory.context(user=manager.pk):
        Client.objects.filter(pk=jamal.pk).update(neighborhood=north)
    changes = {c.label: (c.before, c.after) for c in history.events_for(jamal)[0].parts[0].changes}
    assert changes == {"Neighborhood": (jamal.neighborhood.name, "North Side")}


def test_an_import_says_its_file(db):
    from incidents.importer import COLUMNS, import_incidents

    header = ",".join(COLUMNS)
    import_incidents(
        io.StringIO(f"{header}\nSPD-9,2018-03-01,homicide,,,,,1,0,firearm,\n"),
        dry_run=False,
        source="import_incidents march.csv",
        file_name="march.csv",
    )
    from incidents.models import Incident

    entry = history.events_for(Incident.objects.get())[0]
    assert entry.who == "by the import of march.csv"
    changes = {c.label: c.after for c in entry.parts[0].changes}
    assert changes["Kind"] == "Homicide" and changes["Weapon"] == "Firearm" and changes["Group related"] == "No"


def test_an_older_import_row_still_names_its_file(db, manager):
    assert history._who({"source": "web import april.csv", "user": manager.pk}, history._Names()) == (
        f"by the import of april.csv (uploaded by user #{manager.pk})"
    )


def test_the_incident_history_page(client, manager):
    incident = IncidentFactory(kind="homicide", weapon="knife")
    client.force_login(manager)
    page = _text(client.get(reverse("incidents:incident_history", args=[incident.pk])))
    assert "Incident created" in page and "Knife" in page and "knife" not in page


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "x" * 10_000, "🙂 emoji"])
def test_hostile_text_is_escaped(client, manager, jamal, text):
    ContactFactory(client=jamal, notes=text)
    client.force_login(manager)
    body = client.get(reverse("outreach:client_history", args=[jamal.pk])).content.decode()
    assert "<script>alert" not in body
    assert (text if "<" not in text else "&lt;script&gt;alert(1)&lt;/script&gt;") in body.replace("&#x27;", "'")


def test_the_history_of_a_client_out_of_scope_is_404(client, peacekeeper, andre):
    client.force_login(peacekeeper)
    assert client.get(reverse("outreach:client_history", args=[andre.pk])).status_code == 404
    assert client.get(reverse("outreach:client_history", args=[999_999])).status_code == 404


def _saves(record: Client, n: int, by) -> None:
    for i in range(n):
        with pghistory.context(user=by.pk):
            Client.objects.filter(pk=record.pk).update(nickname=f"n{i}", updated_at=timezone.now())


@pytest.mark.parametrize("saves", [3, 120])
def test_the_page_costs_the_same_queries_however_long_the_history(
    client, manager, peacekeeper, jamal, saves, django_assert_max_num_queries
):
    _saves(jamal, saves, manager)
    ContactFactory.create_batch(3, client=jamal, peacekeeper=peacekeeper)
    SecondaryPeacekeeper.objects.create(client=jamal, user=peacekeeper)
    client.force_login(manager)
    client.get("/health/")
    url = reverse("outreach:client_history", args=[jamal.pk])
    # session, user, roles, client, access log (+ savepoint/release), saves count, page of saves, events,
    # names: users, clients
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    # The saves, and the factory's rows (no audit context, one transaction: one entry).
    assert len(response.context["events"]) == min(history.PER_PAGE, saves + 1)


def test_pages_split_by_save_not_by_row(client, manager, peacekeeper, jamal):
    _saves(jamal, history.PER_PAGE + 5, manager)
    client.force_login(manager)
    first = client.get(reverse("outreach:client_history", args=[jamal.pk])).context["events"]
    second = client.get(reverse("outreach:client_history", args=[jamal.pk]), {"page": 2}).context["events"]
    assert len(first) == history.PER_PAGE and len(second) == 6  # PER_PAGE + 5 saves and the creation
    assert second[-1].parts[0].title == "Client created"


def test_a_garbage_page_number_shows_a_page(client, manager, jamal):
    client.force_login(manager)
    for page in ("abc", "-1", "99999", "1\x00"):
        assert client.get(reverse("outreach:client_history", args=[jamal.pk]), {"page": page}).status_code == 200


def test_a_contact_logged_through_the_form_names_who(client, peacekeeper, manager, jamal):
    client.force_login(peacekeeper)
    client.post(
        reverse("outreach:contact_create", args=[jamal.pk]),
        keyed({"occurred_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}", "duration_minutes": 20, "kind": "phone"}),
    )
    assert Contact.objects.filter(client=jamal).exists()
    entry = history.events_for(jamal)[0]
    assert entry.who == "Grover Crump" and entry.parts[0].title == "Contact created"


def test_a_deleted_row_is_said_as_deleted(jamal):
    record = jamal
    contact = ContactFactory(client=record)
    contact_pk = contact.pk
    contact.delete()
    titles = [p.title for p in history.events_for(record)[0].parts]
    # The client's enrolment period (tests.factories, as the services make it) is in the same save.
    assert titles == ["Client created", "Contact deleted", "Enrolment period created"] and contact_pk


def test_a_web_import_says_its_file_and_who_uploaded_it(analyst):
    import zlib

    from incidents import tasks
    from incidents.importer import COLUMNS
    from incidents.models import ImportStatus, Incident, IncidentImport

    content = f"{','.join(COLUMNS)}\nSPD-7,2018-03-01,homicide,,,,,1,0,firearm,\n".encode()
    job = IncidentImport.objects.create(
        filename="police <april>.csv", content=zlib.compress(content), uploaded_by=analyst
    )
    assert tasks.run_import_job(job.pk, apply=False)["status"] == ImportStatus.READY
    IncidentImport.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORT_WAITING)
    assert tasks.run_import_job(job.pk, apply=True)["status"] == ImportStatus.IMPORTED
    entry = history.events_for(Incident.objects.get())[0]
    assert entry.who == "by the import of police <april>.csv (uploaded by Keiland Henderson)"


def test_the_import_command_says_its_file(tmp_path, db):
    from django.core.management import call_command

    from incidents.importer import COLUMNS
    from incidents.models import Incident

    path = tmp_path / "may.csv"
    path.write_text(f"{','.join(COLUMNS)}\nSPD-8,2018-03-01,homicide,,,,,1,0,firearm,\n")
    call_command("import_incidents", str(path), stdout=io.StringIO())
    assert history.events_for(Incident.objects.get())[0].who == "by the import of may.csv"


def test_the_page_escapes_an_import_file_name(client, manager):
    incident = IncidentFactory()
    with pghistory.context(source="web import x", import_file="<script>x</script>.csv"):
        type(incident).objects.filter(pk=incident.pk).update(description="changed")
    client.force_login(manager)
    body = client.get(reverse("incidents:incident_history", args=[incident.pk])).content.decode()
    assert "<script>x" not in body and "By the import of &lt;script&gt;x&lt;/script&gt;.csv" in body


def test_a_column_the_model_no_longer_has_is_named_in_words():
    assert history._label("old_referrer_id", None) == "Old referrer"


@pytest.mark.parametrize("responses", [1, 60])
def test_the_incident_history_costs_the_same_queries_however_long(
    client, manager, peacekeeper, jamal, responses, django_assert_max_num_queries
):
    from tests.factories import InvolvementFactory, ResponseFactory

    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=jamal)
    for _ in range(responses):
        with pghistory.context(user=peacekeeper.pk):
            ResponseFactory(incident=incident, peacekeeper=peacekeeper)
    client.force_login(manager)
    client.get("/health/")
    # session, user, roles, incident, (savepoint/release), saves count, page of saves, events,
    # names: users, clients, incidents, neighborhoods
    with django_assert_max_num_queries(14):
        page = client.get(reverse("incidents:incident_history", args=[incident.pk]))
    assert page.status_code == 200
    text = _text(page)
    assert "Response created" in text and "Scene response" in text and "Grover Crump" in text
    if responses == 1:  # otherwise on the last page
        assert "Involvement created" in text and jamal.code in text and "Victim" in text
