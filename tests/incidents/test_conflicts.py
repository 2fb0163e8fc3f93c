"""Conflicts (issue #16): parties, status history, linked incidents and mediations, scoping, and
who is at risk after an incident from the conflicts and groups on record."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from incidents import conflict_services as services
from incidents.models import (
    Conflict,
    ConflictIncident,
    ConflictParty,
    ConflictStatusChange,
    at_risk_from_conflicts_and_groups,
)
from outreach.models import local_today
from tests.factories import (
    ClientFactory,
    ConflictFactory,
    ConflictPartyFactory,
    GroupAssociationFactory,
    GroupFactory,
    IncidentFactory,
    InvolvementFactory,
    MediationFactory,
    NeighborhoodFactory,
)
from tests.forms import keyed


def _create(client, user, **data):
    client.force_login(user)
    url = reverse("incidents:conflict_create")
    key = client.get(url).context["form"]["form_key"].value()
    return client.post(url, {"kind": "dispute", "description": "Over a debt", "form_key": key, **data})


# The rules


def test_a_new_conflict_is_identified_by_its_author(client, peacekeeper):
    response = _create(client, peacekeeper, note="Heard at the school gate")
    conflict = Conflict.objects.get()
    assert response.status_code == 302 and conflict.created_by == peacekeeper
    change = conflict.status_changes.get()
    assert (change.status, change.changed_by, change.note) == ("identified", peacekeeper, "Heard at the school gate")


def test_a_double_submit_makes_one_conflict(client, peacekeeper):
    client.force_login(peacekeeper)
    url = reverse("incidents:conflict_create")
    key = client.get(url).context["form"]["form_key"].value()
    for _ in range(2):
        client.post(url, {"kind": "dispute", "description": "Once", "form_key": key})
    assert Conflict.objects.count() == 1 and ConflictStatusChange.objects.count() == 1


def test_the_status_is_the_latest_change_in_any_order(db, manager):
    conflict = ConflictFactory()
    for status in ("mediated", "reignited", "mediation_attempted"):
        services.conflict_set_status(conflict=conflict, by=manager, status=status, note=f"now {status}")
    assert Conflict.objects.with_status().get().current_status == "mediation_attempted"
    assert [c.status for c in conflict.status_changes.all()] == [
        "identified",
        "mediated",
        "reignited",
        "mediation_attempted",
    ]
    assert all(c.changed_by == manager for c in conflict.status_changes.all()[1:])


def test_a_change_to_the_same_status_is_refused(db, manager):
    conflict = ConflictFactory(status="cooling")
    with pytest.raises(ValidationError, match="already cooling"):
        services.conflict_set_status(conflict=conflict, by=manager, status="cooling")


def test_open_leaves_out_the_closed(db, manager):
    live, closed = ConflictFactory(status="cooling"), ConflictFactory(status="closed")
    reopened = ConflictFactory(status="closed")
    services.conflict_set_status(conflict=reopened, by=manager, status="reignited")
    assert set(Conflict.objects.open()) == {live, reopened}
    assert closed not in Conflict.objects.open()


def test_a_party_is_a_client_or_a_group_never_both_nor_neither(db, jamal):
    conflict = ConflictFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictParty.objects.create(conflict=conflict, side="a", client=jamal, group=GroupFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictParty.objects.create(conflict=conflict, side="a")
    with pytest.raises(ValidationError, match="exactly one"):
        services.party_add(conflict=conflict, by=None, data={"side": "a"})


def test_a_client_is_a_party_once(db, manager, jamal):
    conflict = ConflictFactory()
    services.party_add(conflict=conflict, by=manager, data={"side": "a", "client": jamal})
    with pytest.raises(ValidationError, match="already a party"):
        services.party_add(conflict=conflict, by=manager, data={"side": "b", "client": jamal})


def test_the_pages_add_parties_change_status_link_and_unlink_incidents(client, manager, jamal):
    conflict = ConflictFactory()
    group = GroupFactory()
    incident = IncidentFactory(case_number="SPD-777")
    client.force_login(manager)
    client.post(reverse("incidents:conflict_party_add", args=[conflict.pk]), keyed({"side": "a", "client": jamal.pk}))
    client.post(reverse("incidents:conflict_party_add", args=[conflict.pk]), keyed({"side": "b", "group": group.pk}))
    both = client.post(
        reverse("incidents:conflict_party_add", args=[conflict.pk]),
        keyed({"side": "b", "client": jamal.pk, "group": group.pk}),
    )
    assert "exactly one" in both.content.decode()
    client.post(
        reverse("incidents:conflict_status", args=[conflict.pk]), keyed({"status": "mediated", "note": "Talked"})
    )
    client.post(reverse("incidents:conflict_incident_link", args=[conflict.pk]), keyed({"case_number": "spd-777"}))
    missing = client.post(
        reverse("incidents:conflict_incident_link", args=[conflict.pk]), keyed({"case_number": "NOPE"})
    )
    assert "No incident has case number NOPE" in missing.content.decode()
    assert ConflictParty.objects.filter(conflict=conflict).count() == 2
    assert Conflict.objects.with_status().get().current_status == "mediated"
    link = ConflictIncident.objects.get(conflict=conflict, incident=incident)
    page = client.get(conflict.get_absolute_url()).content.decode()
    assert "SPD-777" in page and jamal.code in page and group.name in page and "Talked" in page
    party = ConflictParty.objects.get(client=jamal)
    client.post(reverse("incidents:conflict_party_remove", args=[conflict.pk, party.pk]))
    client.post(reverse("incidents:conflict_incident_unlink", args=[conflict.pk, link.pk]))
    assert not ConflictParty.objects.filter(client=jamal).exists() and not ConflictIncident.objects.exists()


def test_a_mediation_names_the_conflict_it_worked_on(client, manager, peacekeeper):
    conflict = ConflictFactory()
    client.force_login(manager)
    url = reverse("incidents:mediation_create")
    key = client.get(url).context["form"]["form_key"].value()
    data = {
        "occurred_on": local_today().isoformat(),
        "peacekeepers": [peacekeeper.pk],
        "parties": "Two families",
        "outcome": "resolved",
        "conflict": conflict.pk,
        "form_key": key,
    }
    assert client.post(url, data).status_code == 302
    assert conflict.mediations.count() == 1
    assert "Two families" not in client.get(conflict.get_absolute_url()).content.decode()  # listed by date
    assert str(conflict.mediations.get()) in client.get(conflict.get_absolute_url()).content.decode()


def test_a_peacekeeper_cannot_name_a_conflict_they_may_not_see_on_a_mediation(client, peacekeeper, andre):
    hidden = ConflictFactory()
    ConflictPartyFactory(conflict=hidden, client=andre)
    client.force_login(peacekeeper)
    form = client.get(reverse("incidents:mediation_create")).context["form"]
    assert hidden not in form.fields["conflict"].queryset


def test_a_stale_conflict_edit_is_refused(client, manager):
    conflict = ConflictFactory(description="Before")
    client.force_login(manager)
    url = reverse("incidents:conflict_edit", args=[conflict.pk])
    opened = client.get(url).context["form"]["loaded_version"].value()
    services.conflict_update(conflict=conflict, by=manager, data={"description": "Someone else's"})
    response = client.post(url, {"kind": "dispute", "description": "Mine", "loaded_version": opened})
    assert response.status_code == 200 and "after you opened this form" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.description == "Someone else's"


@pytest.mark.parametrize(
    ("description", "message"),
    [("nul\x00here", "Null characters are not allowed"), ("x" * 10_001, "at most 10000 characters")],
)
def test_hostile_descriptions_are_refused_with_a_clear_message(client, manager, description, message):
    response = _create(client, manager, description=description)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Conflict.objects.exists()


def test_script_and_formula_text_is_shown_as_text(client, manager):
    _create(client, manager, description="=cmd|'/C calc'!A0 <script>alert(1)</script>")
    page = client.get(Conflict.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_status_change_is_audited_with_who(client, manager):
    conflict = ConflictFactory()
    client.force_login(manager)
    client.post(reverse("incidents:conflict_status", args=[conflict.pk]), keyed({"status": "cooling"}))
    change = conflict.status_changes.get(status="cooling")
    assert change.events.get().pgh_context.metadata["user"] == manager.pk


# Scoping


def test_a_peacekeeper_sees_conflicts_with_their_clients_and_their_own(db, peacekeeper, jamal, andre):
    theirs, others = ConflictFactory(), ConflictFactory()
    ConflictPartyFactory(conflict=theirs, client=jamal)
    ConflictPartyFactory(conflict=others, client=andre)
    own = ConflictFactory(created_by=peacekeeper)
    assert set(Conflict.objects.visible_to(peacekeeper)) == {theirs, own}


def _conflict_urls(conflict, party, link):
    pk = conflict.pk
    return [
        ("get", reverse("incidents:conflict_detail", args=[pk])),
        ("get", reverse("incidents:conflict_edit", args=[pk])),
        ("post", reverse("incidents:conflict_edit", args=[pk])),
        ("post", reverse("incidents:conflict_status", args=[pk])),
        ("post", reverse("incidents:conflict_party_add", args=[pk])),
        ("post", reverse("incidents:conflict_party_remove", args=[pk, party.pk])),
        ("post", reverse("incidents:conflict_incident_link", args=[pk])),
        ("post", reverse("incidents:conflict_incident_unlink", args=[pk, link.pk])),
    ]


def test_the_outsider_gets_404_on_every_conflict_url_and_changes_nothing(client, peacekeeper, andre):
    conflict = ConflictFactory(description="Maria's")
    party = ConflictPartyFactory(conflict=conflict, client=andre)
    link = ConflictIncident.objects.create(conflict=conflict, incident=IncidentFactory(case_number="SPD-1"))
    client.force_login(peacekeeper)
    data = {"kind": "robbery", "description": "x", "status": "closed", "side": "b", "case_number": "SPD-1"}
    for _, url in _conflict_urls(conflict, party, link):
        for method in ("get", "post"):  # every URL, whatever method it takes: out of scope is 404 first
            assert getattr(client, method)(url, data).status_code == 404, url
    conflict.refresh_from_db()
    assert conflict.description == "Maria's" and conflict.status == "identified"
    assert ConflictParty.objects.count() == 1 and ConflictIncident.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_analyst_gets_404_on_every_conflict_page(client, analyst, jamal, method):
    conflict = ConflictFactory()
    party = ConflictPartyFactory(conflict=conflict, client=jamal)
    link = ConflictIncident.objects.create(conflict=conflict, incident=IncidentFactory())
    client.force_login(analyst)
    urls = [u for m, u in _conflict_urls(conflict, party, link) if m == method]
    urls += [reverse("incidents:conflict_list"), reverse("incidents:conflict_create")]
    for url in urls:
        assert getattr(client, method)(url).status_code == 404, url


def test_a_peacekeeper_is_not_told_of_parties_on_other_caseloads(client, peacekeeper, jamal, andre):
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, client=jamal, side="a")
    ConflictPartyFactory(conflict=conflict, client=andre, side="b")
    client.force_login(peacekeeper)
    page = client.get(conflict.get_absolute_url()).content.decode()
    assert jamal.code in page and andre.code not in page
    assert AccessLog.objects.filter(client_code=jamal.code).exists()
    assert not AccessLog.objects.filter(client_code=andre.code).exists()


def test_the_list_filters_by_status_kind_and_search(client, manager):
    cooling = ConflictFactory(status="cooling", kind="robbery", description="A stolen bike")
    ConflictFactory(status="closed", kind="dispute", description="A debt")
    client.force_login(manager)
    url = reverse("incidents:conflict_list")
    assert [c.pk for c in client.get(url, {"status": "cooling"}).context["table"].data] == [cooling.pk]
    assert [c.pk for c in client.get(url, {"kind": "robbery"}).context["table"].data] == [cooling.pk]
    assert [c.pk for c in client.get(url, {"q": "bike"}).context["table"].data] == [cooling.pk]


@pytest.mark.parametrize("size", [3, 30])
def test_the_conflict_list_query_count_stays_flat(client, peacekeeper, jamal, django_assert_max_num_queries, size):
    for conflict in ConflictFactory.create_batch(size, status="cooling"):
        ConflictPartyFactory(conflict=conflict, client=jamal)
    client.force_login(peacekeeper)
    client.get("/health/")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("incidents:conflict_list")).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_conflict_page_query_count_stays_flat(client, manager, django_assert_max_num_queries, size):
    conflict = ConflictFactory()
    for _ in range(size):
        ConflictPartyFactory(conflict=conflict, client=ClientFactory())
        services.conflict_link_incident(conflict=conflict, incident=IncidentFactory(), by=manager)
    client.force_login(manager)
    client.get("/health/")
    with django_assert_max_num_queries(20):
        assert client.get(conflict.get_absolute_url()).status_code == 200


# Who is at risk after an incident


def test_at_risk_names_the_victims_associates_and_the_other_side_of_open_conflicts(db):
    victim, friend, rival, bystander = (ClientFactory(code=f"C-2000-9000{i}") for i in range(4))
    group_member, expired_member = ClientFactory(code="C-2000-90005"), ClientFactory(code="C-2000-90006")
    crew, rivals = GroupFactory(name="Crew"), GroupFactory(name="Rivals")
    GroupAssociationFactory(client=victim, group=crew)
    GroupAssociationFactory(client=friend, group=crew, role="associate")
    long_ago = local_today() - datetime.timedelta(days=1500)
    GroupAssociationFactory(
        client=expired_member,
        group=crew,
        started_on=long_ago,
        confirmed_on=long_ago,
        expires_on=local_today() - datetime.timedelta(days=1),
    )
    GroupAssociationFactory(client=group_member, group=rivals)
    incident = IncidentFactory(kind="nonfatal_shooting", killed=0, injured=1)
    InvolvementFactory(incident=incident, client=victim, role="victim", outcome="wounded")
    conflict = ConflictFactory(status="reignited")
    ConflictPartyFactory(conflict=conflict, client=victim, side="a")
    ConflictPartyFactory(conflict=conflict, client=bystander, side="a")
    ConflictPartyFactory(conflict=conflict, client=rival, side="b")
    ConflictPartyFactory(conflict=conflict, group=rivals, side="b")
    ConflictIncident.objects.create(conflict=conflict, incident=incident)
    closed = ConflictFactory(status="closed")
    ConflictPartyFactory(conflict=closed, client=bystander, side="b")
    ConflictPartyFactory(conflict=closed, client=victim, side="a")
    ConflictIncident.objects.create(conflict=closed, incident=incident)
    at_risk = at_risk_from_conflicts_and_groups(incident)
    assert [(c.code, why) for c, why in at_risk] == [
        (friend.code, "associate of Crew"),
        (rival.code, f"other side of conflict #{conflict.pk}"),
        (group_member.code, f"other side of conflict #{conflict.pk}"),
    ]


def test_with_no_victim_among_the_parties_every_party_is_at_risk(db):
    a, b = ClientFactory(code="C-2000-80001"), ClientFactory(code="C-2000-80002")
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=ClientFactory(), role="victim", outcome="killed")
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, client=a, side="a")
    ConflictPartyFactory(conflict=conflict, client=b, side="b")
    ConflictIncident.objects.create(conflict=conflict, incident=incident)
    assert [c.code for c, _ in at_risk_from_conflicts_and_groups(incident)] == [a.code, b.code]


def test_a_suspect_is_not_a_victim_for_the_at_risk_list(db):
    suspect, other = ClientFactory(), ClientFactory()
    crew = GroupFactory()
    GroupAssociationFactory(client=suspect, group=crew)
    GroupAssociationFactory(client=other, group=crew)
    incident = IncidentFactory()
    InvolvementFactory(incident=incident, client=suspect, role="suspect")
    assert at_risk_from_conflicts_and_groups(incident) == []


def test_status_changes_are_timestamped_now_by_default(db, manager):
    conflict = ConflictFactory()
    before = timezone.now()
    change = services.conflict_set_status(conflict=conflict, by=manager, status="cooling")
    assert change.changed_at >= before


def test_a_mediation_factory_can_name_a_conflict(db):
    conflict = ConflictFactory()
    mediation = MediationFactory(conflict=conflict)
    assert list(conflict.mediations.all()) == [mediation]


# Issue #16, the walk and the attack


def test_the_party_form_offers_and_accepts_only_groups_the_peacekeeper_may_see(client, peacekeeper, jamal):
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, client=jamal)
    theirs, hidden, gone = GroupFactory(name="Theirs"), GroupFactory(name="Hidden"), GroupFactory(status="dissolved")
    GroupAssociationFactory(client=jamal, group=theirs)
    GroupAssociationFactory(client=jamal, group=gone)
    client.force_login(peacekeeper)
    offered = client.get(conflict.get_absolute_url()).context["party_form"].fields["group"].queryset
    assert list(offered) == [theirs]
    url = reverse("incidents:conflict_party_add", args=[conflict.pk])
    refused = client.post(url, keyed({"side": "b", "group": hidden.pk}))
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not conflict.parties.filter(group=hidden).exists()
    assert client.post(url, keyed({"side": "b", "group": theirs.pk})).status_code == 302


def test_a_peacekeeper_cannot_remove_a_group_party_they_may_not_see(client, peacekeeper, jamal):
    conflict = ConflictFactory()
    ConflictPartyFactory(conflict=conflict, client=jamal)
    party = ConflictPartyFactory(conflict=conflict, group=GroupFactory(), side="b")
    client.force_login(peacekeeper)
    assert client.post(reverse("incidents:conflict_party_remove", args=[conflict.pk, party.pk])).status_code == 404
    assert ConflictParty.objects.filter(pk=party.pk).exists()


def test_a_replayed_status_post_records_one_change(client, manager):
    conflict = ConflictFactory()
    client.force_login(manager)
    url = reverse("incidents:conflict_status", args=[conflict.pk])
    data = keyed({"status": "cooling", "note": "replay-A"})
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    services.conflict_set_status(conflict=conflict, by=manager, status="mediated")
    assert client.post(url, data).status_code == 302  # even after another change: the key made its row
    assert ConflictStatusChange.objects.filter(note="replay-A").count() == 1


def test_the_status_form_chooses_no_status_for_you(client, manager):
    conflict = ConflictFactory()
    client.force_login(manager)
    form = client.get(conflict.get_absolute_url()).context["status_form"]
    assert form["status"].value() in (None, "") and form.fields["status"].required
    assert form.fields["status"].choices[0][0] == ""
    empty = client.post(reverse("incidents:conflict_status", args=[conflict.pk]), keyed({"status": ""}))
    assert empty.status_code == 200 and conflict.status_changes.count() == 1


def test_recording_the_current_status_again_says_so_on_the_form(client, manager):
    conflict = ConflictFactory(status="cooling")
    client.force_login(manager)
    response = client.post(reverse("incidents:conflict_status", args=[conflict.pk]), keyed({"status": "cooling"}))
    assert response.status_code == 200
    assert "The conflict is already cooling." in response.content.decode()
    assert response.context["status_form"].errors["status"] == ["The conflict is already cooling."]


def test_a_conflict_is_named_by_kind_place_and_day(db, manager):
    conflict = ConflictFactory(neighborhood=NeighborhoodFactory(name="Downtown"))
    day = timezone.localdate(conflict.created_at)
    assert str(conflict) == f"Conflict #{conflict.pk}: dispute, Downtown, identified {day:%-d %b %Y}"
    assert str(ConflictFactory(kind="retaliation")).endswith(f": retaliation, identified {day:%-d %b %Y}")


def test_the_list_and_the_mediation_form_tell_conflicts_apart(client, manager):
    conflict = ConflictFactory(neighborhood=NeighborhoodFactory(name="Downtown"))
    client.force_login(manager)
    assert str(conflict) in client.get(reverse("incidents:conflict_list")).content.decode()
    form = client.get(reverse("incidents:mediation_create")).context["form"]
    assert str(conflict) in dict(form.fields["conflict"].choices).values()


def test_the_conflict_filter_labels_its_status(client, manager):
    client.force_login(manager)
    page = client.get(reverse("incidents:conflict_list")).content.decode()
    assert "[invalid name]" not in page
    assert re.search(r'for="id_status" class="form-label">\s*Status\s*</label>', page)


def test_the_client_page_lists_the_clients_conflicts(client, peacekeeper, jamal, andre):
    mine = ConflictFactory(status="cooling", neighborhood=NeighborhoodFactory(name="Downtown"))
    ConflictPartyFactory(conflict=mine, client=jamal, side="b")
    other = ConflictFactory()
    ConflictPartyFactory(conflict=other, client=andre)
    client.force_login(peacekeeper)
    page = client.get(jamal.get_absolute_url()).content.decode()
    section = page.split('id="groups-heading"')[1].split("</section>")[0]
    assert f'href="{mine.get_absolute_url()}"' in section and str(mine) in section
    assert "side b, cooling" in section and other.get_absolute_url() not in section


def test_a_group_id_in_full_width_digits_is_refused(client, manager):
    conflict, group = ConflictFactory(), GroupFactory()
    client.force_login(manager)
    wide = "".join(chr(ord("０") + int(d)) for d in str(group.pk))
    url = reverse("incidents:conflict_party_add", args=[conflict.pk])
    response = client.post(url, keyed({"side": "a", "group": wide}))
    assert response.status_code == 200 and not conflict.parties.exists()
