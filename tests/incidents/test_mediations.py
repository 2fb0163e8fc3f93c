"""A mediation's own page and its correction (issue #14): `/mediations/<id>/` and `/mediations/<id>/edit/`.

Who sees a mediation follows the mediation list: every user of the incident pages. Who sees its
clients follows Client.visible_to: names to those who may see them, a count to analysts, and to a
peacekeeper nothing of clients on other caseloads. Parties and notes are not for analysts, and
analysts do not edit mediations (SPEC section 3: mediations are the peacekeepers' work).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from core.history import last_change_by
from core.people import display_name
from incidents import services
from incidents.models import Mediation, MediationClient, MediationPeacekeeper
from tests.factories import ClientFactory, IncidentFactory, MediationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _detail(mediation: Mediation) -> str:
    return reverse("incidents:mediation_detail", args=[mediation.pk])


def _edit(mediation: Mediation) -> str:
    return reverse("incidents:mediation_edit", args=[mediation.pk])


@pytest.fixture
def mediation(peacekeeper, jamal, andre):
    return MediationFactory(
        parties="The 73rd Avenue group and the Seminary group",
        notes="Agreed to stay off each other's blocks.",
        outcome="temporarily_resolved",
        incident=IncidentFactory(case_number="SPD-4242"),
        peacekeepers=[peacekeeper],
        clients=[jamal, andre],
    )


def _form_data(client, mediation, **overrides) -> dict:
    form = client.get(_edit(mediation)).context["form"]
    data = {
        "occurred_on": mediation.occurred_on.isoformat(),
        "neighborhood": mediation.neighborhood_id or "",
        "outcome": mediation.outcome,
        "parties": mediation.parties,
        "notes": mediation.notes,
        "incident_case_number": form["incident_case_number"].value() or "",
        "peacekeepers": [p.pk for p in mediation.peacekeepers.all()],
        "clients": [c.pk for c in form.fields["clients"].queryset if c in mediation.clients.all()],
        "loaded_version": form["loaded_version"].initial,
    }
    return data | overrides


class TestTheDetailPage:
    def test_a_manager_sees_everything_and_the_names_are_access_logged(self, client, manager, mediation, jamal, andre):
        client.force_login(manager)
        page = client.get(_detail(mediation)).content.decode()
        for text in ("Temporarily resolved", "SPD-4242", "Grover Crump", "Seminary group", "off each other"):
            assert text in page
        assert jamal.full_name in page and andre.full_name in page
        assert set(AccessLog.objects.values_list("client_code", flat=True)) == {jamal.code, andre.code}
        assert reverse("incidents:mediation_history", args=[mediation.pk]) in page

    def test_a_peacekeeper_sees_only_their_own_clients_and_no_count_of_others(
        self, client, peacekeeper, mediation, jamal, andre
    ):
        client.force_login(peacekeeper)
        page = client.get(_detail(mediation)).content.decode()
        assert jamal.full_name in page and andre.full_name not in page and andre.code not in page
        assert "other caseloads" not in page
        assert reverse("incidents:mediation_history", args=[mediation.pk]) not in page

    def test_an_analyst_sees_a_count_no_names_no_parties_and_no_edit(self, client, analyst, mediation, jamal):
        client.force_login(analyst)
        page = client.get(_detail(mediation)).content.decode()
        assert "2 program clients" in page and jamal.full_name not in page and jamal.code not in page
        assert "Seminary group" not in page and "off each other" not in page
        assert _edit(mediation) not in page
        assert not AccessLog.objects.exists()

    def test_the_list_links_to_it(self, client, analyst, mediation):
        client.force_login(analyst)
        assert _detail(mediation) in client.get(reverse("incidents:mediation_list")).content.decode()

    def test_the_incident_page_links_to_it(self, client, analyst, mediation):
        client.force_login(analyst)
        assert _detail(mediation) in client.get(mediation.incident.get_absolute_url()).content.decode()

    def test_hostile_text_is_escaped(self, client, manager):
        mediation = MediationFactory(parties="<script>alert(1)</script>", notes="=cmd|' /C calc'!A0 🙂")
        client.force_login(manager)
        page = client.get(_detail(mediation)).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "🙂" in page

    def test_its_query_count_stays_flat(self, client, manager, django_assert_max_num_queries):
        small = MediationFactory(clients=ClientFactory.create_batch(2), peacekeepers=[UserFactory()])
        large = MediationFactory(clients=ClientFactory.create_batch(20), peacekeepers=UserFactory.create_batch(8))
        client.force_login(manager)
        client.get(_detail(small))
        with django_assert_max_num_queries(40) as small_queries:
            client.get(_detail(small))
        with django_assert_max_num_queries(40) as large_queries:
            client.get(_detail(large))
        # One access-log row per named client, nothing else per row.
        assert len(large_queries) - len(small_queries) <= 18


class TestOutOfScope:
    def test_a_user_without_a_role_gets_404_on_every_url_and_changes_nothing(self, client, no_role_user, mediation):
        client.force_login(no_role_user)
        for url in (_detail(mediation), _edit(mediation), reverse("incidents:mediation_history", args=[mediation.pk])):
            assert client.get(url).status_code == 404
        assert client.post(_edit(mediation), {"outcome": "escalated"}).status_code == 404
        assert Mediation.objects.get().outcome == "temporarily_resolved"

    def test_an_unknown_id_answers_404(self, client, manager):
        client.force_login(manager)
        for url in ("/mediations/999999/", "/mediations/999999/edit/", "/mediations/999999/history/"):
            assert client.get(url).status_code == 404
        assert client.post("/mediations/999999/edit/", {"outcome": "resolved"}).status_code == 404

    def test_analysts_may_not_edit_get_or_post(self, client, analyst, mediation):
        client.force_login(analyst)
        assert client.get(_edit(mediation)).status_code == 404
        assert client.post(_edit(mediation), {"outcome": "escalated", "parties": "x"}).status_code == 404
        assert Mediation.objects.get().outcome == "temporarily_resolved"

    def test_the_history_is_for_managers_and_admins(self, client, peacekeeper, analyst, admin_user, mediation):
        url = reverse("incidents:mediation_history", args=[mediation.pk])
        for user in (peacekeeper, analyst):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.force_login(admin_user)
        assert client.get(url).status_code == 200


class TestEditing:
    def test_a_peacekeeper_corrects_the_outcome_and_the_trail_names_them(self, client, peacekeeper, mediation):
        client.force_login(peacekeeper)
        response = client.post(_edit(mediation), _form_data(client, mediation, outcome="resolved"))
        assert response.status_code == 302 and response["Location"] == _detail(mediation)
        mediation.refresh_from_db()
        assert mediation.outcome == "resolved" and last_change_by(mediation) == peacekeeper

    def test_clients_the_editor_may_not_see_stay_on_it(self, client, peacekeeper, mediation, jamal, andre):
        client.force_login(peacekeeper)
        form = client.get(_edit(mediation)).context["form"]
        assert andre not in form.fields["clients"].queryset
        client.post(_edit(mediation), _form_data(client, mediation, clients=[jamal.pk]))
        assert set(mediation.clients.all()) == {jamal, andre}
        client.post(_edit(mediation), _form_data(client, mediation, clients=[]))
        assert set(mediation.clients.all()) == {andre}  # Jamal taken off; Andre, unseen, stays

    def test_an_exited_client_already_on_it_stays_offered(self, client, manager, mediation, jamal):
        jamal.status, jamal.exited_on, jamal.exit_reason = "exited", timezone.localdate(), "moved"
        jamal.save()
        client.force_login(manager)
        assert jamal in client.get(_edit(mediation)).context["form"].fields["clients"].queryset

    def test_peacekeepers_and_clients_put_on_or_taken_off_are_audited(
        self, client, manager, peacekeeper, other_peacekeeper, mediation, jamal, andre
    ):
        client.force_login(manager)
        data = _form_data(client, mediation, peacekeepers=[other_peacekeeper.pk], clients=[andre.pk])
        assert client.post(_edit(mediation), data).status_code == 302
        assert list(mediation.peacekeepers.all()) == [other_peacekeeper]
        events = MediationPeacekeeper.pgh_event_model.objects
        assert events.filter(user=peacekeeper, pgh_label="delete").exists()
        assert events.filter(user=other_peacekeeper, pgh_label="insert").exists()
        assert MediationClient.pgh_event_model.objects.filter(client=jamal, pgh_label="delete").exists()
        history = client.get(reverse("incidents:mediation_history", args=[mediation.pk])).content.decode()
        assert f"{display_name(peacekeeper)} removed (mediation peacekeeper)" in history
        assert f"{display_name(other_peacekeeper)} added (mediation peacekeeper)" in history
        assert f"{jamal.code} removed (mediation client)" in history

    def test_the_incident_link_is_shown_and_can_be_changed_or_removed(self, client, manager, mediation):
        other = IncidentFactory(case_number="SPD-5000")
        client.force_login(manager)
        assert client.get(_edit(mediation)).context["form"]["incident_case_number"].value() == "SPD-4242"
        client.post(_edit(mediation), _form_data(client, mediation, incident_case_number="SPD-5000"))
        assert Mediation.objects.get().incident == other
        client.post(_edit(mediation), _form_data(client, mediation, incident_case_number=""))
        assert Mediation.objects.get().incident is None
        page = client.post(_edit(mediation), _form_data(client, mediation, incident_case_number="NOPE"))
        assert "No incident has case number NOPE." in page.content.decode()

    def test_a_stale_edit_is_refused_naming_who_saved(self, client, manager, peacekeeper, mediation):
        client.force_login(manager)
        stale = _form_data(client, mediation, outcome="escalated")
        services.mediation_update(mediation=mediation, by=peacekeeper, data={"outcome": "resolved"})
        page = client.post(_edit(mediation), stale)
        assert page.status_code == 200 and "Grover Crump saved this record" in page.content.decode()
        assert Mediation.objects.get().outcome == "resolved"

    def test_the_model_rules_answer_on_the_form(self, client, manager, mediation):
        client.force_login(manager)
        tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
        page = client.post(_edit(mediation), _form_data(client, mediation, occurred_on=tomorrow))
        assert "A mediation cannot be in the future." in page.content.decode()
        page = client.post(_edit(mediation), _form_data(client, mediation, parties=""))
        assert page.status_code == 200 and Mediation.objects.get().parties.startswith("The 73rd")

    @pytest.mark.parametrize(
        "text", ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "p" * 10_000, "Two blocks 🙂", "a\x00b"]
    )
    def test_hostile_parties_are_stored_as_text_or_refused(self, client, manager, mediation, text):
        client.force_login(manager)
        response = client.post(_edit(mediation), _form_data(client, mediation, parties=text))
        if "\x00" in text:
            assert response.status_code == 200 and Mediation.objects.get().parties != text
        else:
            assert response.status_code == 302 and Mediation.objects.get().parties == text
            assert "<script>alert(1)</script>" not in client.get(_detail(mediation)).content.decode()

    def test_a_deactivated_peacekeeper_on_it_stays_offered(self, client, manager, mediation, peacekeeper):
        gone = UserFactory(username="gone", roles=[Role.PEACEKEEPER], is_active=False)
        mediation.peacekeepers.add(gone)
        client.force_login(manager)
        choices = client.get(_edit(mediation)).context["form"].fields["peacekeepers"].queryset
        assert gone in choices and peacekeeper in choices
        assert client.post(_edit(mediation), _form_data(client, mediation)).status_code == 302
        assert gone in mediation.peacekeepers.all()


def test_the_list_counts_only_a_peacekeepers_own_clients(client, other_peacekeeper, manager, analyst, mediation):
    """The attacker's finding: the list told a peacekeeper a mediation had a client, whose page then
    said none of theirs were in it. Managers and analysts keep the whole count."""
    list_url = reverse("incidents:mediation_list")
    client.force_login(other_peacekeeper)  # Maria: Andre is hers, Jamal is Grover's
    [row] = client.get(list_url).context["table"].page.object_list
    assert row.record.client_count == 1
    for user in (manager, analyst):
        client.force_login(user)
        [row] = client.get(list_url).context["table"].page.object_list
        assert row.record.client_count == 2
