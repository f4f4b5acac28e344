"""Only our own databases are touched: a file that is not a healthdesk database is
refused before a single write (no WAL switch, no table added); a damaged one gets a
clear message; a read-only one says read-only. Every case: exit 1, no traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from robust_helpers import content, file_hash, sample_folder

from healthdesk import cli

COMMANDS = (["report"], ["report", "--format", "json"], ["explain", "B001"])


def _refused(db: Path, args: list[str], *words: str) -> str:
    result = CliRunner().invoke(cli.main, ["--db", str(db), *args])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A healthdesk database with a small book, closed (its WAL checkpointed away)."""
    tmp = tmp_path_factory.mktemp("ours")
    db = tmp / "ours.db"
    result = CliRunner().invoke(cli.main, ["--db", str(db), "import", str(sample_folder(tmp))])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def copy(ours: Path, tmp_path: Path) -> Path:
    db = tmp_path / "copy.db"
    shutil.copy(ours, db)
    return db


def _other_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('x')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("args", [*COMMANDS, ["import", "FOLDER"]])
def test_another_applications_database_is_left_exactly_as_it_was(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "crm.db"
    _other_app(db)
    before = file_hash(db)
    args = [str(sample_folder(tmp_path)) if a == "FOLDER" else a for a in args]
    _refused(db, args, "not a healthdesk database", "another application")
    assert file_hash(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["crm.db"]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_zero_byte_file_is_not_a_database_to_read(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    for args in COMMANDS:
        _refused(db, args, "not a healthdesk database", "empty file")
        assert db.stat().st_size == 0
    assert [p.name for p in tmp_path.iterdir()] == ["empty.db"]


def test_an_empty_sqlite_database_is_not_read_either(tmp_path: Path) -> None:
    db = tmp_path / "blank.db"
    sqlite3.connect(db).execute("VACUUM").connection.close()
    before = file_hash(db)
    _refused(db, ["report"], "not a healthdesk database")
    assert file_hash(db) == before


def test_junk_and_a_folder_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    before = file_hash(junk)
    _refused(junk, ["report"], "not a SQLite file")
    assert file_hash(junk) == before
    folder = tmp_path / "folder.db"
    folder.mkdir()
    _refused(folder, ["import", str(sample_folder(tmp_path))], "is a folder")


def test_a_newer_schema_is_refused_untouched(copy: Path) -> None:
    conn = sqlite3.connect(copy)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('healthdesk', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = content(copy)
    hashed = file_hash(copy)
    for args in COMMANDS:
        _refused(copy, args, "newer healthdesk", "m999_from_the_future")
    assert file_hash(copy) == hashed and content(copy) == before


@pytest.mark.parametrize("table", ["weekly_activity", "buyers", "meta"])
def test_a_dropped_table_is_called_damage(copy: Path, table: str) -> None:
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    for args in COMMANDS:
        _refused(copy, args, "is damaged", table)


def test_a_dropped_column_is_called_damage(copy: Path) -> None:
    conn = sqlite3.connect(copy)
    conn.execute("DROP INDEX IF EXISTS idx_invoices_buyer_id_issued_day")
    conn.execute("DROP INDEX IF EXISTS idx_invoices_issued_day")
    conn.execute("ALTER TABLE invoices DROP COLUMN issued_day")
    conn.commit()
    conn.close()
    _refused(copy, ["report"], "is damaged", "issued_day")


def test_a_corrupt_file_is_called_damage(copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    data[page : len(data) - page] = bytes([0xA5]) * (len(data) - 2 * page)
    copy.write_bytes(bytes(data))
    for args in COMMANDS:
        _refused(copy, args, "damaged")


@pytest.fixture
def read_only(copy: Path) -> Iterator[Path]:
    """The copy made unwritable: chmod, or for root (who ignores modes) immutable."""
    copy.chmod(0o444)
    if not os.access(copy, os.W_OK):
        yield copy
        return
    done = subprocess.run(["chattr", "+i", str(copy)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("running as root without chattr: no way to make a file read-only")
    try:
        yield copy
    finally:
        subprocess.run(["chattr", "-i", str(copy)], check=True)


def test_a_read_only_database_says_read_only(read_only: Path) -> None:
    before = file_hash(read_only)
    for args in COMMANDS:
        _refused(read_only, args, "read-only")
    assert file_hash(read_only) == before
