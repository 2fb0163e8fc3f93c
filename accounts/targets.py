"""What an access-log row says was seen, in the reader's language. The log stores it in English, as a record
that never changes (accounts.access writes it, "client C-2026-0028 (edit form)"); the audit-log page shows it
translated where its words are the program's own, and as stored otherwise (an admin page's name)."""

import re

from django.utils.translation import get_language, gettext, gettext_noop

CLIENT = gettext_noop("client %(code)s (%(where)s)")

# The pages that name a client, as accounts.access.client_viewed is told them.
PAGES = [
    gettext_noop("record"),
    gettext_noop("history"),
    gettext_noop("edit form"),
    gettext_noop("correct the exit"),
    gettext_noop("exit from the program"),
    gettext_noop("undo the exit"),
    gettext_noop("re-enrol"),
    gettext_noop("transfer the case"),
    gettext_noop("group association form"),
    gettext_noop("ending a group association"),
    gettext_noop("new contact form"),
    gettext_noop("edit contact form"),
    gettext_noop("new goal form"),
    gettext_noop("edit goal form"),
    gettext_noop("new referral form"),
    gettext_noop("edit referral form"),
    gettext_noop("contact form kept on the phone for offline use"),
]
# The pages that name a client by what they show: "involved in incident SPD-1".
PATTERNS = [
    (re.compile(r"involved in incident (?P<case>\S+)"), gettext_noop("involved in incident %(case)s")),
    (re.compile(r"at risk after incident (?P<case>\S+)"), gettext_noop("at risk after incident %(case)s")),
    (re.compile(r"response task for incident (?P<case>\S+)"), gettext_noop("response task for incident %(case)s")),
    (re.compile(r"in mediation (?P<number>\d+)"), gettext_noop("in mediation %(number)s")),
    (re.compile(r"associated with group (?P<number>\d+)"), gettext_noop("associated with group %(number)s")),
    (re.compile(r"party to conflict (?P<number>\d+)"), gettext_noop("party to conflict %(number)s")),
    (re.compile(r"in the network of group (?P<number>\d+)"), gettext_noop("in the network of group %(number)s")),
    (re.compile(r"in the network of client (?P<code>\S+)"), gettext_noop("in the network of client %(code)s")),
]
# Rows that are not about one client's page: the network views themselves.
WHOLE = [
    (
        re.compile(r"network of group (?P<number>\d+) on (?P<day>\d{4}-\d{2}-\d{2})"),
        gettext_noop("network of group %(number)s on %(day)s"),
    ),
    (
        re.compile(r"network of client (?P<code>\S+) on (?P<day>\d{4}-\d{2}-\d{2})"),
        gettext_noop("network of client %(code)s on %(day)s"),
    ),
]
_CLIENT = re.compile(r"client (?P<code>\S+) \((?P<where>.+)\)", re.DOTALL)


def target_in_language(target: str) -> str:
    """An access-log row's target as the reader reads it (as stored in English, and where it is not one of ours)."""
    if (get_language() or "en").startswith("en"):
        return target
    found = _CLIENT.fullmatch(target or "")
    if found is not None:
        return gettext(CLIENT) % {"code": found["code"], "where": _where(found["where"])}
    for pattern, msgid in WHOLE:
        found = pattern.fullmatch(target or "")
        if found:
            return gettext(msgid) % found.groupdict()
    return target


def _where(where: str) -> str:
    if where in PAGES:
        return gettext(where)
    for pattern, msgid in PATTERNS:
        part = pattern.fullmatch(where)
        if part:
            return gettext(msgid) % part.groupdict()
    return where
