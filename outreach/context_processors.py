from django.http import HttpRequest

from accounts import roles
from outreach import field


def field_mode(request: HttpRequest) -> dict:
    """For a peacekeeper, the public key their phone seals offline contacts with (static/js/field.js
    reads it from the page). Nothing for anyone else: field mode is off for them."""
    user = getattr(request, "user", None)
    if user is None or not roles.can_use_field_mode(user):
        return {"field_mode": None}
    return {"field_mode": field.keys()}
