"""Why a person is at risk after a shooting (ResponseTask.reason): written by the records, never typed, so
stored in one language, English, with the words below, and shown in the reader's language by
`in_language`. Several reasons are joined with "; ". A reason in other words (an older record, or one a
script wrote) is shown as written."""

import re

from django.utils.translation import gettext, gettext_noop

SEPARATOR = "; "

# A victim recorded in the incident, taking over its hospital visit or family contact; by their outcome.
IN_THE_INCIDENT = {
    "killed": gettext_noop("Killed in the incident"),
    "wounded": gettext_noop("Wounded in the incident"),
    "unharmed": gettext_noop("Unharmed in the incident"),
}
ASSOCIATE_OF_THE_PEOPLE = gettext_noop("Associate of the people in the incident")
# A current member or associate of a victim's group (AssociationRole's values).
OF_GROUP = {
    "member": gettext_noop("member of %(group)s"),
    "associate": gettext_noop("associate of %(group)s"),
}
OTHER_SIDE = gettext_noop("other side of conflict #%(number)s")

_FIXED = frozenset([*IN_THE_INCIDENT.values(), ASSOCIATE_OF_THE_PEOPLE])
_OF_GROUP = re.compile(r"^(member|associate) of (.+)$", re.DOTALL)
_OTHER_SIDE = re.compile(r"^other side of conflict #(\d+)$")


def of_group(role: str, group: str) -> str:
    return OF_GROUP[role] % {"group": group}


def other_side(conflict_id: int) -> str:
    return OTHER_SIDE % {"number": conflict_id}


def in_language(reason: str) -> str:
    """`reason` in the active language, part by part."""
    return SEPARATOR.join(_part_in_language(part) for part in reason.split(SEPARATOR)) if reason else reason


def _part_in_language(part: str) -> str:
    if part in _FIXED:
        return gettext(part)
    if match := _OF_GROUP.match(part):
        return gettext(OF_GROUP[match[1]]) % {"group": match[2]}
    if match := _OTHER_SIDE.match(part):
        return gettext(OTHER_SIDE) % {"number": match[1]}
    return part
