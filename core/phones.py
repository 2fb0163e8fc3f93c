"""Phone numbers (django-phonenumber-field): read in the program's region, shown as people write them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber, to_python

# The one message for a phone number that cannot be read (forms and models).
PHONE_MESSAGE = _("Enter a US phone number such as (209) 555-0142.")


def phone_number(value) -> PhoneNumber | None:
    """A phone number as typed or stored, read in PHONENUMBER_DEFAULT_REGION, or None when it is
    not a valid number."""
    if not value:
        return None
    number = to_python(value)
    return number if isinstance(number, PhoneNumber) and number.is_valid() else None


def phone_display(value) -> str:
    """National format for a number of the program's country ("(209) 555-0142"), international for
    any other ("+44 20 7946 0958"); what was stored when it is not a number; "" for none."""
    number = phone_number(value)
    if number is None:
        return str(value or "")
    return number.as_national if number.country_code == 1 else number.as_international


def phone_tel(value) -> str:
    """The number for a tel: link (E.164: no spaces), or "" when there is no valid number."""
    number = phone_number(value)
    return number.as_e164 if number else ""


def validate_plain_number(value) -> None:
    """Refuse a number with an extension: E.164 has no place for it, so storing it would drop it."""
    number = to_python(value)
    if isinstance(number, PhoneNumber) and number.extension:
        raise ValidationError(PHONE_MESSAGE, code="invalid")
