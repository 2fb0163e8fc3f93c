"""The report's sentence ("31 homicides from 1 January to 30 September 2018, the fewest in the same
months of any of the previous 4 years."), as its parts and in the reader's language.

reports.quarterly.headline computes it (the comparison with earlier years); a report and its public copy
keep it in English, the record's language, and a page or a file in another language reads the parts back
from the English (`translate`) and says them again with the catalogue's words and plurals."""

import datetime
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, ngettext

from reports import display

NONE, FEWEST_ALL, FEWEST, MOST_ALL, MOST, SAME, DOWN, UP = (
    "none",
    "fewest_all",
    "fewest",
    "most_all",
    "most",
    "same",
    "down",
    "up",
)


@dataclass(frozen=True)
class Sentence:
    """This year's homicides to `through`, compared as `case` says: with the first year on record
    (value: that year), with a run of earlier years (value: how many), or with last year (value: its count)."""

    count: int
    through: datetime.date
    case: str
    value: int = 0

    @property
    def whole_year(self) -> bool:
        return (self.through.month, self.through.day) == (12, 31)

    def lead(self) -> str:
        year, count = self.through.year, self.count
        if self.whole_year:
            return ngettext("%(count)s homicide in %(year)s", "%(count)s homicides in %(year)s", count) % {
                "count": count,
                "year": year,
            }
        months = display.span(datetime.date(year, 1, 1), self.through)
        return ngettext("%(count)s homicide from %(months)s", "%(count)s homicides from %(months)s", count) % {
            "count": count,
            "months": months,
        }

    def text(self) -> str:
        """The sentence in the active language."""
        values = {"lead": self.lead(), "value": self.value, "year": self.through.year - 1}
        return self._template() % values

    def _template(self) -> str:  # noqa: C901 (one message per case: each is its own sentence in Spanish)
        whole, n = self.whole_year, self.value
        if self.case == NONE:
            return gettext("%(lead)s; there are no earlier years on record to compare with.")
        if self.case == FEWEST_ALL:
            if whole:
                return gettext("%(lead)s, the fewest in a whole year of any year on record (since %(value)s).")
            return gettext("%(lead)s, the fewest in the same months of any year on record (since %(value)s).")
        if self.case == FEWEST:
            if whole:
                return ngettext(
                    "%(lead)s, the fewest in a whole year of any of the previous %(value)s year.",
                    "%(lead)s, the fewest in a whole year of any of the previous %(value)s years.",
                    n,
                )
            return ngettext(
                "%(lead)s, the fewest in the same months of any of the previous %(value)s year.",
                "%(lead)s, the fewest in the same months of any of the previous %(value)s years.",
                n,
            )
        if self.case == MOST_ALL:
            if whole:
                return gettext("%(lead)s, the most in a whole year of any year on record (since %(value)s).")
            return gettext("%(lead)s, the most in the same months of any year on record (since %(value)s).")
        if self.case == MOST:
            if whole:
                return ngettext(
                    "%(lead)s, the most in a whole year of any of the previous %(value)s year.",
                    "%(lead)s, the most in a whole year of any of the previous %(value)s years.",
                    n,
                )
            return ngettext(
                "%(lead)s, the most in the same months of any of the previous %(value)s year.",
                "%(lead)s, the most in the same months of any of the previous %(value)s years.",
                n,
            )
        if self.case == SAME:
            if whole:
                return gettext("%(lead)s, the same as in a whole year of %(year)s.")
            return gettext("%(lead)s, the same as in the same months of %(year)s.")
        if self.case == DOWN:
            if whole:
                return gettext("%(lead)s, down from %(value)s in a whole year of %(year)s.")
            return gettext("%(lead)s, down from %(value)s in the same months of %(year)s.")
        if whole:
            return gettext("%(lead)s, up from %(value)s in a whole year of %(year)s.")
        return gettext("%(lead)s, up from %(value)s in the same months of %(year)s.")

    def english(self) -> str:
        with translation.override("en"):
            return self.text()


_LEAD = rf"(?P<count>\d+) homicides? (?:in (?P<year>\d{{4}})|from (?P<months>{display._SPAN}))"
_SAME = r"(?:the same months|a whole year)"
_ENDINGS = [
    (NONE, r"; there are no earlier years on record to compare with\."),
    ("all", rf", the (?P<which>fewest|most) in {_SAME} of any year on record \(since (?P<value>\d{{4}})\)\."),
    ("run", rf", the (?P<which>fewest|most) in {_SAME} of any of the previous (?P<value>\d+) years?\."),
    (SAME, rf", the same as in {_SAME} of \d{{4}}\."),
    ("change", rf", (?P<which>down|up) from (?P<value>\d+) in {_SAME} of \d{{4}}\."),
]


def parse(english: str) -> Sentence | None:
    """The parts of an English sentence as `Sentence.english` writes it; None for any other text."""
    for kind, ending in _ENDINGS:
        found = re.fullmatch(_LEAD + ending, english)
        if not found:
            continue
        if found["year"]:
            through = datetime.date(int(found["year"]), 12, 31)
        else:
            through = display.parse_span(found["months"])[1]
        parts = found.groupdict()
        case = {
            "all": {"fewest": FEWEST_ALL, "most": MOST_ALL},
            "run": {"fewest": FEWEST, "most": MOST},
            "change": {"down": DOWN, "up": UP},
        }.get(kind, {}).get(parts.get("which"), kind)
        sentence = Sentence(int(found["count"]), through, case, int(parts.get("value") or 0))
        return sentence if sentence.english() == english else None
    return None


def translate(english: str) -> str:
    """The report's sentence (or the public copy's note in its place) in the reader's language."""
    if not display.translating() or not english:
        return english
    sentence = parse(english)
    return sentence.text() if sentence else gettext(english)
