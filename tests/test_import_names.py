"""Buyers by name: normalised names, stored aliases, ids derived for a CRM export
without ours, and one row per lead (per-lead deliveries summed, returns by lead id)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from healthdesk.cli import main
from healthdesk.ingest.names import Resolver, derived_id, normalise


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Insurance LLC", "ACME Insurance, Inc."),
        ("Bright & Co Solar", "Bright and Co Solar"),
        ("O'Brien Legal Group", "OBrien Legal Group"),
        ("Northwind Mortgage Agency", "northwind  mortgage"),
        ("Crème Brûlée Leads Ltd.", "Creme Brulee Leads"),
        ("The Lead Shop, L.L.C.", "Lead Shop"),
    ],
)
def test_names_that_mean_one_buyer_normalise_alike(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_different_buyers_stay_apart_and_closest_names_are_offered() -> None:
    assert normalise("Acme Insurance") != normalise("Acme Insurance Group")
    r = Resolver([("B1", "Acme Insurance"), ("B2", "Summit Home Warranties")], {})
    assert r.resolve("ACME INSURANCE INC") == "B1"
    assert r.resolve("Summit Home Warranty") is None
    assert r.closest("Summit Home Warranty")[0].startswith("Summit Home Warranties (B2")
    assert derived_id("Acme Insurance, Inc.") == derived_id("acme insurance llc")


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


PROFILE = """
name = "tiny"
[tables.buyers]
columns = { name = "Company", started_on = "Since", owner = "Owner" }
formats = { started_on = "D/M/YYYY" }
[tables.deliveries]
columns = { lead_id = "Lead", buyer_id = "Client", date = "Sold", revenue = "Price" }
formats = { date = "iso", revenue = "eu" }
[tables.returns]
columns = { lead_id = "Lead", reason = "Why" }
"""


def test_crm_without_ids_per_lead_rows_and_returns_by_lead(tmp_path: Path) -> None:
    folder = tmp_path / "w1"
    write(
        folder,
        "crm.csv",
        "Company,Since,Owner\nAcme Insurance LLC,31/01/2026,Dana Lee\n"
        "Zoë's Leads,1/2/2026,Zoë D’Arcy\n",
    )
    write(
        folder,
        "leads.csv",
        "Lead,Client,Sold,Price\n"
        'L1,ACME Insurance Inc.,2026-03-02T09:00:00-05:00,"1.000,50"\n'
        'L2,acme insurance,2026-03-02 23:30:00,"10,00"\n'
        'L3,Zoes Leads,2026-03-03T01:00:00Z,"5,25"\n'
        'L2,acme insurance,2026-03-02 23:30:00,"10,00"\n',  # listed twice: counts once
    )
    write(folder, "returns.csv", "Lead,Why\nL1,Bad contact info\n")
    profile = tmp_path / "tiny.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    db = tmp_path / "hd.db"
    result = run(db, "import", str(folder), "--profile", str(profile))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    acme = derived_id("Acme Insurance")
    assert {r[0] for r in conn.execute("SELECT buyer_id FROM buyers")} == {
        acme,
        derived_id("Zoë's Leads"),
    }
    assert conn.execute(
        "SELECT date, leads, revenue FROM deliveries WHERE buyer_id = ?", (acme,)
    ).fetchall() == [("2026-03-02", 2, 1010.5)]
    assert conn.execute("SELECT buyer_id, date, reason, counted FROM returns").fetchall() == [
        (acme, "2026-03-02", "invalid_contact", 1)
    ]
    conn.close()

    # Next week: a return for last week's lead finds its buyer through the stored lead.
    week2 = tmp_path / "w2"
    write(week2, "returns.csv", "Lead,Why\nL3,Did not convert\nL9,Duplicate\n")
    refused = run(db, "import", str(week2), "--profile", str(profile))
    assert refused.exit_code == 1
    assert (
        "returns.csv, line 3, column Lead: 'L9' is a lead id in no delivery imported"
        in refused.output
    )
    write(week2, "returns.csv", "Lead,Why\nL3,Did not convert\n")
    assert run(db, "import", str(week2), "--profile", str(profile)).exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*), SUM(counted) FROM returns").fetchone() == (2, 1)
    conn.close()


def test_an_unmatched_buyer_name_lists_the_closest(tmp_path: Path) -> None:
    folder = tmp_path / "w1"
    write(folder, "crm.csv", "Company,Since,Owner\nAcme Insurance LLC,31/01/2026,Dana Lee\n")
    write(folder, "leads.csv", 'Lead,Client,Sold,Price\nL1,Acme Insurers,2026-03-02,"1,00"\n')
    profile = tmp_path / "tiny.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    result = run(tmp_path / "hd.db", "import", str(folder), "--profile", str(profile))
    assert result.exit_code == 1
    assert (
        "'Acme Insurers' names no known buyer; closest known: Acme Insurance LLC" in result.output
    )
    assert "[aliases]" in result.output
    confirmed = PROFILE + f'[aliases]\n"Acme Insurers" = "{derived_id("Acme Insurance")}"\n'
    profile.write_text(confirmed, encoding="utf-8")
    assert run(tmp_path / "hd.db", "import", str(folder), "--profile", str(profile)).exit_code == 0
    conn = sqlite3.connect(tmp_path / "hd.db")
    assert conn.execute("SELECT alias FROM aliases").fetchall() == [("acme insurers",)]
    conn.close()
