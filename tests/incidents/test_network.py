"""The network view (issue #16): who may see it, what it shows, the access log, never exported."""

import datetime
import json

import pytest
from django.urls import get_resolver, reverse

from accounts.models import AccessLog
from incidents import conflict_services as services
from incidents.models import ConflictIncident, ConflictStatusChange
from outreach.models import local_today
from tests.factories import (
    ClientFactory,
    ConflictFactory,
    ConflictPartyFactory,
    GroupAssociationFactory,
    GroupFactory,
    IncidentFactory,
)


def _network(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def _elements(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="network-data" type="application/json">') + len(
        '<script id="network-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_a_client_network_shows_groups_their_members_and_conflicts(client, manager, jamal, andre):
    crew, rivals = GroupFactory(name="Crew"), GroupFactory(name="Rivals")
    GroupAssociationFactory(client=jamal, group=crew)
    GroupAssociationFactory(client=andre, group=crew, role="associate")
    conflict = ConflictFactory(status="cooling")
    ConflictPartyFactory(conflict=conflict, group=crew, side="a")
    ConflictPartyFactory(conflict=conflict, group=rivals, side="b")
    client.force_login(manager)
    response = _network(client, reverse("incidents:client_network", args=[jamal.pk]))
    ids = {n["data"]["id"] for n in _elements(response)["nodes"]}
    assert ids == {
        f"client-{jamal.pk}",
        f"client-{andre.pk}",
        f"group-{crew.pk}",
        f"group-{rivals.pk}",
        f"conflict-{conflict.pk}",
    }
    page = response.content.decode()
    # The table holds the same ties, with links to each record.
    assert len(response.context["network"].ties) == 4
    assert crew.get_absolute_url() in page and conflict.get_absolute_url() in page and andre.get_absolute_url() in page
    assert "<script>" not in page.split("<main")[1].split("</main>")[0].replace('<script id="network-data"', "")


def test_a_peacekeeper_sees_only_their_caseload_in_a_network(client, peacekeeper, jamal, andre):
    crew = GroupFactory()
    GroupAssociationFactory(client=jamal, group=crew)
    GroupAssociationFactory(client=andre, group=crew)
    client.force_login(peacekeeper)
    for url in (
        reverse("incidents:client_network", args=[jamal.pk]),
        reverse("incidents:group_network", args=[crew.pk]),
    ):
        page = _network(client, url).content.decode()
        assert jamal.code in page and andre.code not in page, url
    assert not AccessLog.objects.filter(client_code=andre.code).exists()


def test_outside_scope_the_network_answers_404(client, peacekeeper, analyst, jamal, andre):
    maria_group = GroupFactory()
    GroupAssociationFactory(client=andre, group=maria_group)
    client.force_login(peacekeeper)
    assert client.get(reverse("incidents:client_network", args=[andre.pk])).status_code == 404
    assert client.get(reverse("incidents:group_network", args=[maria_group.pk])).status_code == 404
    client.force_login(analyst)
    GroupAssociationFactory(client=jamal, group=maria_group)
    assert client.get(reverse("incidents:client_network", args=[jamal.pk])).status_code == 404
    assert client.get(reverse("incidents:group_network", args=[maria_group.pk])).status_code == 404
    assert client.post(reverse("incidents:client_network", args=[jamal.pk])).status_code == 404


def test_every_network_view_is_in_the_access_log(client, manager, jamal, andre):
    crew = GroupFactory()
    GroupAssociationFactory(client=jamal, group=crew)
    GroupAssociationFactory(client=andre, group=crew)
    client.force_login(manager)
    _network(client, reverse("incidents:client_network", args=[jamal.pk]))
    assert AccessLog.objects.filter(client_code=jamal.code, target__startswith="network of client").count() == 1
    assert AccessLog.objects.filter(client_code=andre.code).exists()
    _network(client, reverse("incidents:group_network", args=[crew.pk]))
    assert AccessLog.objects.filter(target__startswith=f"network of group {crew.pk}").count() == 1


def test_the_time_filter_shows_the_ties_current_on_a_day(client, manager, jamal):
    today = local_today()
    old, new = GroupFactory(name="Old crew"), GroupFactory(name="New crew")
    month_ago = today - datetime.timedelta(days=30)
    GroupAssociationFactory(client=jamal, group=old, started_on=month_ago, confirmed_on=month_ago)
    GroupAssociationFactory(client=jamal, group=new)
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, client=jamal)
    ConflictStatusChange.objects.filter(conflict=conflict).update(
        changed_at=conflict.created_at - datetime.timedelta(20)
    )
    services.conflict_set_status(conflict=conflict, by=manager, status="closed")
    client.force_login(manager)
    url = reverse("incidents:client_network", args=[jamal.pk])
    now = {t.target_label for t in _network(client, url).context["network"].ties}
    assert now == {"Old crew", "New crew"}  # the conflict is closed today
    then = _network(client, url, on=(today - datetime.timedelta(days=10)).isoformat()).context["network"].ties
    assert {t.target_label for t in then} == {"Old crew", f"Conflict #{conflict.pk} (dispute, identified)"}
    future = client.get(url, {"on": (today + datetime.timedelta(days=1)).isoformat()})
    assert "Choose today or a day before" in future.content.decode()


def test_the_page_draws_no_ranking(client, manager, jamal):
    GroupAssociationFactory(client=jamal)
    client.force_login(manager)
    page = _network(client, reverse("incidents:client_network", args=[jamal.pk])).content.decode().lower()
    assert "most at risk" not in page.replace("not a ranking of anyone's risk", "")
    assert "score" not in page


def test_the_network_is_never_exported(client, manager, jamal):
    GroupAssociationFactory(client=jamal)
    client.force_login(manager)
    url = reverse("incidents:client_network", args=[jamal.pk])
    for export in ("csv", "xlsx"):
        response = client.get(url, {"_export": export})
        assert response["Content-Type"].startswith("text/html"), export
    # No URL of the project serves network data in another form.
    routes = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("network" in r and (".csv" in r or ".xlsx" in r or ".json" in r) for r in routes)


@pytest.mark.parametrize("others", [20, 200])
def test_the_network_query_count_stays_flat(client, manager, jamal, django_assert_max_num_queries, others):
    crew, rivals = GroupFactory(), GroupFactory()
    GroupAssociationFactory(client=jamal, group=crew)
    for person in ClientFactory.create_batch(others):
        GroupAssociationFactory(client=person, group=crew)
    for _ in range(3):
        conflict = ConflictFactory()
        ConflictPartyFactory(conflict=conflict, client=jamal, side="a")
        ConflictPartyFactory(conflict=conflict, group=rivals, side="b")
        ConflictIncident.objects.create(conflict=conflict, incident=IncidentFactory())
    client.force_login(manager)
    client.get("/health/")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("incidents:client_network", args=[jamal.pk]))
    assert len(response.context["network"].ties) == others + 1 + 6


@pytest.mark.parametrize("others", [20, 200])
def test_the_group_network_query_count_stays_flat(client, peacekeeper, django_assert_max_num_queries, others):
    crew = GroupFactory()
    for person in ClientFactory.create_batch(others, primary_peacekeeper=peacekeeper):
        GroupAssociationFactory(client=person, group=crew)
    client.force_login(peacekeeper)
    client.get("/health/")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("incidents:group_network", args=[crew.pk])).status_code == 200


def test_groups_and_conflicts_are_in_no_export(client, manager, jamal):
    """Every export (the lists' CSV and Excel, the quarterly report's files): none names a group or a
    conflict, whatever is recorded."""
    import io
    import zipfile

    from core.quarters import Quarter

    crew = GroupFactory(name="Zebracrew", aliases="Zebra-alias")
    GroupAssociationFactory(client=jamal, group=crew, evidence_note="Zebra evidence")
    conflict = ConflictFactory(description="Zebradispute")
    ConflictPartyFactory(conflict=conflict, group=crew)
    ConflictIncident.objects.create(conflict=conflict, incident=IncidentFactory())
    quarter = Quarter.containing(local_today())
    client.force_login(manager)
    urls = [
        reverse("incidents:incident_list") + "?_export=csv",
        reverse("incidents:incident_list") + "?_export=xlsx",
        reverse("outreach:client_list") + "?_export=csv",
        reverse("outreach:client_list") + "?_export=xlsx",
        reverse("reports:quarterly_csv", args=[quarter.year, quarter.number]),
        reverse("reports:quarterly_xlsx", args=[quarter.year, quarter.number]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if body[:2] == b"PK":  # an xlsx: the text is in its zipped XML
            with zipfile.ZipFile(io.BytesIO(body)) as book:
                body = b"".join(book.read(name) for name in book.namelist())
        assert b"Zebra" not in body, url


def test_a_peacekeeper_sees_a_group_they_may_not_open_without_its_name_or_link(client, peacekeeper, jamal):
    """Issue #16: the rival group's page is 404 for them, so its node neither links there nor names it."""
    crew, rivals = GroupFactory(name="Crew"), GroupFactory(name="Hidden Rivals")
    GroupAssociationFactory(client=jamal, group=crew)
    conflict = ConflictFactory(status="cooling")
    ConflictPartyFactory(conflict=conflict, client=jamal, side="a")
    ConflictPartyFactory(conflict=conflict, group=rivals, side="b")
    client.force_login(peacekeeper)
    response = _network(client, reverse("incidents:client_network", args=[jamal.pk]))
    page = response.content.decode()
    nodes = {n["data"]["label"]: n["data"] for n in _elements(response)["nodes"]}
    assert "Hidden Rivals" not in page and rivals.get_absolute_url() not in page
    assert nodes["another group"]["url"] == "" and str(rivals.pk) not in nodes["another group"]["id"]
    assert nodes["Crew"]["url"] == crew.get_absolute_url()
    assert any(label.startswith(f"Conflict #{conflict.pk}") and d["url"] for label, d in nodes.items())
