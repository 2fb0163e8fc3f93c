"""`make bench`, field mode: a phone back online replays 50 contacts kept in its outbox.

The busiest peacekeeper's phone holds 50 sealed contacts for clients on their caseload (sealed
before the clock starts, as the phone did offline). The replay is what static/js/field.js does:
a GET of /field/sync/ for the session and a fresh CSRF token, then one POST per record, in order,
with CSRF checks on. Then the same 50 again, as after answers lost on a bad network: each must
answer 200 with the first row, and no second row may appear. Target: the 50 in under 5 s.
"""

import datetime
import json
import time
import uuid

REPLAYED = 50
TARGET_SECONDS = 5.0


def bench_field_replay() -> dict:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client as TestClient
    from django.utils import timezone

    from accounts import roles
    from core import sealed
    from outreach import field
    from outreach.models import Client, Contact

    settings.FIELD_MODE_PRIVATE_KEY = sealed.generate_pem().decode()
    keys = field.keys()
    peacekeeper = roles.peacekeepers().annotate(n=Count("primary_clients")).order_by("-n", "pk").first()
    clients = list(Client.objects.on_caseload_of(peacekeeper).current().order_by("pk")[:REPLAYED])
    if not clients:
        raise SystemExit("field replay: the busiest peacekeeper has no current client")
    written = timezone.localtime() - datetime.timedelta(hours=3)
    envelopes = [
        sealed.seal(keys.public_der, keys.key_id, _record(peacekeeper, clients[i % len(clients)], written, i))
        for i in range(REPLAYED)
    ]
    print(f"Replaying {REPLAYED} sealed contacts through /field/sync/, then the same {REPLAYED} again...", flush=True)
    phone = TestClient(enforce_csrf_checks=True)
    phone.force_login(peacekeeper)
    before = Contact.objects.count()
    first, first_seconds = _replay(phone, envelopes)
    again, again_seconds = _replay(phone, envelopes)
    made = Contact.objects.count() - before
    ok = first == {201: REPLAYED} and again == {200: REPLAYED} and made == REPLAYED and first_seconds < TARGET_SECONDS
    print(f"  first replay {first_seconds:.2f} s {first}; again {again_seconds:.2f} s {again}; {made} rows", flush=True)
    return {
        "records": REPLAYED,
        "seconds": round(first_seconds, 2),
        "again_seconds": round(again_seconds, 2),
        "answers": {str(k): v for k, v in first.items()},
        "answers_again": {str(k): v for k, v in again.items()},
        "rows_made": made,
        "target": f"< {TARGET_SECONDS:g} s, {REPLAYED} rows, replay 200s",
        "ok": ok,
    }


def _record(peacekeeper, client, written: datetime.datetime, i: int) -> dict:
    when = written + datetime.timedelta(minutes=i)
    return {
        "owner": peacekeeper.pk,
        "client": client.pk,
        "form_key": str(uuid.uuid4()),
        "written_at": when.isoformat(),
        "fields": [
            ["occurred_at", when.strftime("%Y-%m-%dT%H:%M")],
            ["duration_minutes", "30"],
            ["kind", "in_person"],
            ["location", "Corner store"],
            ["topics", "conflict_resolution"],
            ["notes", f"Bench contact {i}: checked in on the corner, talked about school."],
            ["next_steps", ""],
            ["follow_up_on", ""],
        ],
    }


def _replay(phone, envelopes: list[dict]) -> tuple[dict[int, int], float]:
    started = time.perf_counter()
    token = phone.get("/field/sync/", secure=True).json()["csrf"]
    answers: dict[int, int] = {}
    for envelope in envelopes:
        response = phone.post(
            "/field/sync/",
            data=json.dumps(envelope),
            content_type="application/json",
            # What the browser sends: the token, and the origin that HTTPS CSRF checks compare.
            headers={"X-CSRFToken": token, "Origin": "https://testserver", "Referer": "https://testserver/field/"},
            secure=True,
        )
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
    return answers, time.perf_counter() - started
