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


# Digits a reader dials all the same when they are spelled out ("two zero nine, 555, 01 47"), in English or Spanish:
# read as full-width digits, so that a run of digits can tell the spelled ones.
_DIGIT_WORDS = {
    word: chr(0xFF10 + digit)
    for digit, words in enumerate(
        [
            ("zero", "oh", "cero"),
            ("one", "uno", "una"),
            ("two", "dos"),
            ("three", "tres"),
            ("four", "cuatro"),
            ("five", "cinco"),
            ("six", "seis"),
            ("seven", "siete"),
            ("eight", "ocho"),
            ("nine", "nueve"),
        ]
    )
    for word in words
}
_DIGIT_WORD = re.compile(r"\b(" + "|".join(_DIGIT_WORDS) + r")\b", re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b")  # 2026-08-20, 20/08/2026: days, not numbers to dial
# Seven digits or more with only spaces, dots, dashes, slashes or brackets between them: a number to dial. With
# commas too ("2026: 1, 2, 3" is a list) only when some of them were spelled out.
_RUN = re.compile(r"(?<![^\W\d_])\d(?:[\s./()\-]*\d){6,}")
_LOOSE_RUN = re.compile(r"(?<![^\W\d_])\d(?:[\s,.;:/()\-]*\d){6,}")
_SPELLED = re.compile("[\uff10-\uff19]")


def _has_phone_number(text: str) -> bool:
    matches = phonenumbers.PhoneNumberMatcher(
        text, settings.PHONENUMBER_DEFAULT_REGION, leniency=phonenumbers.Leniency.POSSIBLE
    )
    if any(True for _ in matches):
        return True
    spelled = _DIGIT_WORD.sub(lambda m: _DIGIT_WORDS[m[1].lower()], _DATE.sub(" ", text))
    return bool(_RUN.search(spelled)) or any(_SPELLED.search(run[0]) for run in _LOOSE_RUN.finditer(spelled))


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
