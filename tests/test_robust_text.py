"""Text is data at every exit: control characters another tool stored in the database
never reach the terminal raw (table, explain, Markdown, CSV: shown as escapes), and
JSON still carries the exact value; CSV stays formula-safe."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from robust_helpers import sample_folder

from healthdesk import cli
from healthdesk.domain.weeks import week_of

EVIL = "\x1b[31mX\x07"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
LAST_WEEK = week_of(date(2026, 11, 16))


def _poisoned(tmp_path: Path, db: Path) -> None:
    """A real book whose names and owners were then rewritten by another tool."""
    runner = CliRunner()
    done = runner.invoke(cli.main, ["--db", str(db), "import", str(sample_folder(tmp_path))])
    assert done.exit_code == 0, done.output
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE buyers SET name = ? || buyer_id || ?", (EVIL, "\x9b2J\u202e"))
        conn.execute("UPDATE buyers SET owner = ?", ("=HYPERLINK(1)" + EVIL,))
        buyer = conn.execute("SELECT MIN(buyer_id) FROM buyers").fetchone()[0]
        signals = json.dumps([{"code": "payment_late", "detail": "late " + EVIL}])
        conn.execute(
            "INSERT INTO interventions (buyer_id, created_week, reason_key, signals, action,"
            " message, owner, due_on, status) VALUES (?, ?, 'k', ?, ?, ?, ?, ?, 'open')",
            (buyer, LAST_WEEK, signals, "call " + EVIL, EVIL, "ann" + EVIL, "2026-11-20"),
        )
        conn.execute(
            "INSERT INTO intervention_notes (intervention_id, at, author, text)"
            " VALUES (1, '2026-11-17T10:00:00Z', 'x', ?)",
            ("note " + EVIL,),
        )
        conn.execute(
            "INSERT INTO overrides (buyer_id, health, reason, week, expires_on, created_at,"
            " author) VALUES (?, 50, ?, ?, '2026-12-31', '2026-11-17T10:00:00Z', 'x')",
            (buyer, "because " + EVIL, LAST_WEEK),
        )
    conn.close()


def _run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli.main, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_stored_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _poisoned(tmp_path, db)
    table = _run(db, "report")
    listed = json.loads(_run(db, "report", "--format", "json"))["buyers"]
    some_id = min(b["buyer_id"] for b in listed)
    explain = _run(db, "explain", some_id)
    markdown = _run(db, "export", "interventions", "--format", "md")
    for shown in (table, explain, markdown):
        assert not any(ch in shown for ch in RAW), repr(shown[:400])
        assert "\\x1b" in shown and "\\x07" in shown  # the bytes shown as what they are
    assert f"\\x1b[31mX\\x07{some_id}\\x9b2J\\u202e" in explain
    assert "because \\x1b[31mX\\x07" in explain  # the override's reason
    assert "call \\x1b[31mX\\x07" in markdown and "note \\x1b\\[31mX\\x07" in markdown


def test_json_carries_the_exact_values_and_csv_shows_them_safely(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _poisoned(tmp_path, db)
    text = _run(db, "report", "--format", "json")
    assert not any(ch in text for ch in RAW)  # escaped as \\u001b…, still valid JSON
    buyers = json.loads(text)["buyers"]
    assert buyers and all(b["name"] == f"{EVIL}{b['buyer_id']}\x9b2J\u202e" for b in buyers)
    assert all(b["owner"] == "=HYPERLINK(1)" + EVIL for b in buyers)
    explained = json.loads(_run(db, "explain", buyers[0]["buyer_id"], "--format", "json"))
    assert explained["name"] == buyers[0]["name"]
    shown = "\\x1b[31mX\\x07"  # CSV: what a re-import accepts, and no terminal acts on
    report_csv = _run(db, "report", "--format", "csv")
    assert not any(ch in report_csv for ch in RAW)
    rows = list(csv.DictReader(io.StringIO(report_csv)))
    assert [r["name"] for r in rows] == [f"{shown}{b['buyer_id']}\\x9b2J\\u202e" for b in buyers]
    assert all(r["owner"] == "'=HYPERLINK(1)" + shown for r in rows)  # formula defused
    exported = _run(db, "export", "interventions", "--format", "csv")
    cells = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["action"], r["note"]) for r in cells] == [("call " + shown, "note " + shown)]
    listed = json.loads(_run(db, "export", "interventions", "--format", "json"))
    assert listed["interventions"][0]["signals"][0]["detail"] == "late " + EVIL
