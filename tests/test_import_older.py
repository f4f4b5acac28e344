"""An older export cannot undo newer facts, but it may add them: recording a payment
of an old invoice is news, setting a paid one back to unpaid is refused."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from healthdesk.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def subset(folder: Path, invoices: list[dict]) -> None:
    folder.mkdir()
    (folder / "buyers.csv").write_text(
        (SAMPLE / "buyers.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with (folder / "invoices.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(invoices[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(invoices)


def test_old_invoices_may_gain_a_payment_but_not_lose_one(tmp_path: Path) -> None:
    db = tmp_path / "hd.db"
    assert run(db, "import", str(SAMPLE)).exit_code == 0
    with (SAMPLE / "invoices.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    unpaid = next(r for r in rows if not r["paid_on"])
    paid = next(r for r in rows if r["paid_on"])

    gains = tmp_path / "gains"
    subset(gains, [{**unpaid, "paid_on": unpaid["due_on"]}])
    result = run(db, "import", str(gains))
    assert result.exit_code == 0, result.output
    assert "invoices: 0 new, 1 changed" in result.output

    loses = tmp_path / "loses"
    subset(loses, [{**paid, "paid_on": ""}])
    refused = run(db, "import", str(loses))
    assert refused.exit_code == 1
    assert f"would mark invoice {paid['invoice_id']} unpaid" in refused.output
    conn = sqlite3.connect(db)
    stored = conn.execute(
        "SELECT paid_on FROM invoices WHERE invoice_id = ?", (paid["invoice_id"],)
    ).fetchone()[0]
    conn.close()
    assert stored == paid["paid_on"]
