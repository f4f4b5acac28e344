"""A hostile corpus, generated from the import contract: every number and date column
gets values past SQLite's integers, floats past finite, dates outside 1900–2199, and
offsets no zone has; the CSV files become FIFOs, devices, folders and files past the
size cap. Each one: exit 1, a message naming file, line and column, no traceback, no
hang, and the database exactly as it was."""

from __future__ import annotations

import csv
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from robust_helpers import content, file_hash, healthdesk, sample_folder

from healthdesk import cli
from healthdesk.ingest import fields as f
from healthdesk.ingest.contract import FILES
from healthdesk.ingest.reader import MAX_FILE_BYTES

HOSTILE = {
    "date": [
        "0001-01-01",
        "9999-12-31",
        "9999-06-01",
        "1899-12-31",
        "2200-01-01",
        "2026-02-30",
    ],
    "datetime": [
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+05:00",
        "2026-01-01T00:00:00+23:59",
        "2026-01-01T00:00:00-23:59:59.999999",
        "9999-12-31T23:59:59.999999Z",
        "2199-12-31T23:30:00-01:00",
    ],
    "whole": [
        "9223372036854775808",
        "9223372036854775807",
        "9" * 400,
        "9" * 5000,
        "1e3",
        "\u0661\u0662",
        "1_000",
        "0x10",
    ],
    "number": ["1e309", "nan", "inf", "-inf", "1e16", "9" * 400, "1_0", "\u0661\u0662"],
}


def _kind(parse: object) -> str | None:
    if parse is f.iso_date:
        return "date"
    if parse is f.iso_datetime:
        return "datetime"
    name = getattr(parse, "__qualname__", "")
    return next((k for k in ("whole", "number") if name.startswith(f"{k}.")), None)


def corpus() -> Iterator[tuple[str, str, str]]:
    """(file, column, value): each hostile value once, the columns of its kind in turn,
    so every typed column of the contract is hit and the run stays seconds long."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for spec in FILES:
        for name, column in spec.columns.items():
            kind = _kind(column.parse)
            if kind:
                columns.setdefault(kind, []).append((spec.name, name))
    for kind, values in HOSTILE.items():
        targets = columns[kind]
        for i in range(max(len(values), len(targets))):
            file, column = targets[i % len(targets)]
            yield file, column, values[i % len(values)]


CASES = list(corpus())


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A real book and the database it was imported into (closed, WAL folded in)."""
    tmp = tmp_path_factory.mktemp("book")
    folder = sample_folder(tmp)
    db = tmp / "book.db"
    done = CliRunner().invoke(cli.main, ["--db", str(db), "import", str(folder)])
    assert done.exit_code == 0, done.output
    return folder, db


@pytest.fixture
def setup(book: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    shutil.copytree(book[0], folder)
    db = tmp_path / "h.db"
    shutil.copy(book[1], db)
    return folder, db


def _set_cell(path: Path, column: str, value: str) -> None:
    """Put ``value`` in ``column`` of the first data row (line 2)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _refused_unchanged(db: Path, args: list[str], *words: str) -> None:
    before, hashed = content(db), file_hash(db)
    result = CliRunner().invoke(cli.main, ["--db", str(db), *args])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr
    assert content(db) == before
    assert file_hash(db) == hashed


def test_the_corpus_reaches_every_typed_column() -> None:
    hit = {(file, column) for file, column, _ in CASES}
    typed = {(s.name, n) for s in FILES for n, c in s.columns.items() if _kind(c.parse)}
    assert hit == typed and len(CASES) >= sum(len(v) for v in HOSTILE.values())


@pytest.mark.parametrize(("file", "column", "value"), CASES, ids=lambda v: str(v)[:24])
def test_a_hostile_value_is_a_row_error(
    setup: tuple[Path, Path], file: str, column: str, value: str
) -> None:
    folder, db = setup
    if not (folder / file).exists():
        pytest.skip(f"the sample has no {file}")
    _set_cell(folder / file, column, value)
    _refused_unchanged(db, ["import", str(folder)], f"{file}, line 2, column {column}")


def test_seeded_junk_rows_are_refused(setup: tuple[Path, Path]) -> None:
    folder, db = setup
    rng = random.Random(12)
    alphabet = "0123456789-:TZ+.,e\"' abcB\u00e9\u0661"
    with (folder / "deliveries.csv").open("a", encoding="utf-8", newline="") as handle:
        for _ in range(40):
            handle.write("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) + "\n")
    # Forty bad rows are summarised by problem, each group naming its lines.
    _refused_unchanged(db, ["import", str(folder)], "deliveries.csv", "× has", "line 4")


def test_bytes_that_are_not_utf8_or_hold_nul_are_refused(setup: tuple[Path, Path]) -> None:
    folder, db = setup
    with (folder / "invoices.csv").open("ab") as handle:
        handle.write(b"INV-X,B001,2026-01-01,2026-01-02,\xff\xfe,\n")
    _refused_unchanged(db, ["import", str(folder)], "invoices.csv", "not UTF-8")
    shutil.copy(sample_folder(folder.parent, "fresh") / "invoices.csv", folder / "invoices.csv")
    with (folder / "returns.csv").open("ab") as handle:
        handle.write(b"B001,2026-01-01,3,dupl\x00icate,accepted\n")
    _refused_unchanged(db, ["import", str(folder)], "returns.csv")


def _special(kind: str, path: Path) -> None:
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("zero", "urandom"):
        path.symlink_to(f"/dev/{kind}")
    elif kind == "folder":
        path.mkdir()
    else:  # a sparse file one byte past the cap: no disk used, nothing read
        with path.open("wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)


@pytest.mark.parametrize(
    ("kind", "file", "words"),
    [
        ("fifo", "buyers.csv", "not a regular file"),
        ("zero", "buyers.csv", "not a regular file"),
        ("urandom", "deliveries.csv", "not a regular file"),
        ("folder", "buyers.csv", "is a folder"),
        ("huge", "touchpoints.csv", f"at most {MAX_FILE_BYTES:,}"),
    ],
)
def test_only_regular_files_under_the_cap_are_read(
    setup: tuple[Path, Path], kind: str, file: str, words: str
) -> None:
    """In a process of its own, so a read that blocks or never ends fails the test
    (the timeout) instead of hanging the run."""
    folder, db = setup
    _special(kind, folder / file)
    before, hashed = content(db), file_hash(db)
    result = healthdesk("import", str(folder), db=db, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{file}:" in result.stderr and words in result.stderr, result.stderr
    assert content(db) == before and file_hash(db) == hashed


def test_a_folder_named_like_the_config_is_refused(setup: tuple[Path, Path]) -> None:
    _, db = setup
    (db.parent / "healthdesk.toml").mkdir()
    _refused_unchanged(db, ["report"], "healthdesk.toml", "not a file")
