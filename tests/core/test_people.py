"""A person who uses the app is named the same way everywhere: full name, else username."""

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template

from core.people import display_name
from outreach.forms import peacekeeper_options


def test_a_user_is_named_by_full_name_else_by_username():
    assert display_name(User(username="grover", first_name="Grover", last_name="Crump")) == "Grover Crump"
    assert display_name(User(username="grover", first_name="Grover")) == "Grover"
    assert display_name(User(username="grover")) == "grover"
    assert display_name(None) == ""


@pytest.mark.parametrize(
    ("user", "shown"),
    [
        (User(username="rosa", first_name="Rosa", last_name="Villanueva"), "Rosa Villanueva"),
        (User(username="rosa"), "rosa"),
        (None, "Import"),
    ],
)
def test_templates_name_a_user_the_same_way_and_say_who_it_was_when_nobody(user, shown):
    template = Template('{% load people %}{{ who|display_name|default:"Import" }}')
    assert template.render(Context({"who": user})) == shown


def test_the_peacekeeper_picker_names_active_peacekeepers_the_same_way(peacekeeper, other_peacekeeper):
    other_peacekeeper.first_name = other_peacekeeper.last_name = ""
    other_peacekeeper.save()
    assert peacekeeper_options() == [(other_peacekeeper.pk, "maria"), (peacekeeper.pk, "Grover Crump")]
    other_peacekeeper.is_active = False
    other_peacekeeper.save()
    assert peacekeeper_options() == [(peacekeeper.pk, "Grover Crump")]
