"""The incidents CSV import: all or nothing, idempotent, and the same for the command and the web."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from incidents.importer import COLUMNS, import_incidents
from incidents.models import Incident
from outreach.models import Neighborhood
from tests.factories import NeighborhoodFactory

HEADER = ",".join(COLUMNS)
GOOD = [
    "SPD-1,2018-12-31T23:30,homicide,Downtown,100 Main St,37.957702,-121.290780,1,0,firearm,Shot outside a store",
    "SPD-2,2018-05-01,nonfatal_shooting,Brand New Area,,,,0,2,firearm,",
    "SPD-3,2018-06-01T10:00:00+00:00,shots_fired,downtown,,,,0,0,firearm,No one hit",
]


def _lines(*rows: str, header: str = HEADER, newline: str = "\n") -> io.StringIO:
    return io.StringIO(newline.join([header, *rows]) + newline, newline="")


def test_it_imports_a_good_file(db, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    NeighborhoodFactory(name="Downtown")
    report = import_incidents(_lines(*GOOD), dry_run=False)
    assert report.ok and report.applied
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.new_neighborhoods == ["Brand New Area"]
    first = Incident.objects.get(case_number="SPD-1")
    assert first.occurred_at.isoformat() == "2019-01-01T07:30:00+00:00"  # local time, stored in UTC
    assert first.neighborhood.name == "Downtown"
    assert Incident.objects.get(case_number="SPD-3").neighborhood == first.neighborhood  # case-insensitive
    assert Neighborhood.objects.filter(name="Brand New Area").exists()


def test_several_bad_rows_are_all_named_and_nothing_is_written(db):
    rows = [
        GOOD[0],
        "SPD-4,2018-01-01,homicide,Downtown,,,,0,0,firearm,",  # homicide without killed
        "SPD-5,2018-01-01,nonfatal_shooting,Downtown,,,,0,1,knife,",  # not a firearm
        "SPD-6,3018-01-01,shots_fired,Downtown,,,,0,0,firearm,",  # future
        "SPD-7,2018-01-01,shots_fired,Downtown,,91,10,0,0,firearm,",  # latitude
        "SPD-8,01/02/2018,riot,Downtown,,,,x,0,gun,",  # date, kind, count, weapon
        "SPD-1,2018-02-01,shots_fired,Downtown,,,,0,0,firearm,",  # duplicate in file
        "SPD-9,2018-01-01,shots_fired",  # too few fields
    ]
    report = import_incidents(_lines(*rows), dry_run=False)
    assert not report.ok and not report.applied
    messages = {e.line: e.message for e in report.errors}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9]
    assert "a homicide has at least one person killed" in messages[3]
    assert "a non-fatal shooting is with a firearm" in messages[4]
    assert "cannot be in the future" in messages[5]
    assert "latitude is between -90 and 90" in messages[6]
    assert all(w in messages[7] for w in ("occurred_at", "kind 'riot'", "killed 'x'", "weapon 'gun'"))
    assert "appears more than once" in messages[8]
    assert "expected 11 fields, found 3" in messages[9]
    assert not Incident.objects.exists()
    assert not Neighborhood.objects.exists()


def test_a_wrong_header_names_the_missing_and_unknown_columns(db):
    header = HEADER.replace("killed", "deaths").replace(",description", "")
    report = import_incidents(_lines(GOOD[0], header=header), dry_run=False)
    assert "missing column(s): killed, description" in report.header_error
    assert "unknown column(s): deaths" in report.header_error
    assert not Incident.objects.exists()


def test_bom_crlf_and_extra_whitespace_are_accepted(db):
    text = (
        "\ufeff"
        + " , ".join(COLUMNS)
        + "\r\n"
        + " SPD-1 , 2018-03-01 , homicide , Downtown ,,,, 1 , 0 , firearm , x \r\n"
    )
    report = import_incidents(io.StringIO(text, newline=""), dry_run=False)
    assert report.ok, report.errors
    assert Incident.objects.get(case_number="SPD-1").killed == 1


def test_a_dry_run_counts_but_writes_nothing(db):
    report = import_incidents(_lines(*GOOD), dry_run=True)
    assert report.ok and not report.applied and report.created == 3
    assert not Incident.objects.exists() and not Neighborhood.objects.exists()


def test_reimport_updates_changed_rows_and_never_duplicates(db):
    import_incidents(_lines(*GOOD), dry_run=False)
    changed = GOOD[0].replace(",1,0,firearm,", ",2,0,firearm,")
    report = import_incidents(_lines(changed, GOOD[1], GOOD[2]), dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Incident.objects.count() == 3
    assert Incident.objects.get(case_number="SPD-1").killed == 2


def test_reimporting_times_around_daylight_saving_changes_nothing(db, settings):
    # 01:30 on 2 Nov 2025 happened twice in Los Angeles; 02:30 on 9 Mar 2025 never did. Python
    # never finds such a local time equal to the UTC value read back, so these were "updated"
    # (and written to the audit trail again) on every re-import of the same file.
    settings.TIME_ZONE = "America/Los_Angeles"
    rows = [
        "SPD-7,2025-11-02T01:30,shots_fired,,,,,0,0,firearm,",
        "SPD-8,2025-03-09T02:30,shots_fired,,,,,0,0,firearm,",
    ]
    assert import_incidents(_lines(*rows), dry_run=False).created == 2
    report = import_incidents(_lines(*rows), dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Incident.objects.get(case_number="SPD-7").occurred_at.isoformat() == "2025-11-02T08:30:00+00:00"


def test_the_command_reports_and_exits_non_zero_on_bad_rows(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, GOOD[0], "SPD-4,2018-01-01,homicide,Downtown,,,,0,0,firearm,"]) + "\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_incidents", str(path), stderr=err)
    assert "line 3: a homicide has at least one person killed" in err.getvalue()
    assert not Incident.objects.exists()


def test_the_command_prints_a_summary_and_honours_dry_run(db, tmp_path):
    NeighborhoodFactory(name="Downtown")
    path = tmp_path / "good.csv"
    path.write_text("\n".join([HEADER, *GOOD]) + "\n")
    out = io.StringIO()
    call_command("import_incidents", str(path), "--dry-run", stdout=out)
    assert "Would import 3 rows" in out.getvalue() and "Dry run: nothing was written." in out.getvalue()
    assert not Incident.objects.exists()
    out = io.StringIO()
    call_command("import_incidents", str(path), stdout=out)
    assert "3 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "New neighborhoods: Brand New Area" in out.getvalue()


@pytest.mark.slow
def test_it_imports_100000_rows(db, tmp_path, capsys):
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for n in range(100_000):
            out.write(
                f"BIG-{n},2017-{n % 12 + 1:02d}-{n % 28 + 1:02d}T12:00,shots_fired,Area {n % 40},,,,0,0,firearm,\n"
            )
    started = time.monotonic()
    call_command("import_incidents", str(path), stdout=io.StringIO())
    elapsed = time.monotonic() - started
    assert Incident.objects.count() == 100_000
    assert Neighborhood.objects.count() == 40
    with capsys.disabled():
        print(f"\n100,000-row import: {elapsed:.1f}s")


def test_unicode_digits_and_unreadable_csv_are_line_errors_not_crashes(db):
    report = import_incidents(_lines("SPD-1,2018-03-01,homicide,,,,,\u00b2,0,firearm,"), dry_run=False)
    assert [e.line for e in report.errors] == [2] and "killed" in report.errors[0].message
    huge = "x" * 200_000
    report = import_incidents(_lines(GOOD[0], f'SPD-2,2018-03-01,homicide,,,,,1,0,firearm,"{huge}"'), dry_run=False)
    assert not report.ok and report.errors[-1].line == 3
    assert not Incident.objects.exists()


def _row(n: int, description: str = "", case: str = "") -> str:
    return f"{case or f'Q-{n}'},2018-03-01T12:00,shots_fired,Downtown,,,,0,0,firearm,{description}"


def test_an_unclosed_quote_rejects_the_file_naming_the_line_it_opens_on(db):
    # A 1,000-row file whose line 501 opens a quote it never closes: lines 501-1000 used to end up
    # inside one description, and the file imported 500 rows.
    rows = [_row(n) for n in range(2, 1001)]
    rows[499] = _row(501, '"Shot at, near the park')  # line 501 (line 1 is the header)
    report = import_incidents(_lines(*rows), dry_run=False)
    assert not report.ok and not report.applied
    assert [e.line for e in report.errors] == [501]
    assert "closing quote is missing" in report.errors[0].message
    assert "to line 1000" in report.errors[0].message
    assert not Incident.objects.exists()


def test_quoted_fields_with_commas_doubled_quotes_and_line_breaks_still_import(db):
    text = 'Shot twice, he said ""run""\nthen left, "quickly"'.replace('"quickly"', '""quickly""')
    rows = [_row(2, f'"{text}"'), _row(4), "Q-5,2018-03-01,homicide,,,,,0,0,firearm,"]
    report = import_incidents(_lines(*rows), dry_run=False)
    # The quoted field spans lines 2 and 3, so the homicide without killed is on line 5, not 4.
    assert [(e.line, "at least one person killed" in e.message) for e in report.errors] == [(5, True)]
    report = import_incidents(_lines(*rows[:2]), dry_run=False)
    assert report.ok, report.errors
    assert Incident.objects.get(case_number="Q-2").description == 'Shot twice, he said "run"\nthen left, "quickly"'


def test_a_description_over_10000_characters_is_a_bad_row_and_checking_goes_on(db):
    swallowed = "\n".join(_row(n) for n in range(3, 400))  # a stray quote closed on line 398
    rows = [_row(2, f'"Started here\n{swallowed}"'), "Q-400,2018-01-01,homicide,,,,,0,0,firearm,"]
    report = import_incidents(_lines(*rows), dry_run=True)
    assert [e.line for e in report.errors] == [2, 400]
    assert "more than the 10,000 allowed" in report.errors[0].message
    assert "quote left open" in report.errors[0].message


def test_implausible_dates_and_counts_are_bad_rows_not_crashes(db):
    rows = [
        "Q-2,0001-01-01T00:00+14:00,shots_fired,,,,,0,0,firearm,",  # before the year 1 in UTC: was a 500
        "Q-3,1899-12-31,shots_fired,,,,,0,0,firearm,",
        "Q-4,2018-01-01,homicide,,,,,101,0,firearm,",
        "Q-5,2018-01-01,aggravated_assault,,,,,0,250,knife,",
    ]
    report = import_incidents(_lines(*rows), dry_run=False)
    messages = {e.line: e.message for e in report.errors}
    assert sorted(messages) == [2, 3, 4, 5]
    assert "before 1900" in messages[2] and "before 1900" in messages[3]
    assert "more than 100 killed" in messages[4] and "more than 100 injured" in messages[5]
    assert not Incident.objects.exists()


def test_case_numbers_that_differ_only_in_letter_case_are_refused(db):
    report = import_incidents(_lines(_row(2, case="SPD-1"), _row(3, case="spd-1")), dry_run=True)
    assert [e.line for e in report.errors] == [3] and "more than once" in report.errors[0].message
    import_incidents(_lines(_row(2, case="SPD-1")), dry_run=False)
    report = import_incidents(_lines(_row(2, case="Spd-1"), _row(3, case="SPD-2")), dry_run=False)
    assert [e.line for e in report.errors] == [2]
    assert "differs only in letter case from incident SPD-1" in report.errors[0].message
    assert list(Incident.objects.values_list("case_number", flat=True)) == ["SPD-1"]


def test_progress_counts_rows_read_and_bad_rows(db, monkeypatch):
    monkeypatch.setattr("incidents.importer.BATCH_SIZE", 2)
    calls = []
    rows = [_row(2), _row(3), "Q-4,2018-01-01,homicide,,,,,0,0,firearm,", _row(5), _row(6)]
    import_incidents(_lines(*rows), dry_run=True, progress=lambda read, bad: calls.append((read, bad)))
    assert calls[-1] == (5, 1)
    assert calls[0][0] < 5  # reported as it goes, not only at the end


def _insert_incident_elsewhere(case_number: str) -> float:
    """Log an incident from another connection, as another user would; seconds it took."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
            started = time.monotonic()
            cursor.execute(
                "INSERT INTO incidents_incident (case_number, kind, occurred_at, address, killed, injured, weapon,"
                " group_related, source, retaliation_risk, status, description, created_at, updated_at)"
                " VALUES (%s, 'shots_fired', now(), '', 0, 0, 'firearm', false, 'police', 'low', 'open', '',"
                " now(), now())",
                [case_number],
            )
            return time.monotonic() - started
    finally:
        other.close()


@pytest.mark.parametrize("dry_run", [True, False])
def test_other_users_can_log_incidents_while_a_file_is_checked_or_imported(transactional_db, monkeypatch, dry_run):
    # The import used to LOCK TABLE incidents for the whole preview and import: a peacekeeper's new
    # incident waited for it (25 s for 100,000 rows).
    monkeypatch.setattr("incidents.importer.BATCH_SIZE", 10)
    waits = []

    def progress(read, bad):
        if not waits:
            waits.append(_insert_incident_elsewhere("OTHER-1"))

    report = import_incidents(_lines(*[_row(n) for n in range(2, 40)]), dry_run=dry_run, progress=progress)
    assert report.ok, report.errors
    assert waits and waits[0] < 1
    assert Incident.objects.filter(case_number="OTHER-1").exists()
    assert Incident.objects.count() == (1 if dry_run else 39)


def test_a_reimport_cannot_leave_fewer_killed_than_the_clients_recorded_as_killed(db):
    """An attacker's finding: a re-import set a homicide to shots fired with 0 killed while a
    client stayed "killed" in it (the edit form already refused this; the import did not)."""
    from tests.factories import ClientFactory, InvolvementFactory

    import_incidents(_lines(GOOD[0]), dry_run=False)
    homicide = Incident.objects.get(case_number="SPD-1")
    InvolvementFactory(incident=homicide, client=ClientFactory(), role="victim", outcome="killed")
    report = import_incidents(
        _lines("SPD-1,2018-12-31T23:30,shots_fired,Downtown,100 Main St,,,0,0,firearm,Nobody hit"), dry_run=False
    )
    assert not report.ok and not report.applied
    [error] = report.errors
    assert error.line == 2 and "fewer than the 1 program client(s) recorded as killed" in error.message
    homicide.refresh_from_db()
    assert (homicide.kind, homicide.killed) == ("homicide", 1)
    # More than recorded is fine: not every victim is a client.
    assert import_incidents(
        _lines("SPD-1,2018-12-31T23:30,homicide,Downtown,100 Main St,,,2,0,firearm,Two killed"), dry_run=False
    ).ok
