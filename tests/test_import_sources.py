"""Issue 9's acceptance on folders shaped like SOURCES.md's exports (names not ids, US
dates, `$` amounts, per-lead rows, free-text reasons): `healthdesk map` proposes a
profile that imports with no hand edits and the report's numbers match the files; a
second week imports on top; the same folder again changes nothing; a corrected day
replaces; an older folder is refused; an import is undone exactly."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from healthdesk.cli import main

SOURCES = Path(__file__).parent / "fixtures" / "sources"
WEEK1 = SOURCES / "week1"
WEEK2 = SOURCES / "week2"
ACCEPTED = {
    "Bad Phone Number",
    "Duplicate",
    "Out of service area",
    "Wrong vertical",
    "Non-working phone",
}
DATA_TABLES = (
    "buyers",
    "deliveries",
    "returns",
    "invoices",
    "leads",
    "aliases",
    "buyer_products",
    "weekly_activity",
)


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def us_date(text: str) -> date:
    month, day, year = text.split(" ")[0].split("/")
    return date(int(year), int(month), int(day))


def dump(db: Path) -> dict[str, list]:
    conn = sqlite3.connect(db)
    try:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in DATA_TABLES}
    finally:
        conn.close()


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    out = tmp_path / "mine.toml"
    result = run(tmp_path / "map.db", "map", str(WEEK1), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_map_reports_what_it_mapped_and_its_guesses(profile: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "x.db", "map", str(WEEK1))
    out = result.output
    assert result.exit_code == 0
    assert "Accounts_Export.csv: buyers" in out
    assert "Lead_Report_Phonexa.csv: deliveries" in out
    assert "returns_upload.csv: returns" in out
    assert "stripe_invoices.csv: invoices" in out
    assert "'Created Date' → started_on" in out and "format M/D/YYYY" in out
    assert "'Bad Phone Number' → invalid_contact" in out
    assert "'Did Not Convert' → not_converted" in out
    assert "not mapped (ignored): 'Type', 'Billing State'" in out
    assert "guess 'Summit Home Warranty'" in out and "90%" in out  # fuzzy, with confidence
    text = profile.read_text(encoding="utf-8")
    assert '"Summit Home Warranty" = "0015g00000AbCd003X"' in text
    assert not (tmp_path / "x.db").exists()  # map writes no database


def test_a_mapped_folder_imports_with_no_hand_edits_and_numbers_match(
    profile: Path, tmp_path: Path
) -> None:
    db = tmp_path / "hd.db"
    result = run(db, "import", str(WEEK1), "--profile", str(profile))
    assert result.exit_code == 0, result.output
    report = json.loads(run(db, "report", "--format", "json").output)

    accounts = rows(WEEK1 / "Accounts_Export.csv")
    leads = [r for r in rows(WEEK1 / "Lead_Report_Phonexa.csv") if r["Status"] == "Sold"]
    # The export ran on Monday 2026-11-16: that stray Monday is not the default week.
    assert report["week"] == "2026-11-09"
    assert report["portfolio"]["buyers"] == len(accounts)
    in_weeks = [r for r in leads if us_date(r["Date"]) <= date(2026, 11, 15)]
    revenue = sum(float(r["Price"].strip("$").replace(",", "")) for r in in_weeks)
    assert report["portfolio"]["revenue_13w"] == pytest.approx(revenue)
    owners = {b["buyer_id"]: b["owner"] for b in report["buyers"]}
    assert owners == {a["Account ID"]: a["Account Owner"] for a in accounts}
    late = {
        b["buyer_id"]
        for b in report["buyers"]
        if any(w["code"] == "payment_late" for w in b["warnings"])
    }
    assert late == {"0015g00000AbCd003X", "0015g00000AbCd007X"}  # the two the builder pays late
    conn = sqlite3.connect(db)
    accepted = conn.execute("SELECT SUM(leads) FROM returns WHERE counted = 1").fetchone()[0]
    stored_leads = conn.execute("SELECT SUM(leads) FROM deliveries").fetchone()[0]
    conn.close()
    returned = rows(WEEK1 / "returns_upload.csv")
    assert accepted == sum(r["Return Reason"] in ACCEPTED for r in returned)
    assert stored_leads == len(leads)


def test_weekly_update_corrections_repeat_older_and_undo(profile: Path, tmp_path: Path) -> None:
    db = tmp_path / "hd.db"
    assert run(db, "import", str(WEEK1), "--profile", str(profile)).exit_code == 0
    after_week1 = dump(db)

    second = run(db, "import", str(WEEK2), "--profile", str(profile))
    assert second.exit_code == 0, second.output
    assert "Accounts_Export.csv → buyers: 0 new, 1 changed, 7 unchanged" in second.output
    conn = sqlite3.connect(db)
    sunday = conn.execute(
        "SELECT leads FROM deliveries WHERE buyer_id = '0015g00000AbCd001X' AND date = '2026-11-15'"
    ).fetchone()[0]
    conn.close()
    corrected = [
        r
        for r in rows(WEEK2 / "Lead_Report_Phonexa.csv")
        if r["Buyer"] == "Acme Insurance"
        and r["Status"] == "Sold"
        and r["Date"].startswith("11/15/2026")
    ]
    before = [
        r
        for r in rows(WEEK1 / "Lead_Report_Phonexa.csv")
        if r["Buyer"] == "Acme Insurance"
        and r["Status"] == "Sold"
        and r["Date"].startswith("11/15/2026")
    ]
    assert len(corrected) > len(before)
    assert sunday == len(corrected)  # replaced, not added beside the first count
    week2_report = json.loads(run(db, "report", "--format", "json").output)
    assert week2_report["week"] == "2026-11-16"
    after_week2 = dump(db)

    again = run(db, "import", str(WEEK2), "--profile", str(profile))
    assert again.exit_code == 0
    assert "0 rows new or changed" in again.output
    assert dump(db) == after_week2

    older = run(db, "import", str(WEEK1), "--profile", str(profile))
    assert older.exit_code == 1
    assert "Cedar Ridge Roofing" in older.output and "back to active" in older.output
    assert "would mark invoice INV-1012-07 unpaid" in older.output
    assert "--allow-older" in older.output and "Traceback" not in older.output
    assert dump(db) == after_week2

    listing = run(db, "imports")
    assert "import 3" in listing.output and "import 2" in listing.output
    assert "Lead_Report_Phonexa.csv → deliveries" in listing.output
    refused = run(db, "undo-import", "2")
    assert refused.exit_code == 1 and "undo 3 first" in refused.output
    assert run(db, "undo-import", "3").exit_code == 0
    assert dump(db) == after_week2  # import 3 changed nothing, so undoing it changes nothing
    assert run(db, "undo-import", "2").exit_code == 0
    assert dump(db) == after_week1
    assert json.loads(run(db, "report", "--format", "json").output)["week"] == "2026-11-09"
    assert "UNDONE" in run(db, "imports").output
    assert run(db, "undo-import", "2").exit_code == 1


def test_allow_older_imports_an_older_folder(profile: Path, tmp_path: Path) -> None:
    db = tmp_path / "hd.db"
    assert run(db, "import", str(WEEK1), "--profile", str(profile)).exit_code == 0
    assert run(db, "import", str(WEEK2), "--profile", str(profile)).exit_code == 0
    forced = run(db, "import", str(WEEK1), "--profile", str(profile), "--allow-older")
    assert forced.exit_code == 0, forced.output
    conn = sqlite3.connect(db)
    status = conn.execute(
        "SELECT status FROM buyers WHERE buyer_id = '0015g00000AbCd008X'"
    ).fetchone()[0]
    conn.close()
    assert status == "active"


def test_builtin_profiles_import_sources_shapes(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    folder = tmp_path / "week1"
    shutil.copytree(WEEK1, folder)
    names = ["salesforce", "stripe", "phonexa", "leadprosper"]
    args = [x for n in names for x in ("--profile", n)]
    refused = run(db, "import", str(folder), *args)
    # Stripe calls one buyer by a name no rule can match: the message lists the closest.
    assert refused.exit_code == 1
    assert "'Summit Home Warranty' names no known buyer" in refused.output
    assert "closest known: Summit Home Warranties (0015g00000AbCd003X" in refused.output
    assert not db.exists()
    confirmed = tmp_path / "confirm.toml"
    confirmed.write_text(
        '[aliases]\n"Summit Home Warranty" = "0015g00000AbCd003X"\n', encoding="utf-8"
    )
    assert run(db, "import", str(folder), *args, "--profile", str(confirmed)).exit_code == 0
    # The confirmed match is remembered: next time the built-ins alone are enough.
    again = run(db, "import", str(WEEK2), *args)
    assert again.exit_code == 0, again.output

    other = tmp_path / "b.db"
    names = ["hubspot", "quickbooks", "cake", "leadbyte"]
    result = run(
        other, "import", str(SOURCES / "builtin2"), *[x for n in names for x in ("--profile", n)]
    )
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(other)
    paid = conn.execute("SELECT COUNT(*) FROM invoices WHERE paid_on IS NOT NULL").fetchone()[0]
    owners = {r[0] for r in conn.execute("SELECT owner FROM buyers")}
    ret = conn.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
    conn.close()
    assert paid == len(rows(SOURCES / "builtin2" / "Payments.csv"))
    assert owners == {"Priya Shah", "Tom Ó Briain"}
    assert ret == len(rows(SOURCES / "builtin2" / "leadbyte_returns.csv"))
