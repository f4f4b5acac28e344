"""Shared by the reliability tests (tests/test_robust_*.py): a small real portfolio,
the CLI as a subprocess, and a database's content as a comparable value."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from healthdesk.sample import generate

BUYERS = 12
COMMAND = (sys.executable, "-c", "from healthdesk.cli import main; main()")
WEEKS = 40
RECENT_WEEKS = 4
GAP_WEEKS_AGO = 10


def sample_folder(tmp: Path, name: str = "book", *, weeks: int = WEEKS, seed: int = 3) -> Path:
    """A seeded DATA.md folder (the real generator), ``weeks`` ending on its default."""
    folder = tmp / name
    generate(folder, buyers=BUYERS, weeks=weeks, seed=seed)
    return folder


def split_book(full: Path, early: Path) -> None:
    """``early``: the book without its last weeks of activity and without one week's
    deliveries in the middle, so the full import changes weeks that were scored."""
    last = max(
        date.fromisoformat(r["date"]) for r in csv.DictReader((full / "deliveries.csv").open())
    )
    cut = last - timedelta(weeks=RECENT_WEEKS)
    gap = (last - timedelta(weeks=GAP_WEEKS_AGO + 1), last - timedelta(weeks=GAP_WEEKS_AGO))
    shutil.copytree(full, early)
    for name, column in (("deliveries", "date"), ("returns", "date"), ("touchpoints", "at")):
        with (full / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        i = rows[0].index(column)
        kept = [rows[0]]
        for row in rows[1:]:
            day = date.fromisoformat(row[i][:10])
            if day > cut or (name == "deliveries" and gap[0] < day <= gap[1]):
                continue
            kept.append(row)
        with (early / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(kept)


def healthdesk(
    *args: str, db: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, as a user runs it."""
    return subprocess.run(
        [*COMMAND, "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        check=False,
    )


def file_hash(path: Path) -> str | None:
    """The bytes of a database and its WAL (a refused command must change neither)."""
    if not path.exists():
        return None
    digest = hashlib.sha256(path.read_bytes())
    wal = Path(f"{path}-wal")
    if wal.exists():
        digest.update(wal.read_bytes())
    return digest.hexdigest()


def content(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what a database holds, whatever its pages."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables
            if t != "_sqlite_migrations"
        }
    finally:
        conn.close()
