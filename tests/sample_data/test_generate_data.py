"""generate_data: synthetic data in proportion to the scale, valid, added to what is there, reproducible."""

import datetime
import io
import statistics
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from accounts.roles import Role
from incidents.models import Incident, Involvement, Mediation, Response, incident_errors
from outreach import services
from outreach.models import Client, Contact, Goal, Referral
from tests.factories import ClientFactory, UserFactory

SCALE = 0.08  # 2 peacekeepers, 80 clients, 4,000 contacts, 800 incidents, 48 mediations


def generate(*, scale: float = SCALE, seed: int = 1) -> str:
    out = io.StringIO()
    call_command("generate_data", scale=scale, seed=seed, stdout=out)
    return out.getvalue()


def synthetic_peacekeepers():
    return User.objects.filter(username__startswith="synthetic-pk-")


def test_it_makes_rows_in_proportion_to_the_scale(db):
    out = generate()
    assert synthetic_peacekeepers().count() == 2
    assert synthetic_peacekeepers().filter(groups__name=Role.PEACEKEEPER).count() == 2
    assert not any(u.has_usable_password() for u in synthetic_peacekeepers())
    assert (Client.objects.count(), Contact.objects.count(), Incident.objects.count()) == (80, 4000, 800)
    assert Mediation.objects.count() == 48
    assert 1.5 <= Goal.objects.count() / 80 <= 3.5
    assert 0.5 <= Referral.objects.count() / 80 <= 1.8
    assert Response.objects.exists() and Involvement.objects.exists()
    now, span = timezone.now(), Incident.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    assert now - datetime.timedelta(days=3655) < span["first"] < now - datetime.timedelta(days=3500)  # ten years
    assert now - datetime.timedelta(days=30) < span["last"] < now
    # Not a terminal: one summary line.
    assert out.count("\n") == 1
    assert "seed 1" in out and "80 clients" in out and "4,000 contacts" in out and "800 incidents" in out


def test_it_adds_to_what_is_there_when_run_twice(db):
    grover = UserFactory(username="grover", roles=[Role.PEACEKEEPER])
    existing = ClientFactory(primary_peacekeeper=grover, code=services.client_code_next(year=2024))
    generate(seed=1)
    generate(seed=1)
    assert synthetic_peacekeepers().count() == 4
    assert Client.objects.count() == 161 and Contact.objects.count() == 8000 and Incident.objects.count() == 1600
    assert Client.objects.filter(pk=existing.pk, code=existing.code).exists()
    # Codes come from the app's own sequence: the next ones it hands out are still free.
    years = {int(code.split("-")[1]) for code in Client.objects.values_list("code", flat=True)}
    for year in years:
        assert not Client.objects.filter(code=services.client_code_next(year=year)).exists()


def fingerprint(after: dict[str, int]) -> tuple:
    """What a run made, without the ids, codes, usernames and case numbers that must differ."""
    clients = Client.objects.filter(pk__gt=after["client"]).order_by("pk")
    return (
        list(clients.values_list("first_name", "last_name", "date_of_birth", "status", "referred_on", "exited_on")),
        list(clients.annotate(n=Count("contacts")).values_list("n", flat=True)),
        list(
            Incident.objects.filter(pk__gt=after["incident"])
            .order_by("pk")
            .values_list("kind", "occurred_at", "killed", "injured", "weapon", "neighborhood__name")
        ),
    )


def last_ids() -> dict[str, int]:
    return {
        "client": Client.objects.aggregate(m=Max("pk"))["m"] or 0,
        "incident": Incident.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def test_the_same_seed_gives_the_same_data(db):
    runs = []
    for seed in (7, 7, 8):
        before = last_ids()
        generate(seed=seed)
        runs.append(fingerprint(before))
    assert runs[0] == runs[1]
    assert runs[0][0] != runs[2][0] and runs[0][2] != runs[2][2]


def test_its_rows_obey_the_model_rules(db):
    generate(seed=3)
    for client in Client.objects.all():
        client.full_clean()
    for contact in Contact.objects.order_by("pk")[::40]:
        contact.full_clean()
    for model in (Goal, Referral, Response, Mediation):
        for row in model.objects.all():
            row.full_clean()
    for incident in Incident.objects.all():
        assert incident_errors(incident) == {}
    # Every contact, in SQL: never before the referral, never in the future, follow-up not before it.
    contacts = Contact.objects.annotate(day=F("occurred_at__date"))
    assert not contacts.filter(day__lt=F("client__referred_on")).exists()
    assert not contacts.filter(occurred_at__gt=timezone.now()).exists()
    assert not contacts.filter(follow_up_on__lt=F("day")).exists()
    assert not Response.objects.filter(responded_at__lt=F("incident__occurred_at")).exists()
    # Only exited clients have exit dates, and every exited client has one with a reason.
    assert not Client.objects.exclude(status="exited").filter(exited_on__isnull=False).exists()
    assert not Client.objects.filter(status="exited", exit_reason="").exists()


def test_contacts_and_incidents_have_realistic_shapes(db):
    generate(scale=0.2, seed=11)  # 200 clients, 10,000 contacts, 2,000 incidents
    per_client = list(Client.objects.annotate(n=Count("contacts")).values_list("n", flat=True))
    assert sum(per_client) == 10_000
    assert statistics.median(per_client) < 40  # the mean is 50: a long tail
    assert sum(n < 50 for n in per_client) > 0.6 * len(per_client)  # most have a few
    assert max(per_client) >= 150  # some have hundreds
    tz = timezone.get_current_timezone()
    months = Counter(timezone.localtime(at, tz).month for at in Incident.objects.values_list("occurred_at", flat=True))
    assert months[7] + months[8] > 1.3 * (months[1] + months[2])  # summer is the violent season
    by_place = Counter(Incident.objects.values_list("neighborhood_id", flat=True))
    assert sum(n for _, n in by_place.most_common(3)) > 0.4 * 2000  # a few neighborhoods carry most


def test_it_writes_the_audit_trail_as_the_triggers_would(db):
    pytest.importorskip("pghistory")
    generate(seed=5)
    for model in (Client, Contact, Goal, Referral, Incident, Response, Involvement, Mediation):
        event_model = next((m for m in apps.get_models() if getattr(m, "pgh_tracked_model", None) is model), None)
        if event_model is None:
            continue
        assert event_model.objects.filter(pgh_label="insert").count() == model.objects.count(), model
    contact = Contact.objects.order_by("pk").last()
    event = next(m for m in apps.get_models() if getattr(m, "pgh_tracked_model", None) is Contact)
    written = event.objects.get(pgh_obj_id=contact.pk)
    assert (written.client_id, written.occurred_at, written.topics) == (
        contact.client_id,
        contact.occurred_at,
        contact.topics,
    )
    assert written.pgh_context.metadata == {"source": "generate_data"}
    # The triggers are back on afterwards: a contact saved by the app gets its event.
    saved = Contact.objects.create(client=contact.client, peacekeeper=contact.peacekeeper, duration_minutes=30)
    assert event.objects.filter(pgh_obj_id=saved.pk, pgh_label="insert").exists()


def test_it_refuses_a_scale_of_zero(db):
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_data", scale=0)
