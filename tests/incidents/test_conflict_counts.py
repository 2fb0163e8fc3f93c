"""Analysts see conflicts and groups only as counts (issue #16): the analyst dashboard's figures, with no
name, party or tie, and expired associations never counted."""

import datetime

import pytest
from django.utils import timezone

from incidents import conflict_reads
from incidents import conflict_services as services
from outreach.models import local_today
from tests.factories import ClientFactory, GroupAssociationFactory, GroupFactory


def _conflict(manager, *, description="A dispute over a car", statuses=()):
    conflict = services.conflict_create(by=manager, data={"kind": "dispute", "description": description})
    for status in statuses:
        services.conflict_set_status(conflict=conflict, by=manager, status=status)
    return conflict


@pytest.fixture
def story(db, manager):
    today = local_today()
    _conflict(manager)  # identified
    _conflict(manager, statuses=["mediation_attempted", "mediated"])
    _conflict(manager, statuses=["mediated", "reignited"])
    _conflict(manager, statuses=["closed"])
    last_year = _conflict(manager)
    last_year.status_changes.update(changed_at=timezone.now() - datetime.timedelta(days=400))  # identified before
    GroupFactory(status="dissolved")
    kept = GroupAssociationFactory(client=ClientFactory(first_name="Zephyrine"), group=GroupFactory(name="Eastside"))
    long_ago = today - datetime.timedelta(days=5 * 365 + 1)
    GroupAssociationFactory(
        group=kept.group, started_on=long_ago, confirmed_on=long_ago, expires_on=today - datetime.timedelta(days=1)
    )
    return today


def test_the_counts_follow_each_conflicts_latest_status_and_the_year(story):
    counts = conflict_reads.conflict_counts(story)
    assert dict(counts.open_by_status) == {
        "Identified": 2,
        "Mediation attempted": 0,
        "Mediated": 1,
        "Cooling": 0,
        "Reignited": 1,
    }
    assert counts.open_total == 4
    assert (counts.identified, counts.mediated, counts.reignited, counts.closed) == (4, 2, 1, 1)


def test_expired_associations_and_dissolved_groups_are_not_counted(story):
    counts = conflict_reads.conflict_counts(story)
    assert (counts.groups_active, counts.associations_current) == (1, 1)


def test_the_analyst_sees_counts_and_no_names(client, analyst, story):
    client.force_login(analyst)
    page = client.get("/").content.decode()
    assert "Conflicts and groups" in page and "Conflicts open now" in page
    assert "Zephyrine" not in page and "Eastside" not in page and "dispute over a car" not in page
    assert 'href="/conflicts/' not in page and 'href="/groups/' not in page


def test_the_counts_cost_the_same_whatever_the_number_of_conflicts(db, manager, django_assert_num_queries):
    with django_assert_num_queries(5):
        conflict_reads.conflict_counts()
    for _ in range(5):
        _conflict(manager, statuses=["mediated"])
    with django_assert_num_queries(5):
        conflict_reads.conflict_counts()
