"""Bad input everywhere: random and hostile text never causes a 500, never stores an invalid
record, and is escaped wherever it is shown."""

import io

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.importer import COLUMNS, import_incidents
from incidents.models import Incident
from outreach.models import Contact
from tests.forms import keyed

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE incidents_incident; --",
            "\x00",
            "x" * 5000,
            '=HYPERLINK("http://evil")',
            "2018-02-30",
            "-1",
            "NaN",
            "Infinity",
            "1e309",
            "١٢",  # Arabic-Indic digits
            "\u202e",
        ]
    ),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@FUZZ
@given(cells=st.lists(HOSTILE, min_size=len(COLUMNS), max_size=len(COLUMNS)))
def test_the_import_never_crashes_and_never_stores_an_invalid_incident(db, cells):
    line = ",".join(_csv_cell(c) for c in cells)
    with transaction.atomic():
        report = import_incidents(io.StringIO(",".join(COLUMNS) + "\n" + line + "\n"), dry_run=False)
        if report.ok:
            for incident in Incident.objects.all():
                incident.full_clean()
        else:
            assert not Incident.objects.exists()
        transaction.set_rollback(True)


@FUZZ
@given(
    notes=HOSTILE,
    location=HOSTILE,
    duration=st.one_of(HOSTILE, st.integers(-(10**6), 10**6).map(str)),
    kind=HOSTILE,
)
def test_the_contact_form_never_fails_and_escapes_what_it_shows(
    client, peacekeeper, jamal, notes, location, duration, kind
):
    client.force_login(peacekeeper)
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": duration,
        "kind": kind,
        "location": location,
        "notes": notes,
        "topics": [kind],
    }
    with transaction.atomic():
        response = client.post(reverse("outreach:contact_create", args=[jamal.pk]), keyed(data))
        assert response.status_code in (200, 302)
        for contact in Contact.objects.all():
            contact.full_clean()
        page = client.get(jamal.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in page
        transaction.set_rollback(True)


@FUZZ
@given(first=HOSTILE, last=HOSTILE, phone=HOSTILE, dob=HOSTILE)
def test_the_client_form_never_fails(client, manager, first, last, phone, dob):
    client.force_login(manager)
    data = {
        "first_name": first,
        "last_name": last,
        "phone": phone,
        "date_of_birth": dob,
        "risk_level": "high",
        "referral_source": "police",
        "referred_on": timezone.localdate().isoformat(),
        "status": "referred",
        "not_a_duplicate": "on",
    }
    with transaction.atomic():
        response = client.post(reverse("outreach:client_create"), keyed(data))
        assert response.status_code in (200, 302)
        assert "<script>alert(1)</script>" not in response.content.decode()
        transaction.set_rollback(True)


@FUZZ
@given(q=HOSTILE, sort=HOSTILE, page=HOSTILE, per_page=HOSTILE, after=HOSTILE)
def test_lists_never_fail_on_hostile_query_strings(client, manager, q, sort, page, per_page, after):
    client.force_login(manager)
    for url in (reverse("outreach:client_list"), reverse("incidents:incident_list")):
        params = {
            "q": q,
            "sort": sort,
            "page": page,
            "per_page": per_page,
            "occurred_after": after,
            "enrolled_after": after,
        }
        response = client.get(url, params)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def _post_never_fails(client, url, data):
    with transaction.atomic():
        response = client.post(url, keyed(data))
        assert response.status_code in (200, 302), response.status_code
        assert "<script>alert(1)</script>" not in response.content.decode()
        transaction.set_rollback(True)


@FUZZ
@given(case=HOSTILE, kind=HOSTILE, when=HOSTILE, killed=HOSTILE, injured=HOSTILE, lat=HOSTILE, text=HOSTILE)
def test_the_incident_form_never_fails(client, analyst, case, kind, when, killed, injured, lat, text):
    client.force_login(analyst)
    data = {
        "case_number": case,
        "kind": kind,
        "occurred_at": when,
        "killed": killed,
        "injured": injured,
        "weapon": "firearm",
        "latitude": lat,
        "longitude": lat,
        "address": text,
        "description": text,
        "source": "police",
        "retaliation_risk": "low",
        "status": "open",
    }
    with transaction.atomic():
        response = client.post(reverse("incidents:incident_create"), keyed(data))
        assert response.status_code in (200, 302)
        for incident in Incident.objects.all():
            incident.full_clean()
        transaction.set_rollback(True)


@FUZZ
@given(description=HOSTILE, status=HOSTILE, achieved=HOSTILE, service=HOSTILE, day=HOSTILE)
def test_goal_referral_and_mediation_forms_never_fail(
    client, peacekeeper, jamal, description, status, achieved, service, day
):
    from tests.factories import PartnerFactory

    partner = PartnerFactory()
    client.force_login(peacekeeper)
    _post_never_fails(
        client,
        reverse("outreach:goal_create", args=[jamal.pk]),
        {"domain": "education", "description": description, "status": status, "achieved_on": achieved},
    )
    _post_never_fails(
        client,
        reverse("outreach:referral_create", args=[jamal.pk]),
        {"partner": partner.pk, "service": service, "referred_on": day, "status": status},
    )
    _post_never_fails(
        client,
        reverse("incidents:mediation_create"),
        {
            "occurred_on": day,
            "peacekeepers": [peacekeeper.pk],
            "parties": description,
            "outcome": status,
            "incident_case_number": service,
        },
    )
