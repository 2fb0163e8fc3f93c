"""What text meant for the public (a public copy's reason) must not hold, beyond clients' names and codes
(outreach's ClientQuerySet.named_in): a way to reach someone. Phone numbers are found by the phonenumbers
library (the one that reads clients' phones), as a reader would dial them, in the program's region or
written with a country code; email addresses by Django's own validator."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Punctuation a sentence puts around a word: "(write to a@b.org)." is still an address.
_AROUND_A_WORD = "()[]{}<>\"'“”‘’«»,;:.!?¡¿"


def contact_details_in(text: str) -> bool:
    """Whether `text` holds a phone number (any a phone could dial: its length is possible for its
    country, whether or not the number is assigned, so 555 numbers count) or an email address."""
    return _has_phone_number(text) or _has_email_address(text)


def _has_phone_number(text: str) -> bool:
    matches = phonenumbers.PhoneNumberMatcher(
        text, settings.PHONENUMBER_DEFAULT_REGION, leniency=phonenumbers.Leniency.POSSIBLE
    )
    return any(True for _ in matches)


def _has_email_address(text: str) -> bool:
    for word in re.split(r"\s+", text):
        word = word.strip(_AROUND_A_WORD)
        if "@" not in word:
            continue
        try:
            validate_email(word)
        except ValidationError:
            continue
        return True
    return False
