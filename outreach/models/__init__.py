"""The outreach app's models, a module per sub-domain; every name is importable from here."""

from outreach.models.clients import (
    CURRENT_STATUSES,
    PHONE_MATCH_MIN_DIGITS,
    Client,
    ClientCodeSequence,
    ClientQuerySet,
    ClientStatus,
    ExitReason,
    Gender,
    ReferralSource,
    RiskLevel,
    SecondaryPeacekeeper,
    contact_standard_days,
    local_today,
)
from outreach.models.contacts import (
    CONTACT_MAX_MINUTES,
    LAST_CONTACT_SQL,
    Contact,
    ContactKind,
    Topic,
    last_contact_trigger,
)
from outreach.models.duplicates import PossibleDuplicate, PossibleDuplicateQuerySet
from outreach.models.endings import (
    CLOSING_NOTE_MAX,
    ClientTransfer,
    EnrolmentPeriod,
    active_during,
    active_on,
    exited_during,
)
from outreach.models.neighborhoods import Neighborhood
from outreach.models.plans import Goal, GoalDomain, GoalStatus, Partner, Referral, ReferralStatus

__all__ = [
    "CLOSING_NOTE_MAX",
    "CURRENT_STATUSES",
    "ClientTransfer",
    "EnrolmentPeriod",
    "CONTACT_MAX_MINUTES",
    "LAST_CONTACT_SQL",
    "PHONE_MATCH_MIN_DIGITS",
    "Client",
    "ClientCodeSequence",
    "ClientQuerySet",
    "ClientStatus",
    "Contact",
    "ContactKind",
    "ExitReason",
    "Gender",
    "Goal",
    "GoalDomain",
    "GoalStatus",
    "Neighborhood",
    "Partner",
    "PossibleDuplicate",
    "PossibleDuplicateQuerySet",
    "Referral",
    "ReferralSource",
    "ReferralStatus",
    "RiskLevel",
    "SecondaryPeacekeeper",
    "Topic",
    "active_during",
    "active_on",
    "contact_standard_days",
    "exited_during",
    "last_contact_trigger",
    "local_today",
]
