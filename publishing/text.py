"""What text meant for the public (a public copy's reason) must not hold, beyond clients' names and codes
(outreach's ClientQuerySet.named_in): a way to reach someone. Phone numbers are found by the phonenumbers
library (the one that reads clients' phones), as a reader would dial them, in the program's region or
written with a country code; email addresses by Django's own validator, or spelled out
("j.smith [at] example [dot] org")."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from incidents.models.incidents import WORD_PUNCTUATION  # "(write to a@b.org)." is still an address

# An address written so that filters miss it and people do not: "j.smith [at] example [dot] org".
_SPELLED_OUT_ADDRESS = re.compile(
    r"\S\s*(?:[\[({<]\s*(?:at|arroba)\s*[\])}>]|\s(?:at|arroba)\s)\s*\S+\s*(?:[\[({<]\s*(?:dot|punto)\s*[\])}>]|\s(?:dot|punto)\s)",
    re.IGNORECASE,
)


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
    if _SPELLED_OUT_ADDRESS.search(text):
        return True
    for word in re.split(r"\s+", text):
        word = word.strip(WORD_PUNCTUATION)
        if "@" not in word:
            continue
        try:
            validate_email(word)
        except ValidationError:
            continue
        return True
    return False
