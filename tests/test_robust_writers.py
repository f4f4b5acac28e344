"""Writers take turns: every write transaction takes the lock up front (BEGIN
IMMEDIATE), so a second writer waits for the first; one still busy after the timeout
says "another healthdesk is writing to FILE; try again" and exits 1, having changed
nothing; a command whose data committed never exits 1. Real processes throughout."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from robust_helpers import COMMAND, content, healthdesk, sample_folder, split_book

from healthdesk import cli

SHORT = {"HEALTHDESK_BUSY_TIMEOUT": "0.2"}

HELD_AFTER_COMMIT = r"""
import sys
from healthdesk import cli, engine

rescore_after_import = engine.rescore_after_import

def wait_for_the_other_writer(*args, **kwargs):
    print("committed", flush=True)  # the test now takes the write lock
    assert sys.stdin.readline() == "go\n"
    return rescore_after_import(*args, **kwargs)

engine.rescore_after_import = wait_for_the_other_writer
cli.main(["--db", sys.argv[1], "import", sys.argv[2]])
"""


@contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """Another writer holding the database's write lock (a transaction left open)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``db``: the book's early part imported; ``both``: then the whole book (a week's
    import), without any other process about."""
    tmp = tmp_path_factory.mktemp("book")
    other = sample_folder(tmp, "full")
    folder = tmp / "early"
    split_book(other, folder)
    db = tmp / "h.db"
    done = CliRunner().invoke(cli.main, ["--db", str(db), "import", str(folder)])
    assert done.exit_code == 0, done.output
    both = tmp / "both.db"
    shutil.copy(db, both)
    done = CliRunner().invoke(cli.main, ["--db", str(both), "import", str(other)])
    assert done.exit_code == 0, done.output
    return {"folder": folder, "other": other, "db": db, "both": both}


def _report(db: Path) -> dict:
    done = healthdesk("report", "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _busy(done: subprocess.CompletedProcess[str], db: Path) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"another healthdesk is writing to {db}; try again" in done.stderr


def test_an_import_that_cannot_get_the_lock_says_so_and_changes_nothing(
    book: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "h.db"
    shutil.copy(book["db"], db)
    before = content(db)
    with write_lock(db):
        done = healthdesk("import", str(book["other"]), db=db, env=SHORT)
    _busy(done, db)
    assert content(db) == before


def test_a_report_that_must_rescore_waits_its_turn_or_says_busy(
    book: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "h.db"
    shutil.copy(book["db"], db)
    with write_lock(db):  # fresh scores: a reader needs no lock
        assert healthdesk("report", db=db, env=SHORT).returncode == 0
    (tmp_path / "healthdesk.toml").write_text("[weights]\nvolume = 0.4\npayment = 0.2\n")
    before = content(db)
    with write_lock(db):  # the config changed: it must rescore, and cannot
        done = healthdesk("report", db=db, env=SHORT)
    _busy(done, db)
    assert content(db) == before


def test_an_import_whose_rows_committed_exits_0_even_if_it_cannot_rescore(
    book: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "h.db"
    shutil.copy(book["db"], db)
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD_AFTER_COMMIT, str(db), str(book["other"])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **SHORT},
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline() == "committed\n"
    with write_lock(db):
        proc.stdin.write("go\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "imported" in out and "Traceback" not in err
    assert "scores were not updated" in err and "another healthdesk is writing" in err
    assert _report(db) == _report(book["both"])  # the next reader rescored first


def test_two_imports_at_once_both_land(book: dict[str, Path], tmp_path: Path) -> None:
    """The early part again and the whole book, at once: whichever goes first, the
    database ends with the whole book, and neither process fails."""
    db = tmp_path / "h.db"
    shutil.copy(book["db"], db)
    procs = [
        subprocess.Popen(
            [*COMMAND, "--db", str(db), "import", str(book[name])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("other", "folder")
    ]
    results = [(p.communicate(timeout=120), p.returncode) for p in procs]
    for (_, err), code in results:
        assert code == 0 and "Traceback" not in err, err
    assert _report(db) == _report(book["both"])


def test_two_reports_rescoring_at_once_both_answer(book: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    shutil.copy(book["db"], db)
    (tmp_path / "healthdesk.toml").write_text("[weights]\nvolume = 0.4\npayment = 0.2\n")
    procs = [
        subprocess.Popen(
            [*COMMAND, "--db", str(db), "report", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    assert outs[0][0] == outs[1][0]
    assert json.loads(outs[0][0]) == _report(db)
