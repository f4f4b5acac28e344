"""Freshness: each source's "data through" date is stored per import, and the default
"as of" week is the latest complete one: a week whose data stops on its Monday (an
export run that morning) is partial, never the silent default."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from healthdesk.cli import main
from healthdesk.store.db import open_db
from healthdesk.store.imports import data_through

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def last_day(folder: Path) -> date:
    with (folder / "deliveries.csv").open(encoding="utf-8") as f:
        return max(date.fromisoformat(r["date"]) for r in csv.DictReader(f))


def test_a_stray_monday_is_not_the_default_week(tmp_path: Path) -> None:
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder)
    db = tmp_path / "hd.db"
    assert run(db, "import", str(folder)).exit_code == 0
    complete = json.loads(run(db, "report", "--format", "json").output)["week"]
    end = last_day(folder)
    stray = end + timedelta(days=7 - end.weekday())  # the Monday after the data
    assert stray.weekday() == 0 and stray.isoformat() > complete
    with (folder / "deliveries.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(f"B001,{stray.isoformat()},3,240.00,,solar-residential\n")
    assert run(db, "import", str(folder)).exit_code == 0

    report = json.loads(run(db, "report", "--format", "json").output)
    assert report["week"] == complete  # not the Monday-only week
    explicit = run(db, "report", "--format", "json", "--week", stray.isoformat())
    assert json.loads(explicit.output)["week"] == stray.isoformat()  # still reachable

    conn = open_db(db)
    try:
        assert data_through(conn)["deliveries"] == stray.isoformat()
        stored = conn.execute(
            "SELECT data_through FROM import_files WHERE tbl = 'deliveries' ORDER BY import_id"
        ).fetchall()
    finally:
        conn.close()
    assert stored == [(end.isoformat(),), (stray.isoformat(),)]

    # A day later in that week makes it complete enough to be the default again.
    with (folder / "deliveries.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(f"B001,{(stray + timedelta(days=1)).isoformat()},3,240.00,,solar-residential\n")
    assert run(db, "import", str(folder)).exit_code == 0
    assert json.loads(run(db, "report", "--format", "json").output)["week"] == stray.isoformat()
