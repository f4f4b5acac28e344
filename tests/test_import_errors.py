"""Hostile values in every new format, read through a profile: each refused with the
file, line, column and the profile key that would fix it, all files in one pass,
nothing changed, exit 1 and no traceback."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from healthdesk.cli import main
from healthdesk.ingest.fields import FieldError
from healthdesk.ingest.formats import parse_day, parse_moment, parse_money, parse_terms

WEEK1 = Path(__file__).parent / "fixtures" / "sources" / "week1"


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def edit(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` on file line ``line`` (line 2 is the first data row)."""
    with path.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        data = list(reader)
    data[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(data)


@pytest.fixture
def mapped(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "exports"
    shutil.copytree(WEEK1, folder)
    profile = tmp_path / "p.toml"
    assert run(tmp_path / "m.db", "map", str(folder), "-o", str(profile)).exit_code == 0
    return folder, profile


def test_hostile_values_are_refused_in_one_pass_naming_the_profile_key(
    mapped: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, profile = mapped
    edit(folder / "Accounts_Export.csv", 3, "Created Date", "02/30/2026")  # no such day
    edit(folder / "Accounts_Export.csv", 4, "Payment Terms", "Net soon")
    edit(folder / "stripe_invoices.csv", 2, "Amount Due", "$-")
    edit(folder / "stripe_invoices.csv", 3, "Amount Due", "1.234,56")  # EU, profile says US
    edit(folder / "Lead_Report_Phonexa.csv", 5, "Date", "13/40/2026 9:00 AM")
    edit(folder / "returns_upload.csv", 2, "Return Reason", "Moon in retrograde")
    db = tmp_path / "hd.db"
    result = run(db, "import", str(folder), "--profile", str(profile))
    assert result.exit_code == 1
    out = result.output
    assert "Traceback" not in out
    assert "6 problem(s)" in out  # one per bad value: a bad account row still names its buyer
    assert "Accounts_Export.csv, line 3, column Created Date: '02/30/2026' is not a date" in out
    assert "tables.buyers.formats.started_on" in out
    assert (
        "Accounts_Export.csv, line 4, column Payment Terms: 'Net soon' is not payment terms" in out
    )
    assert "stripe_invoices.csv, line 2, column Amount Due: '$-' is not an amount" in out
    assert "stripe_invoices.csv, line 3, column Amount Due: '1.234,56' is not an amount" in out
    assert "tables.invoices.formats.amount" in out
    assert "Lead_Report_Phonexa.csv, line 5, column Date" in out
    assert "'Moon in retrograde' has no mapping" in out
    assert "[tables.returns.values.reason]" in out
    assert not db.exists()


def test_many_problems_are_summarised_by_file_column_and_reason(
    mapped: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, profile = mapped
    for line in range(2, 40):
        edit(folder / "Lead_Report_Phonexa.csv", line, "Price", "$-")
    edit(folder / "stripe_invoices.csv", 2, "Due Date (UTC)", "soon")
    result = run(tmp_path / "hd.db", "import", str(folder), "--profile", str(profile))
    assert result.exit_code == 1
    assert "Lead_Report_Phonexa.csv, column Price: 38 × is not an amount" in result.output
    assert "… and 35 more" in result.output
    assert "stripe_invoices.csv, column Due Date (UTC): 1 × is not a date" in result.output


def test_a_failed_import_on_an_existing_database_changes_nothing(
    mapped: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, profile = mapped
    db = tmp_path / "hd.db"
    assert run(db, "import", str(folder), "--profile", str(profile)).exit_code == 0
    before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM imports").fetchone()[0]
    edit(folder / "stripe_invoices.csv", 2, "Amount Due", "(lots)")
    assert run(db, "import", str(folder), "--profile", str(profile)).exit_code == 1
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == before
    conn.close()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[tables.nope]\ncolumns = { a = 'b' }", "tables.nope is not a DATA.md table"),
        (
            "[tables.buyers]\ncolumns = { colour = 'X' }",
            "tables.buyers.columns.colour is not a field",
        ),
        ("money = 'roman'", "money must be one of"),
        ("timezone = 'Mars/Olympus'", "is not a zone"),
        (
            "[tables.returns]\ncolumns = { reason = 'R' }\nvalues.reason = { 'x' = 'lost' }",
            "maps to 'lost'",
        ),
        ("name = [", "is not valid TOML"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_key(tmp_path: Path, text: str, problem: str) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text(text, encoding="utf-8")
    result = run(tmp_path / "hd.db", "import", str(WEEK1), "--profile", str(profile))
    assert result.exit_code == 1
    assert problem in result.output and "Traceback" not in result.output


def test_unknown_builtin_profile_lists_the_builtins(tmp_path: Path) -> None:
    result = run(tmp_path / "hd.db", "import", str(WEEK1), "--profile", "sap")
    assert result.exit_code == 1
    assert "no profile 'sap'" in result.output and "salesforce" in result.output


def test_a_folder_not_in_datamd_shape_points_at_map(tmp_path: Path) -> None:
    result = run(tmp_path / "hd.db", "import", str(WEEK1))
    assert result.exit_code == 1
    assert "healthdesk map" in result.output


@pytest.mark.parametrize(
    ("parse", "value"),
    [
        (lambda v: parse_day(v, "M/D/YYYY"), "02/30/2026"),
        (lambda v: parse_day(v, "M/D/YYYY"), "2026-11-03"),
        (lambda v: parse_moment(v, "iso"), "yesterday"),
        (lambda v: parse_moment(v, "M/D/YYYY h:mm A"), "11/03/2026 25:00 PM"),
        (lambda v: parse_money(v, "us"), "$-"),
        (lambda v: parse_money(v, "us"), "1.234,56"),
        (lambda v: parse_money(v, "us"), "12,34"),
        (lambda v: parse_money(v, "eu"), "1,234.56"),
        (lambda v: parse_money(v, "us"), "nan"),
        (lambda v: parse_terms(v), "Net thirty"),
    ],
)
def test_hostile_format_values_raise_field_errors(parse, value: str) -> None:
    with pytest.raises(FieldError):
        parse(value)


def test_formats_read_what_the_tools_write() -> None:
    assert parse_money("$1,008.00") == 1008.0
    assert parse_money("(250.00)") == -250.0
    assert parse_money("1.008,50 €", "eu") == 1008.5
    assert parse_terms("Net 30") == 30 and parse_terms("Due on receipt") == 0
    assert parse_day("11/03/2026", "M/D/YYYY").isoformat() == "2026-11-03"
    assert parse_day("03.11.2026", "D.M.YYYY").isoformat() == "2026-11-03"
    moment = parse_moment("11/03/2026 2:05 PM", "M/D/YYYY h:mm A", "America/New_York")
    assert moment.isoformat() == "2026-11-03T19:05:00+00:00"
    assert parse_moment("2026-11-03T14:22:10+01:00", "iso").hour == 13
