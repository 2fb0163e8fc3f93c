"""Writes on a user's own records."""

from django.contrib.auth.models import User
from django.db import transaction

from accounts.models import Preferences

# What a user may set on their preferences page (the form's fields).
PREFERENCES_FIELDS = ("language",)


@transaction.atomic
def preferences_update(*, user: User, language: str) -> Preferences:
    """Save a user's language ("" for the browser's)."""
    preferences, _ = Preferences.objects.select_for_update().get_or_create(user=user)
    preferences.language = language
    preferences.full_clean()
    preferences.save()
    return preferences
