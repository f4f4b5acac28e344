"""DATA.md's import contract through the real importer into real SQLite files:
all-or-nothing, every problem located by file/line/column, idempotent re-import,
unknown buyers refused, hostile text kept literal or refused clearly."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import AS_OF, Portfolio, at, import_into, monday, report_json, write_csv

from healthdesk.ingest.contract import FILES
from healthdesk.ingest.importer import MAX_PROBLEMS_SHOWN, ImportFailed
from healthdesk.store.db import open_db

TABLES = (
    "buyers",
    "deliveries",
    "returns",
    "invoices",
    "touchpoints",
    "incidents",
    "contacts",
    "surveys",
)


def base_portfolio() -> Portfolio:
    """Three buyers with a row in every DATA.md file, one invoice still unpaid."""
    p = Portfolio()
    for bid in ("A", "B", "C"):
        p.healthy(bid, vertical="auto", contracted_weekly_leads=100, gross_margin=0.3)
    p.returns("A", [0, 3, 0, 2])
    p.add(
        "incidents.csv",
        incident_id="INC-1",
        buyer_id="A",
        opened_at=at(monday(20)),
        severity="high",
        summary="wrong state",
    )
    p.add("contacts.csv", buyer_id="A", name="Pat Lee", primary=True, started_on="2024-01-01")
    p.add("surveys.csv", buyer_id="B", date=monday(20), score=8)
    p.add(
        "invoices.csv",
        invoice_id="INV-LATE",
        buyer_id="C",
        issued_on=AS_OF - timedelta(days=45),
        due_on=AS_OF - timedelta(days=30),
        amount=9000,
    )
    return p


def counts(db_path: Path) -> dict[str, int]:
    db = open_db(db_path)
    try:
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        db.close()


def digest(db_path: Path) -> str:
    """The database file's bytes (connections closed, so the WAL is checkpointed)."""
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "a WAL was left behind"
    return hashlib.sha256(db_path.read_bytes()).hexdigest()


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A database holding the base portfolio."""
    db_path = tmp_path / "hd.db"
    import_into(db_path, base_portfolio().write(tmp_path / "base"))
    return db_path


def problems_of(db_path: Path, folder: Path) -> list:
    with pytest.raises(ImportFailed) as caught:
        import_into(db_path, folder)
    return caught.value.problems


def located(problems: list) -> set[tuple[str, int | None, str | None]]:
    return {(p.file, p.line, p.column) for p in problems}


# --- happy path -----------------------------------------------------------------


def test_import_reads_every_file_and_counts_rows(tmp_path: Path) -> None:
    p = base_portfolio()
    result = import_into(tmp_path / "hd.db", p.write(tmp_path / "csv"))
    assert result.rows == {name: len(rows) for name, rows in p.rows.items()}
    stored = counts(tmp_path / "hd.db")
    assert stored["buyers"] == 3
    assert stored["invoices"] == len(p.rows["invoices.csv"])
    assert stored["touchpoints"] == len(p.rows["touchpoints.csv"])


def test_reimporting_the_same_files_adds_nothing(imported: Path, tmp_path: Path) -> None:
    before = counts(imported)
    result = import_into(imported, base_portfolio().write(tmp_path / "again"))
    assert counts(imported) == before
    assert sum(result.changed.values()) == 0


def test_reimport_with_a_newly_paid_invoice_updates_it(imported: Path, tmp_path: Path) -> None:
    rep = report_json(imported)
    c = next(b for b in rep["buyers"] if b["buyer_id"] == "C")
    assert "INV-LATE unpaid" in " ".join(w["detail"] for w in c["warnings"])
    p = base_portfolio()
    paid = AS_OF - timedelta(days=29)
    for row in p.rows["invoices.csv"]:
        if row["invoice_id"] == "INV-LATE":
            row["paid_on"] = paid
    before = counts(imported)
    result = import_into(imported, p.write(tmp_path / "paid"))
    assert result.changed.get("invoices") == 1
    assert counts(imported) == before
    db = open_db(imported)
    try:
        row = db.execute("SELECT paid_on FROM invoices WHERE invoice_id = 'INV-LATE'").fetchone()
    finally:
        db.close()
    assert row[0] == paid.isoformat()
    c = next(b for b in report_json(imported)["buyers"] if b["buyer_id"] == "C")
    assert "INV-LATE unpaid" not in " ".join(w["detail"] for w in c["warnings"])


def test_event_rows_may_name_buyers_imported_earlier(imported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "later"
    folder.mkdir()
    write_csv(folder / "buyers.csv", ["buyer_id", "name", "started_on"], [])
    write_csv(
        folder / "deliveries.csv",
        ["buyer_id", "date", "leads", "revenue"],
        [["A", AS_OF, 5, 300]],
    )
    before = counts(imported)
    import_into(imported, folder)
    assert counts(imported)["deliveries"] == before["deliveries"] + 1


# --- all or nothing -------------------------------------------------------------

BAD_LAST_ROW = {
    "buyers.csv": ({"buyer_id": "Z9", "name": "Zed", "started_on": "2024-13-01"}, "started_on"),
    "deliveries.csv": (
        {"buyer_id": "A", "date": "yesterday", "leads": 1, "revenue": 60},
        "date",
    ),
    "returns.csv": (
        {"buyer_id": "A", "date": AS_OF, "leads": 0, "reason": "duplicate"},
        "leads",
    ),
    "invoices.csv": (
        {
            "invoice_id": "INV-BAD",
            "buyer_id": "A",
            "issued_on": AS_OF,
            "due_on": AS_OF,
            "amount": "-5",
        },
        "amount",
    ),
    "touchpoints.csv": (
        {"buyer_id": "A", "at": at(AS_OF), "direction": "sideways"},
        "direction",
    ),
    "incidents.csv": (
        {"incident_id": "INC-BAD", "buyer_id": "A", "opened_at": "soon"},
        "opened_at",
    ),
    "contacts.csv": ({"buyer_id": "B", "name": "Kim", "primary": "maybe"}, "primary"),
    "surveys.csv": ({"buyer_id": "B", "date": AS_OF, "score": 11}, "score"),
}


def test_every_contract_file_has_a_bad_row_case() -> None:
    assert set(BAD_LAST_ROW) == {spec.name for spec in FILES}


@pytest.mark.parametrize("bad_file", list(BAD_LAST_ROW))
def test_bad_last_row_of_any_file_leaves_the_database_byte_for_byte_unchanged(
    imported: Path, tmp_path: Path, bad_file: str
) -> None:
    before, rows_before = digest(imported), counts(imported)
    p = base_portfolio()
    p.healthy("NEW", leads=50)
    p.add("surveys.csv", buyer_id="NEW", date=monday(28), score=3)
    for row in p.rows["invoices.csv"]:
        row["paid_on"] = row.get("paid_on") or AS_OF
    bad_row, column = BAD_LAST_ROW[bad_file]
    p.add(bad_file, **bad_row)
    problems = problems_of(imported, p.write(tmp_path / "bad"))
    assert located(problems) == {(bad_file, len(p.rows[bad_file]) + 1, column)}
    assert digest(imported) == before
    assert counts(imported) == rows_before


def test_failed_first_import_into_a_new_database_writes_no_rows(tmp_path: Path) -> None:
    p = base_portfolio()
    p.add("deliveries.csv", buyer_id="A", date="2025-02-30", leads=1, revenue=1)
    db_path = tmp_path / "new.db"
    problems_of(db_path, p.write(tmp_path / "bad"))
    if db_path.exists():
        assert sum(counts(db_path).values()) == 0


def test_every_bad_row_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    p = base_portfolio()
    p.add("deliveries.csv", buyer_id="A", date=AS_OF, leads="ten", revenue=60)
    p.add("deliveries.csv", buyer_id="A", date=AS_OF, leads=1, revenue="free")
    p.add("surveys.csv", buyer_id="C", date="2025/07/01", score=5)
    n_deliveries = len(p.rows["deliveries.csv"])
    problems = problems_of(tmp_path / "hd.db", p.write(tmp_path / "bad"))
    assert located(problems) == {
        ("deliveries.csv", n_deliveries, "leads"),
        ("deliveries.csv", n_deliveries + 1, "revenue"),
        ("surveys.csv", len(p.rows["surveys.csv"]) + 1, "date"),
    }
    message = str(ImportFailed(problems))
    assert f"deliveries.csv, line {n_deliveries}, column leads" in message
    assert "nothing was changed" in message


def test_error_message_counts_by_file_column_and_reason_with_examples(tmp_path: Path) -> None:
    """Many problems read as the few things to fix: one line per (file, column, reason)
    with its count, the first examples, then how many more (issue 9)."""
    p = base_portfolio()
    extra = MAX_PROBLEMS_SHOWN + 10
    for i in range(extra):
        p.add("deliveries.csv", buyer_id="A", date=AS_OF, leads=-1 - i, revenue=1)
    problems = problems_of(tmp_path / "hd.db", p.write(tmp_path / "bad"))
    assert len(problems) == extra
    message = str(ImportFailed(problems))
    assert f"{extra} problem(s)" in message
    assert f"deliveries.csv, column leads: {extra} × must be ≥ 0" in message
    assert f"and {extra - 3} more" in message
    assert message.count("      line ") == 3


def test_unknown_buyer_id_is_an_error_not_a_silent_drop(imported: Path, tmp_path: Path) -> None:
    p = base_portfolio()
    p.add("deliveries.csv", buyer_id="GHOST", date=AS_OF, leads=1, revenue=60)
    problems = problems_of(imported, p.write(tmp_path / "ghost"))
    assert located(problems) == {("deliveries.csv", len(p.rows["deliveries.csv"]) + 1, "buyer_id")}
    assert "unknown buyer" in problems[0].why


def test_duplicate_invoice_id_in_a_file_is_an_error(tmp_path: Path) -> None:
    p = base_portfolio()
    p.rows["invoices.csv"].append(dict(p.rows["invoices.csv"][0]))
    problems = problems_of(tmp_path / "hd.db", p.write(tmp_path / "dup"))
    assert located(problems) == {("invoices.csv", len(p.rows["invoices.csv"]) + 1, "invoice_id")}


def test_missing_folder_and_missing_buyers_file_are_errors(tmp_path: Path) -> None:
    assert "not a folder" in str(problems_of(tmp_path / "hd.db", tmp_path / "nowhere")[0])
    (tmp_path / "empty").mkdir()
    assert "buyers.csv" in str(problems_of(tmp_path / "hd.db", tmp_path / "empty")[0])


# --- the file format ------------------------------------------------------------


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    (folder / "buyers.csv").write_bytes(
        "\ufeffbuyer_id,name,started_on\nA,Åsa Öberg,2024-01-01\n".encode()
    )
    import_into(tmp_path / "hd.db", folder)
    db = open_db(tmp_path / "hd.db")
    try:
        assert db.execute("SELECT buyer_id, name FROM buyers").fetchall() == [("A", "Åsa Öberg")]
    finally:
        db.close()


def test_unknown_columns_are_ignored_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    write_csv(
        folder / "buyers.csv",
        ["buyer_id", "favourite_colour", "name", "started_on"],
        [["A", "teal", "Acme", "2024-01-01"]],
    )
    result = import_into(tmp_path / "hd.db", folder)
    assert any("buyers.csv" in n and "favourite_colour" in n for n in result.notes)
    assert counts(tmp_path / "hd.db")["buyers"] == 1


def test_missing_required_column_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "nocol"
    folder.mkdir()
    write_csv(folder / "buyers.csv", ["buyer_id", "name"], [["A", "Acme"]])
    problems = problems_of(tmp_path / "hd.db", folder)
    assert located(problems) == {("buyers.csv", 1, "started_on")}
    assert "missing" in problems[0].why


def test_non_utf8_file_is_refused_naming_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "buyers.csv").write_bytes(
        b"buyer_id,name,started_on\nA,Acme,2024-01-01\nB,Caf\xe9 Leads,2024-01-01\n"
    )
    problems = problems_of(tmp_path / "hd.db", folder)
    text = str(problems[0])
    assert problems[0].file == "buyers.csv"
    assert "line 3" in text and "UTF-8" in text


def test_markup_and_formula_text_is_stored_literally(tmp_path: Path) -> None:
    names = ["[bold red]x[/]", "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "Ünïcødé ☃"]
    p = Portfolio()
    for i, name in enumerate(names):
        p.healthy(f"H{i}", name=name, owner=name)
    import_into(tmp_path / "hd.db", p.write(tmp_path / "hostile"))
    db = open_db(tmp_path / "hd.db")
    try:
        stored = [r[0] for r in db.execute("SELECT name FROM buyers ORDER BY buyer_id")]
    finally:
        db.close()
    assert stored == names


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x00", "\r", "\x9b"])
def test_control_characters_in_text_are_refused_with_location(tmp_path: Path, char: str) -> None:
    folder = tmp_path / "ctrl"
    folder.mkdir()
    (folder / "buyers.csv").write_text(
        f'buyer_id,name,started_on\nA,Acme,2024-01-01\nB,"Evil{char}[2J",2024-01-01\n',
        encoding="utf-8",
        newline="",
    )
    problems = problems_of(tmp_path / "hd.db", folder)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == "buyers.csv"
    # a quoted CR splits the record over two physical lines; either one locates it
    assert problem.line in ((3, 4) if char == "\r" else (3,))
    if char != "\x00":
        assert problem.column == "name"
        assert "control character" in problem.why


def test_ten_thousand_character_value_is_refused_clearly(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    p.add(
        "touchpoints.csv",
        buyer_id="A",
        at=at(AS_OF),
        direction="inbound",
        note="x" * 10_000,
    )
    problems = problems_of(tmp_path / "hd.db", p.write(tmp_path / "long"))
    assert located(problems) == {("touchpoints.csv", len(p.rows["touchpoints.csv"]) + 1, "note")}
    assert "10000 characters" in problems[0].why
    assert len(str(problems[0])) < 300


def test_ten_thousand_character_name_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "longname"
    folder.mkdir()
    write_csv(
        folder / "buyers.csv",
        ["buyer_id", "name", "started_on"],
        [["A", "n" * 10_000, "2024-01-01"]],
    )
    problems = problems_of(tmp_path / "hd.db", folder)
    assert located(problems) == {("buyers.csv", 2, "name")}


@pytest.mark.parametrize("char", ["\n", "\t"])
def test_line_breaks_and_tabs_in_names_are_refused(tmp_path: Path, char: str) -> None:
    """A name is one line of text: a line break would split the buyer's row in the
    table and the console, so it is refused like any other control character."""
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "buyers.csv").write_text(
        f'buyer_id,name,started_on\nA,"Evil{char}Corp",2024-01-01\n', encoding="utf-8"
    )
    problems = problems_of(tmp_path / "hd.db", folder)
    assert [(p.file, p.column) for p in problems] == [("buyers.csv", "name")]
    assert "control character" in problems[0].why
