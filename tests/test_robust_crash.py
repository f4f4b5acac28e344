"""kill -9 at every step of an import: the next reader never answers from stale scores.

Each run is a real ``healthdesk import`` in its own process that sends itself SIGKILL
at one chosen point (inside the import's transaction; after its commit, before any
rescore; halfway through writing the scores; after the scores, before they are marked
current). The next ``report`` and the stored weekly scores the console reads must then
be exactly those of the same imports run without a kill.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from robust_helpers import sample_folder, split_book

from healthdesk import cli, cli_support

KILLER = r"""
import os, signal, sys
from pathlib import Path

point, db, folder = sys.argv[1], sys.argv[2], sys.argv[3]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

from healthdesk import cli, cli_support, engine
from healthdesk.store import imports, scores

if point == "in-import":  # the second batch: rows written, transaction still open
    flush, seen = imports.JournaledWriter.flush, []
    def flush_then_die(self, table):
        flush(self, table)
        seen.append(table)
        if len(seen) == 2:
            die()
    imports.JournaledWriter.flush = flush_then_die
elif point == "after-commit":
    engine.rescore = lambda *a, **k: die()
elif point == "in-scores":
    save = scores.save
    def save_then_die(db, ids, first, weeks, *rest):
        def some(weeks):
            for i, w in enumerate(weeks):
                if i == 2:
                    die()
                yield w
        return save(db, ids, first, some(weeks), *rest)
    scores.save = save_then_die
elif point == "before-mark":
    scores.mark_scored = lambda *a, **k: die()
elif point == "first-run":
    data = Path(db).parent
    cli_support.DEFAULT_DB, cli_support.SAMPLE_DIR = Path(db), Path(folder)
    os.environ.pop("HEALTHDESK_DB", None)
    flush, seen = imports.JournaledWriter.flush, []
    def flush_then_die(self, table):
        flush(self, table)
        seen.append(table)
        if len(seen) == 3:
            die()
    imports.JournaledWriter.flush = flush_then_die
    cli.main(["report"])
cli.main(["--db", db, "import", folder])
"""
POINTS = ("in-import", "after-commit", "in-scores", "before-mark")


def _import(db: Path, folder: Path) -> None:
    done = CliRunner().invoke(cli.main, ["--db", str(db), "import", str(folder)])
    assert done.exit_code == 0, done.output


def _report(db: Path) -> dict:
    done = CliRunner().invoke(cli.main, ["--db", str(db), "report", "--format", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _scores(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM weekly_scores ORDER BY week, buyer_id").fetchall()
    finally:
        conn.close()


def _kill(point: str, db: Path, folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(db), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The book, its early part, the database after the early import, and references:
    early alone, and early then full, both without a kill."""
    tmp = tmp_path_factory.mktemp("books")
    full = sample_folder(tmp, "full")
    early = tmp / "early"
    split_book(full, early)
    early_db = tmp / "early.db"
    _import(early_db, early)
    after_db = tmp / "after.db"
    shutil.copy(early_db, after_db)
    _import(after_db, full)
    return {"full": full, "early_db": early_db, "after_db": after_db}


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_import_never_leaves_a_stale_answer(
    books: dict[str, Path], tmp_path: Path, point: str
) -> None:
    db = tmp_path / "h.db"
    shutil.copy(books["early_db"], db)
    _kill(point, db, books["full"])
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    expected = books["early_db"] if point == "in-import" else books["after_db"]
    assert _report(db) == _report(expected)
    assert _scores(db) == _scores(expected)  # what the console reads
    if point == "in-import":  # nothing landed: the import runs again as if new
        _import(db, books["full"])
        assert _report(db) == _report(books["after_db"])
        assert _scores(db) == _scores(books["after_db"])


def test_the_console_path_rescores_a_stale_database_before_it_reads(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """``Context.open`` (what the console and every command call) brings the stored
    scores up to date before anything reads them."""
    db = tmp_path / "h.db"
    shutil.copy(books["early_db"], db)
    _kill("after-commit", db, books["full"])
    assert _scores(db) == _scores(books["early_db"])  # stale after the kill
    cli_support.Context(db, None).open().close()
    assert _scores(db) == _scores(books["after_db"])


def test_a_killed_first_run_leaves_nothing_the_next_does_not_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    sample = sample_folder(data, "sample")
    db = data / "healthdesk.db"
    _kill("first-run", db, sample)
    assert not db.exists()
    assert any(p.name.startswith(cli_support.BUILDING) for p in data.iterdir())
    monkeypatch.delenv("HEALTHDESK_DB", raising=False)
    monkeypatch.setattr(cli_support, "DEFAULT_DB", db)
    monkeypatch.setattr(cli_support, "SAMPLE_DIR", sample)
    done = CliRunner().invoke(cli.main, ["report", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in data.iterdir()) == ["healthdesk.db", "sample"]
    (data / f"{cli_support.BUILDING}dead.db").write_bytes(b"x")
    (data / f"{cli_support.BUILDING}dead.db-wal").write_bytes(b"x")
    assert CliRunner().invoke(cli.main, ["report"]).exit_code == 0
    assert sorted(p.name for p in data.iterdir()) == ["healthdesk.db", "sample"]
