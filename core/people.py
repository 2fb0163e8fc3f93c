"""How the app names a person who uses it: the one place, for pages, tables, pickers and messages."""

from django.contrib.auth.base_user import AbstractBaseUser


def display_name(user: AbstractBaseUser | None) -> str:
    """The user's full name, or their username when they have none; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
