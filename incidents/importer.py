"""The incidents CSV import (SPEC section 5), shared by the command and the web page's
background job (incidents.tasks).

All or nothing: rows are parsed and written in batches inside one transaction; any bad row
means the transaction is rolled back at the end, so nothing is written, and every bad line is
reported (line 1 is the header; a row is numbered by the line it starts on). A dry run (the
web preview) writes nothing and takes no lock: it only reads. Imports run one at a time (an
advisory lock) but never lock the incidents table, so people keep logging incidents meanwhile;
a case number someone logs while the import is writing it makes the import fail cleanly. Memory
stays bounded: only one batch of rows is held at a time, plus the set of case numbers seen.
"""

import csv
import datetime
import io
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.management.base import OutputWrapper
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_lazy

from core.limits import LONG_TEXT_MAX
from incidents.models import Incident, IncidentKind, Involvement, InvolvementOutcome, Weapon, incident_errors
from incidents.response_cases import response_cases_follow, response_cases_open
from outreach.models import Neighborhood

COLUMNS = [
    "case_number",
    "occurred_at",
    "kind",
    "neighborhood",
    "address",
    "latitude",
    "longitude",
    "killed",
    "injured",
    "weapon",
    "description",
]
# The fields an import writes; comparing them tells "updated" from "unchanged".
FIELDS = ["kind", "occurred_at", "neighborhood_id", "address", "latitude", "longitude"] + [
    "killed",
    "injured",
    "weapon",
    "description",
]
BATCH_SIZE = 2000
# Worked out once: a TextChoices' .values builds a new list on every call.
KINDS, WEAPONS = IncidentKind.values, Weapon.values
MAX_TEXT = {"case_number": 50, "address": 200, "neighborhood": 100}
# Longer than any real description: most often a quote left open that swallowed the lines after it.
MAX_DESCRIPTION = LONG_TEXT_MAX
# pg_advisory_xact_lock key: one import writes at a time (two files must not both create a case).
IMPORT_LOCK = 4_861_207
# Placeholder id of a neighborhood a dry run would create: never equal to a real one.
NEW_NEIGHBORHOOD = 0
# What a report keeps of the incidents a file updates (old -> new per field) and of those it leaves
# unchanged: enough for a person to read, bounded for a 100,000-row file.
CHANGES_KEPT = 1000
VALUE_SHOWN = 300
# What the preview calls each field (the stored changes keep the field's name; the page shows these).
FIELD_LABELS = {
    "kind": gettext_lazy("kind"),
    "occurred_at": gettext_lazy("date and time"),
    "neighborhood_id": gettext_lazy("neighborhood"),
    "address": gettext_lazy("address"),
    "latitude": gettext_lazy("latitude"),
    "longitude": gettext_lazy("longitude"),
    "killed": gettext_lazy("killed"),
    "injured": gettext_lazy("injured"),
    "weapon": gettext_lazy("weapon"),
    "description": gettext_lazy("description"),
}
# One example row for the template file the import page offers.
EXAMPLE_ROW = [
    "PD-24-0101",
    "2024-03-02T23:40",
    "nonfatal_shooting",
    "Downtown",
    "1200 block of Main Street",
    "37.762100",
    "-122.181400",
    "0",
    "1",
    "firearm",
    "Example row: replace it with your own, or delete it",
]
# A new neighborhood's entry in a web import's choices: created (None) or the id of an existing one.
NeighborhoodChoices = Mapping[str, int | None]


class ImportRejected(Exception):
    """Raised inside the transaction to roll it back; the report says why."""


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return gettext("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    """What an import did, or would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_neighborhoods: list[str] = field(default_factory=list)
    # A new name taken as an existing neighborhood (a typo in a police file): {name in file: existing}.
    merged_neighborhoods: dict[str, str] = field(default_factory=dict)
    # For each updated incident (the first CHANGES_KEPT): its line, case number and changed fields.
    changes: list[dict] = field(default_factory=list)
    unchanged_cases: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    header_error: str = ""
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.header_error

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self, max_errors: int | None = None) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "new_neighborhoods": self.new_neighborhoods,
            "merged_neighborhoods": self.merged_neighborhoods,
            "changes": self.changes,
            "unchanged_cases": self.unchanged_cases,
            "error_count": len(self.errors),
            "errors": [{"line": e.line, "message": e.message} for e in self.errors[:max_errors]],
            "header_error": self.header_error,
            "applied": self.applied,
        }


# Called after each batch with (rows read, bad rows so far).
Progress = Callable[[int, int], None]


def import_incidents(
    lines: Iterable[str],
    *,
    dry_run: bool,
    logged_by=None,
    progress: Progress | None = None,
    source: str = "import",
    neighborhoods: NeighborhoodChoices | None = None,
    file_name: str = "",
) -> ImportReport:
    """Import incidents from CSV text lines (any line endings; BOM allowed). See module docstring.

    `neighborhoods` (the web import, once its uploader chose): for each new neighborhood name, in
    lower case, None to create it or the id of the existing one it is; a new name not in it is a bad
    row. Without it (the command) every unknown neighborhood is created and listed."""
    report = ImportReport()
    rows = csv.reader(_strip_bom(lines), strict=True)
    try:
        header = next(rows, None)
    except csv.Error as error:
        header = None
        report.header_error = gettext("The header (line 1) cannot be read: %(error)s.") % {"error": error}
        return report
    report.header_error = _header_problem(header)
    if report.header_error:
        return report
    order = [name.strip().lower() for name in header]
    if dry_run:
        _run(rows, order, report, logged_by=logged_by, progress=progress, write=False, chosen=neighborhoods)
        return report
    # The history pages say "by the import of <file_name>" for these changes.
    context = {"source": source} | ({"import_file": file_name} if file_name else {})
    context |= {"user": logged_by.pk} if logged_by is not None else {}
    try:
        # The audit trail records every created or updated incident with where it came from.
        with transaction.atomic(), pghistory.context(**context):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            _run(rows, order, report, logged_by=logged_by, progress=progress, write=True, chosen=neighborhoods)
            if not report.ok:
                raise ImportRejected
            report.applied = True
    except ImportRejected:
        pass
    except IntegrityError:
        # Someone logged one of the file's case numbers while the import was writing it.
        report.applied = False
        report.header_error = gettext(
            "Someone logged one of this file's case numbers while it was being imported, so nothing "
            "was written. Check the file again: that row will now update their incident."
        )
    return report


def decode_upload(data: bytes) -> Iterator[str]:
    """Text lines of an uploaded file (UTF-8, with or without BOM)."""
    return io.StringIO(data.decode("utf-8-sig"), newline="")


def _strip_bom(lines: Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield line


def _header_problem(header: list[str] | None) -> str:
    if not header:
        return gettext("The file is empty: the first line must be the header %(header)s.") % {
            "header": ",".join(COLUMNS)
        }
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    repeated = sorted({n for n in names if names.count(n) > 1})
    problems = []
    if missing:
        problems.append(gettext("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(gettext("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
    if repeated:
        problems.append(gettext("repeated column(s): %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        return gettext("Wrong header (line 1): %(problems)s. Expected: %(header)s.") % {
            "problems": "; ".join(problems),
            "header": ",".join(COLUMNS),
        }
    return ""


def _run(
    rows,
    order: list[str],
    report: ImportReport,
    *,
    logged_by,
    progress: Progress | None,
    write: bool,
    chosen: NeighborhoodChoices | None,
) -> None:
    known = _Neighborhoods(chosen)
    seen: set[str] = set()
    batch: list[tuple[int, dict, Incident]] = []
    read = 0
    for line_number, row in _numbered_rows(rows, report):
        if row is None or not any(cell.strip() for cell in row):
            continue  # blank lines (often a trailing one) are not rows; None: unreadable, reported
        read += 1
        parsed = _parse(line_number, row, order, report, seen)
        if parsed is not None:
            batch.append((line_number, *parsed))
        if len(batch) >= BATCH_SIZE:
            _write(batch, known, report, logged_by=logged_by, write=write)
            batch = []
            if progress:
                progress(read, len(report.errors))
    _write(batch, known, report, logged_by=logged_by, write=write)
    if progress:
        progress(read, len(report.errors))


class _Neighborhoods:
    """The neighborhoods an import knows: by lower-case name to id, and by id to name."""

    def __init__(self, chosen: NeighborhoodChoices | None) -> None:
        self.names = dict(Neighborhood.objects.values_list("pk", "name"))
        self.ids = {name.lower(): pk for pk, name in self.names.items()}
        self.chosen = chosen

    def shown(self, pk: int | None, name_in_file: str) -> str:
        if pk is None:
            return ""
        return self.names.get(pk) or gettext("%(name)s (new)") % {"name": name_in_file}


def _numbered_rows(rows, report: ImportReport):
    """(line, row) pairs, a row numbered by the line it starts on (a quoted field may span lines).
    A line the CSV reader cannot read is reported; one it cannot read past ends the file."""
    end = rows.line_num
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            message, fatal = _csv_problem(str(error), last_line=rows.line_num)
            report.errors.append(LineError(start, message))
            if fatal:
                return
            row = None
        end = rows.line_num
        yield start, row


def _csv_problem(error: str, *, last_line: int) -> tuple[str, bool]:
    """A plain message for the CSV reader's error, and whether reading cannot go on after it."""
    if "unexpected end of data" in error:
        return (
            gettext(
                "a quoted field starts on this line and its closing quote is missing, so the rest of the file "
                '(to line %(line)s) would be read into it. Close the quote, or double it ("") if it is '
                "part of the text"
            )
            % {"line": last_line},
            True,
        )
    if "field larger than field limit" in error:
        return (
            gettext(
                "a field starting on this line runs past %(limit)s characters (to line %(line)s): most likely a "
                "quoted field whose closing quote is missing"
            )
            % {"limit": f"{csv.field_size_limit():,}", "line": last_line},
            True,
        )
    if "expected after" in error:
        return (
            gettext("a closing quote is followed by more text: quote the whole field and double the quotes inside"),
            False,
        )
    return gettext("the CSV cannot be read from here on (%(error)s)") % {"error": error}, True


def _parse(
    line: int, row: list[str], order: list[str], report: ImportReport, seen: set[str]
) -> tuple[dict, Incident] | None:
    """The row's values and the incident they make (checked by the model's rules), or None."""
    if len(row) != len(order):
        report.errors.append(
            LineError(
                line,
                gettext("expected %(expected)s fields, found %(found)s") % {"expected": len(order), "found": len(row)},
            )
        )
        return None
    raw = {name: cell.strip() for name, cell in zip(order, row, strict=True)}
    problems: list[str] = [
        gettext("%(column)s contains a NUL character") % {"column": name}
        for name, value in raw.items()
        if "\x00" in value
    ]
    if problems:
        report.errors.append(LineError(line, "; ".join(problems)))
        return None
    values: dict = {"description": raw["description"], "address": raw["address"]}
    for name, limit in MAX_TEXT.items():
        if len(raw[name]) > limit:
            problems.append(
                gettext("%(column)s is longer than %(limit)s characters") % {"column": name, "limit": limit}
            )
    if len(raw["description"]) > MAX_DESCRIPTION:
        sizes = {"length": f"{len(raw['description']):,}", "limit": f"{MAX_DESCRIPTION:,}"}
        if "\n" in raw["description"]:
            message = gettext(
                "description is %(length)s characters long, more than the %(limit)s allowed (a quote left open "
                "takes in the lines after it)"
            )
        else:
            message = gettext("description is %(length)s characters long, more than the %(limit)s allowed")
        problems.append(message % sizes)
    case_number = raw["case_number"]
    if not case_number:
        problems.append(gettext("case_number is empty"))
    elif case_number.lower() in seen:
        problems.append(
            gettext("case_number %(case)s appears more than once in the file (letter case aside)")
            % {"case": case_number}
        )
    seen.add(case_number.lower())
    values["case_number"] = case_number
    values["occurred_at"] = _parse_when(raw["occurred_at"], problems)
    values["kind"] = _parse_choice("kind", raw["kind"], KINDS, problems)
    values["weapon"] = _parse_choice("weapon", raw["weapon"], WEAPONS, problems)
    values["killed"] = _parse_count("killed", raw["killed"], problems)
    values["injured"] = _parse_count("injured", raw["injured"], problems)
    values["latitude"] = _parse_decimal("latitude", raw["latitude"], problems)
    values["longitude"] = _parse_decimal("longitude", raw["longitude"], problems)
    if not problems:
        candidate = Incident(**values)
        problems.extend(_lower_first(m) for m in incident_errors(candidate).values())
    if problems:
        report.errors.append(LineError(line, "; ".join(problems)))
        return None
    values["neighborhood"] = raw["neighborhood"]
    return values, candidate


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:].rstrip(".")


def _parse_when(text: str, problems: list[str]) -> datetime.datetime | None:
    if not text:
        problems.append(gettext("occurred_at is empty"))
        return None
    try:
        moment = parse_datetime(text.replace(" ", "T", 1)) if ("T" in text or " " in text) else None
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise ValueError
            moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        problems.append(
            gettext("occurred_at %(value)s is not an ISO 8601 date or date and time") % {"value": repr(text)}
        )
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # local time unless an offset is given
        # In UTC, as the database gives it back: Python never finds a local time in the hour skipped
        # or repeated by daylight saving equal to a time in another zone, so a re-import would call
        # such an incident "updated" every time.
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the year 1 in UTC
        problems.append(gettext("occurred_at %(value)s is before 1900") % {"value": repr(text)})
        return None


def _parse_choice(name: str, text: str, allowed: list[str], problems: list[str]) -> str | None:
    if text not in allowed:
        problems.append(
            gettext("%(column)s %(value)s is not one of %(allowed)s")
            % {"column": name, "value": repr(text), "allowed": ", ".join(allowed)}
        )
        return None
    return text


def _parse_count(name: str, text: str, problems: list[str]) -> int | None:
    if text == "":
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > 32767:
        problems.append(
            gettext("%(column)s %(value)s is not a whole number from 0 up") % {"column": name, "value": repr(text)}
        )
        return None
    return int(text)


def _parse_decimal(name: str, text: str, problems: list[str]) -> Decimal | None:
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(gettext("%(column)s %(value)s is not a number") % {"column": name, "value": repr(text)})
        return None
    if not value.is_finite() or abs(value) >= 1000:
        problems.append(gettext("%(column)s %(value)s is not a coordinate") % {"column": name, "value": repr(text)})
        return None
    return value.quantize(Decimal("0.000001"))


def _write(
    batch: list[tuple[int, dict, Incident]], known: _Neighborhoods, report: ImportReport, *, logged_by, write: bool
) -> None:
    """Count (and, when writing and no error is known yet, create or update) one batch."""
    if not batch:
        return
    _ensure_neighborhoods(batch, known, report, write=write)
    neighborhoods = known.ids
    keys = [v["case_number"].lower() for _, v, _ in batch]
    existing = {i.case_number.lower(): i for i in Incident.objects.alias(ci=Lower("case_number")).filter(ci__in=keys)}
    recorded = _recorded_harm(existing.values())
    to_create, to_update = [], []
    for line, values, incident in batch:
        values = dict(values)
        name = values.pop("neighborhood")
        values["neighborhood_id"] = neighborhoods[name.lower()] if name else None
        current = existing.get(values["case_number"].lower())
        if current is None:
            incident.neighborhood_id, incident.logged_by = values["neighborhood_id"], logged_by
            to_create.append(incident)
        elif current.case_number != values["case_number"]:
            report.errors.append(
                LineError(
                    line,
                    gettext(
                        "case_number %(case)s differs only in letter case from incident %(recorded)s already "
                        "recorded: spell it the same way"
                    )
                    % {"case": values["case_number"], "recorded": current.case_number},
                )
            )
        elif problem := _fewer_than_recorded(values, recorded.get(current.pk, {})):
            report.errors.append(LineError(line, problem))
        elif any(getattr(current, f) != values[f] for f in FIELDS):
            if len(report.changes) < CHANGES_KEPT:
                report.changes.append(_changes(line, current, values, known, name))
            for f in FIELDS:
                setattr(current, f, values[f])
            current.updated_at = timezone.now()
            to_update.append(current)
        else:
            report.unchanged += 1
            if len(report.unchanged_cases) < CHANGES_KEPT:
                report.unchanged_cases.append(current.case_number)
    report.created += len(to_create)
    report.updated += len(to_update)
    if write and report.ok:
        Incident.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        Incident.objects.bulk_update(to_update, [*FIELDS, "updated_at"], batch_size=BATCH_SIZE)
        # A homicide or non-fatal shooting the file adds (or turns an incident into) opens its response case,
        # once: a case already open is left as it is.
        written = [i.pk for i in to_create] + [i.pk for i in to_update]
        response_cases_open(incidents=Incident.objects.filter(pk__in=written), by=logged_by)
        response_cases_follow(incidents=Incident.objects.filter(pk__in=[i.pk for i in to_update]), by=logged_by)


def _recorded_harm(incidents: Iterable[Incident]) -> dict[int, dict[str, int]]:
    """For the batch's stored incidents, how many clients are recorded as killed and as wounded (one query)."""
    rows = (
        Involvement.objects.filter(incident__in=[i.pk for i in incidents])
        .exclude(outcome=InvolvementOutcome.UNHARMED)
        .values_list("incident", "outcome")
        .annotate(n=Count("pk"))
    )
    recorded: dict[int, dict[str, int]] = {}
    for incident_id, outcome, n in rows:
        recorded.setdefault(incident_id, {})[outcome] = n
    return recorded


def _fewer_than_recorded(values: dict, recorded: dict[str, int]) -> str:
    """The file may not give an incident fewer killed (injured) than the clients recorded so in the app."""
    for column, outcome in (("killed", InvolvementOutcome.KILLED), ("injured", InvolvementOutcome.WOUNDED)):
        if (values[column] or 0) < recorded.get(outcome, 0):
            if outcome == InvolvementOutcome.KILLED:
                message = gettext(
                    "killed %(value)s is fewer than the %(n)s program client(s) recorded as killed in incident "
                    "%(case)s: correct the people involved in the app first, or the file"
                )
            else:
                message = gettext(
                    "injured %(value)s is fewer than the %(n)s program client(s) recorded as wounded in incident "
                    "%(case)s: correct the people involved in the app first, or the file"
                )
            return message % {"value": values[column], "n": recorded[outcome], "case": values["case_number"]}
    return ""


def _changes(line: int, current: Incident, values: dict, known: _Neighborhoods, name_in_file: str) -> dict:
    """What an update changes in an incident, as text a person reads: {field, old, new} each."""
    fields = []
    for f in FIELDS:
        old, new = getattr(current, f), values[f]
        if old == new:
            continue
        if f == "neighborhood_id":
            old, new = known.shown(old, ""), known.shown(new, name_in_file)
        else:
            old, new = _shown(current, f, old), _shown(current, f, new)
        fields.append({"field": str(FIELD_LABELS[f]), "old": old, "new": new})
    return {"line": line, "case_number": current.case_number, "id": current.pk, "fields": fields}


def _shown(incident: Incident, name: str, value) -> str:
    if value is None or value == "":
        return ""
    if name == "occurred_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if name in ("kind", "weapon"):
        choices = IncidentKind if name == "kind" else Weapon
        return str(choices(value).label)
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _ensure_neighborhoods(batch, known: _Neighborhoods, report: ImportReport, *, write: bool) -> None:
    new = {}
    for line, values, _ in batch:
        name = values["neighborhood"]
        if name and name.lower() not in known.ids and name.lower() not in new:
            new[name.lower()] = (line, name)
    for key, (line, name) in new.items():
        known.ids[key] = NEW_NEIGHBORHOOD
        if known.chosen is not None and key not in known.chosen:
            report.errors.append(
                LineError(
                    line,
                    gettext("neighborhood %(name)s is new and was not confirmed: check the file again")
                    % {"name": name},
                )
            )
            continue
        target = known.chosen.get(key) if known.chosen is not None else None
        if target is not None:
            if target not in known.names:
                report.errors.append(
                    LineError(line, gettext("the neighborhood chosen for %(name)s no longer exists") % {"name": name})
                )
                continue
            known.ids[key] = target
            report.merged_neighborhoods[name] = known.names[target]
            continue
        if write:
            known.ids[key] = Neighborhood.objects.create(name=name).pk
            known.names[known.ids[key]] = name
        report.new_neighborhoods.append(name)


class ProgressPrinter:
    """Progress for a terminal: rows done, rate and an ETA, on one rewritten line."""

    def __init__(self, stream, total: int | None) -> None:
        self.stream, self.total, self.start = stream, total, time.monotonic()

    def __call__(self, done: int, errors: int = 0) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = done / elapsed
        text = "\r" + gettext("%(done)s rows checked (%(rate)s/s)") % {"done": f"{done:,}", "rate": f"{rate:,.0f}"}
        if self.total:
            remaining = max(self.total - done, 0) / rate if rate else 0
            text = "\r" + gettext("%(done)s/%(total)s rows (%(percent)s%%), about %(left)ss left") % {
                "done": f"{done:,}",
                "total": f"{self.total:,}",
                "percent": f"{100 * done / self.total:.0f}",
                "left": f"{remaining:.0f}",
            }
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")  # a management command's stdout adds "\n" otherwise
        else:
            self.stream.write(text)
        self.stream.flush()
