"""Groups and group associations (issue #16): the rules, the expiry, the scoping, the pages."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AccessLog
from incidents import conflict_services as services
from incidents.models import Group, GroupAssociation, association_expiry
from incidents.models.conflicts import add_years
from outreach.models import local_today
from tests.factories import ClientFactory, GroupAssociationFactory, GroupFactory

TODAY = local_today


def _expired(**kwargs) -> GroupAssociation:
    """An association that expired yesterday."""
    long_ago = TODAY() - datetime.timedelta(days=5 * 365 + 1)
    return GroupAssociationFactory(
        started_on=long_ago, confirmed_on=long_ago, expires_on=TODAY() - datetime.timedelta(days=1), **kwargs
    )


def _group_data(**extra):
    return {"name": "Eastside Boys", "status": "active", **extra}


# The rules


def test_a_group_name_is_unique_in_any_letter_case(db, manager):
    services.group_create(by=manager, data=_group_data())
    with pytest.raises(ValidationError, match="already exists"):
        services.group_create(by=manager, data=_group_data(name="EASTSIDE boys"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.create(name="eastside BOYS")


def test_the_next_review_is_due_after_the_last(db, manager):
    today = TODAY()
    with pytest.raises(ValidationError, match="next review"):
        services.group_create(
            by=manager,
            data=_group_data(last_reviewed_on=today, next_review_on=today - datetime.timedelta(days=1)),
        )
    with pytest.raises(ValidationError, match="future"):
        services.group_create(by=manager, data=_group_data(last_reviewed_on=today + datetime.timedelta(days=1)))


EVIDENCE = "He said so at intake on 2 May."


def test_an_association_expires_five_years_after_its_confirmation_by_default(db, manager, jamal):
    group = GroupFactory()
    association = services.association_add(
        client=jamal,
        by=manager,
        data={"group": group, "role": "member", "basis": "self_identified", "evidence_note": EVIDENCE},
    )
    assert association.confirmed_on == TODAY()
    assert association.expires_on == add_years(TODAY(), 5)
    assert association.entered_by == association.reviewed_by == manager


def test_the_program_may_choose_a_shorter_standard(db, settings, manager, jamal):
    settings.GROUP_ASSOCIATION_YEARS = 2
    association = services.association_add(
        client=jamal,
        by=manager,
        data={"group": GroupFactory(), "role": "associate", "basis": "observed_by_staff", "evidence_note": EVIDENCE},
    )
    assert association.expires_on == add_years(TODAY(), 2)
    with pytest.raises(ValidationError, match="at most 2 years"):
        services.association_add(
            client=ClientFactory(),
            by=manager,
            data={
                "group": GroupFactory(),
                "role": "member",
                "basis": "other",
                "evidence_note": EVIDENCE,
                "expires_on": add_years(TODAY(), 3),
            },
        )


def test_an_earlier_expiry_is_allowed_and_a_later_one_refused(db, manager, jamal):
    data = {"group": GroupFactory(), "role": "member", "basis": "other", "evidence_note": EVIDENCE}
    soon = TODAY() + datetime.timedelta(days=90)
    assert services.association_add(client=jamal, by=manager, data={**data, "expires_on": soon}).expires_on == soon
    with pytest.raises(ValidationError, match="at most 5 years"):
        services.association_add(
            client=ClientFactory(),
            by=manager,
            data={**data, "expires_on": add_years(TODAY(), 5) + datetime.timedelta(1)},
        )


def test_the_database_refuses_an_association_over_five_years(db, jamal):
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupAssociationFactory(client=jamal, expires_on=TODAY() + datetime.timedelta(days=5 * 365 + 3))


def test_a_29_february_confirmation_expires_on_28_february(db):
    assert add_years(datetime.date(2024, 2, 29), 5) == datetime.date(2029, 2, 28)


def test_a_client_is_associated_with_a_group_once_at_a_time(db, manager, jamal):
    group = GroupFactory()
    data = {"group": group, "role": "member", "basis": "other", "evidence_note": EVIDENCE}
    services.association_add(client=jamal, by=manager, data=data)
    with pytest.raises(ValidationError, match="already associated"):
        services.association_add(client=jamal, by=manager, data=data)


def test_current_leaves_out_the_expired_and_the_ended(db, jamal):
    current = GroupAssociationFactory(client=jamal)
    _expired(client=jamal)
    GroupAssociationFactory(client=jamal, ended_on=TODAY())
    GroupAssociationFactory(client=jamal, expires_on=TODAY())  # expires today: still current today
    assert set(GroupAssociation.objects.current()) == {current, GroupAssociation.objects.get(expires_on=TODAY())}


def test_confirming_pushes_the_expiry_and_names_the_reviewer(db, manager, jamal):
    old = TODAY() - datetime.timedelta(days=400)
    association = GroupAssociationFactory(client=jamal, started_on=old, confirmed_on=old, expires_on=add_years(old, 5))
    services.association_confirm(association=association, by=manager)
    association.refresh_from_db()
    assert (association.confirmed_on, association.expires_on) == (TODAY(), association_expiry(TODAY()))
    assert association.reviewed_by == manager
    assert association.started_on == old


def test_an_expired_association_cannot_be_confirmed(db, manager, jamal):
    with pytest.raises(ValidationError, match="expired"):
        services.association_confirm(association=_expired(client=jamal), by=manager)


def test_ending_an_association_takes_it_out_of_current(db, manager, jamal):
    association = GroupAssociationFactory(client=jamal)
    services.association_end(association=association, by=manager)
    assert not GroupAssociation.objects.current().exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bad\x00name", "Null characters are not allowed"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_hostile_group_names_are_refused_with_a_clear_message(client, manager, text, message):
    client.force_login(manager)
    form = client.get(reverse("incidents:group_create")).context["form"]
    response = client.post(
        reverse("incidents:group_create"),
        {"name": text, "status": "active", "form_key": form["form_key"].value()},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Group.objects.exists()


def test_formula_and_script_text_is_kept_as_text_and_escaped(client, manager):
    client.force_login(manager)
    url = reverse("incidents:group_create")
    key = client.get(url).context["form"]["form_key"].value()
    aliases = "=cmd|' /C calc'!A0\n<script>alert(1)</script>"
    response = client.post(url, {"name": "=HYPERLINK()", "aliases": aliases, "status": "active", "form_key": key})
    group = Group.objects.get()
    assert response.status_code == 302 and group.aliases == aliases
    page = client.get(group.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_territory_note_over_10000_characters_is_refused(client, manager):
    client.force_login(manager)
    url = reverse("incidents:group_create")
    key = client.get(url).context["form"]["form_key"].value()
    response = client.post(url, {"name": "G", "status": "active", "territory_note": "x" * 10_001, "form_key": key})
    assert "at most 10000 characters" in response.content.decode()
    assert not Group.objects.exists()


# Scoping


def test_a_peacekeeper_sees_the_groups_of_their_caseload_and_their_own(db, peacekeeper, jamal, andre):
    theirs, others, own = GroupFactory(), GroupFactory(), GroupFactory(created_by=peacekeeper)
    GroupAssociationFactory(client=jamal, group=theirs)
    GroupAssociationFactory(client=andre, group=others)
    _expired(client=jamal, group=GroupFactory(name="Old"))
    assert set(Group.objects.visible_to(peacekeeper)) == {theirs, own}


def test_analysts_see_no_group(db, analyst):
    GroupFactory()
    assert not Group.objects.visible_to(analyst).exists()


def _group_urls(group, association):
    return [
        ("get", reverse("incidents:group_detail", args=[group.pk])),
        ("get", reverse("incidents:group_edit", args=[group.pk])),
        ("post", reverse("incidents:group_edit", args=[group.pk])),
        ("get", reverse("incidents:group_network", args=[group.pk])),
        ("get", reverse("incidents:association_create_for_group", args=[group.pk])),
        ("post", reverse("incidents:association_create_for_group", args=[group.pk])),
        ("get", reverse("incidents:association_create", args=[association.client_id])),
        ("post", reverse("incidents:association_create", args=[association.client_id])),
        ("post", reverse("incidents:association_confirm", args=[association.pk])),
        ("post", reverse("incidents:association_end", args=[association.pk])),
    ]


def test_the_outsider_gets_404_on_every_group_url(client, peacekeeper, andre):
    group = GroupFactory(name="Maria's")
    association = GroupAssociationFactory(client=andre, group=group, started_on=TODAY() - datetime.timedelta(9))
    client.force_login(peacekeeper)
    for _, url in _group_urls(group, association):
        for method in ("get", "post"):  # every URL, whatever method it takes: out of scope is 404 first
            assert getattr(client, method)(url, {"name": "Renamed", "status": "dissolved"}).status_code == 404, url
    association.refresh_from_db()
    group.refresh_from_db()
    assert group.name == "Maria's" and association.ended_on is None
    assert association.confirmed_on == TODAY() - datetime.timedelta(9)
    assert GroupAssociation.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_analyst_gets_404_on_every_group_page(client, analyst, jamal, method):
    group = GroupFactory()
    association = GroupAssociationFactory(client=jamal, group=group)
    client.force_login(analyst)
    urls = [url for m, url in _group_urls(group, association) if m == method]
    urls += [reverse("incidents:group_list"), reverse("incidents:group_create")]
    urls += [reverse("incidents:association_expiring")] if method == "get" else []
    for url in urls:
        assert getattr(client, method)(url).status_code == 404, url


def test_the_expiring_page_is_for_managers(client, peacekeeper, manager):
    client.force_login(peacekeeper)
    assert client.get(reverse("incidents:association_expiring")).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("incidents:association_expiring")).status_code == 200
    for page in ("0", "2", "999", "last", "２", "-1"):  # the attacker's 500s
        assert client.get(reverse("incidents:association_expiring"), {"page": page}).status_code == 200


# Expired associations are on no page


def test_an_expired_association_is_on_no_page(client, manager, admin_user, jamal):
    group = GroupFactory(name="Northside")
    gone = ClientFactory(first_name="Expired", last_name="Person", code="C-2000-EXPRD")
    _expired(client=gone, group=group)
    _expired(client=jamal, group=GroupFactory(name="Long ago crew"))
    GroupAssociationFactory(client=jamal, group=group)
    soon = _expired(client=ClientFactory(code="C-2000-SOON1"), group=group)
    GroupAssociation.objects.filter(pk=soon.pk).update(expires_on=TODAY() - datetime.timedelta(days=1))
    client.force_login(manager)
    # The group's page offers every client in its "associate a client" picker: its list is what counts.
    assert [a.client for a in client.get(group.get_absolute_url()).context["associations"]] == [jamal]
    pages = [
        reverse("incidents:group_list"),
        reverse("incidents:group_network", args=[group.pk]),
        reverse("incidents:client_network", args=[jamal.pk]),
        jamal.get_absolute_url(),
        reverse("incidents:association_expiring") + "?days=365",
        gone.get_absolute_url(),
        reverse("incidents:client_network", args=[gone.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "C-2000-SOON1" not in page, url
        if "clients" in url:  # the group itself is still a group; Jamal's tie to it is gone
            assert "Long ago crew" not in page, url
        if url not in (gone.get_absolute_url(), reverse("incidents:client_network", args=[gone.pk])):
            assert "C-2000-EXPRD" not in page, url
    assert ">1<" in client.get(reverse("incidents:group_list")).content.decode()  # the count: Jamal only
    network = client.get(reverse("incidents:client_network", args=[gone.pk]))
    assert network.context["network"].ties == []
    client.force_login(admin_user)
    admin_list = client.get(reverse("admin:incidents_groupassociation_changelist")).content.decode()
    assert "C-2000-SOON1" not in admin_list and jamal.code in admin_list


def test_the_command_lists_codes_and_counts_without_names(db, jamal):
    GroupAssociationFactory(client=jamal, expires_on=TODAY() + datetime.timedelta(days=10))
    GroupAssociationFactory(expires_on=TODAY() + datetime.timedelta(days=100))
    _expired()
    out = StringIO()
    call_command("expiring_associations", "--days", "30", stdout=out)
    text = out.getvalue()
    assert "1 group association(s) expire within 30 day(s)." in text
    assert jamal.code in text and jamal.last_name not in text and jamal.first_name not in text


# The pages


def test_a_peacekeeper_associates_a_caseload_client_from_the_client_page(client, peacekeeper, jamal):
    group = GroupFactory()
    client.force_login(peacekeeper)
    url = reverse("incidents:association_create", args=[jamal.pk])
    key = client.get(url).context["form"]["form_key"].value()
    data = {
        "group": group.pk,
        "role": "member",
        "basis": "self_identified",
        "evidence_note": "Told me",
        "form_key": key,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit makes no second row
    association = GroupAssociation.objects.get()
    assert (association.client, association.entered_by, association.expires_on) == (
        jamal,
        peacekeeper,
        add_years(TODAY(), 5),
    )
    assert group in Group.objects.visible_to(peacekeeper)
    assert group.name in client.get(jamal.get_absolute_url()).content.decode()


def test_a_manager_associates_a_client_from_the_group_page_and_confirms_and_ends_it(client, manager, jamal):
    group = GroupFactory()
    client.force_login(manager)
    url = reverse("incidents:association_create_for_group", args=[group.pk])
    key = client.get(url).context["form"]["form_key"].value()
    data = {"client": jamal.pk, "role": "associate", "basis": "family_or_peer_report", "form_key": key}
    data["evidence_note"] = "His mother said so on 2 May"
    assert client.post(url, data).status_code == 302
    association = GroupAssociation.objects.get()
    month_ago = TODAY() - datetime.timedelta(days=30)
    GroupAssociation.objects.filter(pk=association.pk).update(
        started_on=month_ago, confirmed_on=month_ago, expires_on=add_years(month_ago, 5)
    )
    client.post(reverse("incidents:association_confirm", args=[association.pk]), {"back": "group"})
    association.refresh_from_db()
    assert association.confirmed_on == TODAY()
    client.post(reverse("incidents:association_end", args=[association.pk]), {"confirm": "yes"})
    association.refresh_from_db()
    assert association.ended_on == TODAY()
    assert client.post(reverse("incidents:association_end", args=[association.pk])).status_code == 404


def test_a_stale_group_edit_is_refused(client, manager):
    group = GroupFactory(name="Before")
    client.force_login(manager)
    url = reverse("incidents:group_edit", args=[group.pk])
    opened = client.get(url).context["form"]["loaded_version"].value()
    services.group_update(group=group, by=manager, data={"name": "Someone else's"})
    response = client.post(url, {"name": "Mine", "status": "active", "loaded_version": opened})
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.name == "Someone else's"


def test_a_group_edit_is_audited_with_who(client, manager):
    group = GroupFactory(name="Before")
    client.force_login(manager)
    url = reverse("incidents:group_edit", args=[group.pk])
    opened = client.get(url).context["form"]["loaded_version"].value()
    assert client.post(url, {"name": "After", "status": "inactive", "loaded_version": opened}).status_code == 302
    event = group.events.order_by("-pgh_id").first()
    assert event.name == "After" and event.pgh_context.metadata["user"] == manager.pk


def test_the_group_page_logs_the_clients_it_names(client, manager, jamal):
    group = GroupFactory()
    GroupAssociationFactory(client=jamal, group=group)
    client.force_login(manager)
    client.get(group.get_absolute_url())
    assert AccessLog.objects.filter(client_code=jamal.code).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_group_list_query_count_stays_flat(client, manager, django_assert_max_num_queries, size):
    for group in GroupFactory.create_batch(size):
        GroupAssociationFactory.create_batch(2, group=group)
    client.force_login(manager)
    client.get("/health/")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("incidents:group_list")).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_expiring_list_query_count_stays_flat(client, manager, django_assert_max_num_queries, size):
    GroupAssociationFactory.create_batch(size, expires_on=TODAY() + datetime.timedelta(days=5))
    client.force_login(manager)
    client.get("/health/")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("incidents:association_expiring")).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_group_page_query_count_stays_flat(client, manager, django_assert_max_num_queries, size):
    group = GroupFactory()
    GroupAssociationFactory.create_batch(size, group=group)
    client.force_login(manager)
    client.get("/health/")
    with django_assert_max_num_queries(16):
        assert client.get(group.get_absolute_url()).status_code == 200


def test_an_association_added_and_confirmed_through_the_web_is_audited_with_who(client, peacekeeper, manager, jamal):
    group = GroupFactory()
    client.force_login(peacekeeper)
    url = reverse("incidents:association_create", args=[jamal.pk])
    key = client.get(url).context["form"]["form_key"].value()
    client.post(url, {"group": group.pk, "role": "member", "basis": "other", "evidence_note": "Seen", "form_key": key})
    association = GroupAssociation.objects.get()
    client.force_login(manager)
    client.post(reverse("incidents:association_confirm", args=[association.pk]))
    events = list(association.events.order_by("pgh_id"))
    assert [e.pgh_label for e in events][:1] == ["insert"]
    assert events[0].pgh_context.metadata["user"] == peacekeeper.pk
    assert events[-1].pgh_context.metadata["user"] == manager.pk and events[-1].reviewed_by_id == manager.pk


def test_an_expired_or_ended_association_is_not_in_any_history(client, manager, jamal):
    """The attacker's second finding: a client's history page showed an expired association in full, with
    its evidence note and its group."""

    def add(name, note):
        data = {"group": GroupFactory(name=name), "role": "member", "basis": "self_identified", "evidence_note": note}
        return services.association_add(client=jamal, by=manager, data=data)

    add("Park Street", "Kept note")
    lapsed = add("Old Town Crew", "Lapsed note")
    long_ago = TODAY() - datetime.timedelta(days=5 * 365 + 1)
    GroupAssociation.objects.filter(pk=lapsed.pk).update(
        started_on=long_ago, confirmed_on=long_ago, expires_on=TODAY() - datetime.timedelta(days=1)
    )
    services.association_end(association=add("Gone Crew", "Ended note"), by=manager)
    client.force_login(manager)
    page = client.get(reverse("outreach:client_history", args=[jamal.pk])).content.decode()
    assert "Park Street" in page and "Kept note" in page
    assert "Old Town Crew" not in page and "Lapsed note" not in page
    assert "Gone Crew" not in page and "Ended note" not in page


# Issue #16, the walk and the attack


def _add_on_page(client, user, jamal, **data):
    client.force_login(user)
    url = reverse("incidents:association_create", args=[jamal.pk])
    key = client.get(url).context["form"]["form_key"].value()
    return client.post(url, {"role": "member", "basis": "observed_by_staff", "form_key": key, **data})


def test_an_association_needs_its_evidence_note(client, manager, jamal):
    response = _add_on_page(client, manager, jamal, group=GroupFactory().pk, evidence_note="  ")
    assert response.status_code == 200
    assert response.context["form"].errors["evidence_note"] == [
        "What the basis rests on. No rumours: say who saw or said what, and when."
    ]
    assert not GroupAssociation.objects.exists()


def test_an_old_association_without_a_note_can_still_be_confirmed_and_ended(db, manager, jamal):
    old = GroupAssociationFactory(client=jamal, evidence_note="")
    services.association_confirm(association=old, by=manager)
    services.association_end(association=old, by=manager)
    assert old.ended_on == TODAY()


def test_an_association_that_would_already_have_expired_is_refused(client, manager, jamal):
    long_ago = add_years(TODAY(), -5) - datetime.timedelta(days=3)
    response = _add_on_page(
        client,
        manager,
        jamal,
        group=GroupFactory().pk,
        evidence_note="He said so",
        started_on=long_ago.isoformat(),
        confirmed_on=long_ago.isoformat(),
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["confirmed_on"]
    assert message == (
        f"Confirmed more than 5 years ago, it would already have expired on {association_expiry(long_ago):%-d %B %Y}: "
        "confirm it again today or leave it out."
    )
    assert not GroupAssociation.objects.exists()


@pytest.mark.parametrize("field", ["last_reviewed_on", "next_review_on"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_group_review_dates_are_bounded(client, manager, field, day):
    client.force_login(manager)
    url = reverse("incidents:group_create")
    key = client.get(url).context["form"]["form_key"].value()
    response = client.post(url, {**_group_data(), field: day, "form_key": key})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Group.objects.exists()


def test_the_expiring_page_links_the_client_and_the_group_and_confirms_from_the_row(client, manager, jamal):
    group = GroupFactory(name="Eastside Boys")
    soon = TODAY() + datetime.timedelta(days=10)
    association = GroupAssociationFactory(
        client=jamal, group=group, started_on=add_years(soon, -5), confirmed_on=add_years(soon, -5), expires_on=soon
    )
    client.force_login(manager)
    page = client.get(reverse("incidents:association_expiring")).content.decode()
    assert f'href="{jamal.get_absolute_url()}"' in page and f'href="{group.get_absolute_url()}"' in page
    assert jamal.last_name not in page  # codes, as before
    confirm = reverse("incidents:association_confirm", args=[association.pk])
    assert f'action="{confirm}"' in page
    response = client.post(confirm, {"back": "expiring"})
    assert response["Location"] == reverse("incidents:association_expiring")
    association.refresh_from_db()
    assert association.confirmed_on == TODAY()


def test_ending_an_association_asks_first_naming_the_client_and_the_group(client, manager, jamal):
    association = GroupAssociationFactory(client=jamal, group=GroupFactory(name="Eastside Boys"))
    client.force_login(manager)
    url = reverse("incidents:association_end", args=[association.pk])
    asked = client.post(url, {"back": "client"})
    association.refresh_from_db()
    assert asked.status_code == 200 and association.ended_on is None
    assert f"End {jamal.code}'s association with Eastside Boys?" in asked.content.decode()
    assert client.post(url, {"back": "client", "confirm": "yes"}).status_code == 302
    association.refresh_from_db()
    assert association.ended_on == TODAY()
