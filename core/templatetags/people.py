from django import template

from core import people

register = template.Library()


@register.filter
def display_name(user) -> str:
    """`{{ user|display_name }}`: core.people.display_name; add `|default:"..."` for nobody."""
    return people.display_name(user or None)
