"""`healthdesk export interventions` through the real CLI on real SQLite files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_interventions_support import db_copy, run_cli, sample_path, sample_report, week_number

from healthdesk import engine
from healthdesk.config import Config
from healthdesk.domain.interventions import Suggestion
from healthdesk.domain.report import Report
from healthdesk.ingest.importer import import_folder
from healthdesk.store import interventions as store
from healthdesk.store.db import open_db

__all__ = ["db_copy", "sample_path", "sample_report"]

NASTY = ['=HYPERLINK("http://x")', "+1 Leads", "-2 Corp", "@SUM(A1)"]


def _queued(path: Path, report: Report) -> set[str]:
    """The accounts ``healthdesk review`` queues: every at-risk buyer and every buyer
    with a live warning among them (checked here against the report itself)."""
    result = run_cli("--db", str(path), "review", "--format", "json")
    assert result.exit_code == 0, result.output
    ids = {q["buyer_id"] for q in json.loads(result.stdout)["queue"]}
    flagged = {b.buyer_id for b in report.buyers if b.band == "at_risk" or b.warnings}
    assert flagged and flagged <= ids, "the sample must have flagged buyers, all queued"
    return ids


def test_csv_lists_suggestions_for_every_queued_account(sample_path: Path, sample_report) -> None:
    result = run_cli("--db", str(sample_path), "export", "interventions", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "buyer_id", "name", "owner", "band", "health", "signals", "action", "due_on", "status",
        "note", "overdue", "override",
    ]  # fmt: skip
    assert {r["buyer_id"] for r in rows} == _queued(sample_path, sample_report)
    assert {r["status"] for r in rows} == {"suggested"}
    assert all(r["action"] and r["signals"] and r["due_on"] for r in rows)


def test_json_and_markdown_list_every_queued_account(sample_path: Path, sample_report) -> None:
    out = run_cli("--db", str(sample_path), "export", "interventions", "--format", "json")
    data = json.loads(out.stdout)
    assert data["week"] == sample_report.week and data["source"] == "suggested"
    assert {i["buyer_id"] for i in data["interventions"]} == _queued(sample_path, sample_report)
    assert all(isinstance(i["signals"], list) for i in data["interventions"])

    md = run_cli("--db", str(sample_path), "export", "interventions", "--format", "md").stdout
    assert md.startswith(f"# Interventions, week of {sample_report.week}")
    for buyer in sample_report.buyers:
        if buyer.band == "at_risk" or buyer.warnings:
            assert f"({buyer.buyer_id})" in md
            assert f"## {buyer.owner} (" in md
            for warning in buyer.warnings:
                assert warning["detail"].split(" ")[0] in md


def test_markdown_names_a_buyer_once_with_each_action_under_it(
    sample_path: Path, sample_report
) -> None:
    data = json.loads(
        run_cli("--db", str(sample_path), "export", "interventions", "--format", "json").stdout
    )
    actions: dict[str, int] = {}
    for item in data["interventions"]:
        actions[item["buyer_id"]] = actions.get(item["buyer_id"], 0) + 1
    assert max(actions.values()) > 1  # the sample has a buyer with two suggestions
    md = run_cli("--db", str(sample_path), "export", "interventions", "--format", "md").stdout
    lines = md.splitlines()
    for buyer_id, count in actions.items():
        [at] = [i for i, line in enumerate(lines) if f"({buyer_id}):" in line]
        block = []
        for line in lines[at + 1 :]:
            if not line.startswith("  "):
                break
            block.append(line)
        assert sum(line.startswith("  - ") for line in block) == count
        assert all(line.startswith(("  - ", "    - ")) for line in block)


def test_stored_interventions_replace_suggestions_and_filter(db_copy: Path, sample_report) -> None:
    week = week_number(sample_report)
    due = date.fromisoformat(sample_report.week) + timedelta(days=4)
    db = open_db(db_copy)
    store.upsert(db, _suggestion("B001", due), "alice", week)
    second, _ = store.upsert(db, _suggestion("B002", due), "bruno", week)
    store.set_status(db, second, "in_progress", None, week)
    store.add_note(db, second, "Meeting booked for Thursday")
    db.close()
    args = ["--db", str(db_copy), "export", "interventions", "--format", "json"]

    def ids(*extra: str) -> list[str]:
        result = run_cli(*args, *extra)
        assert result.exit_code == 0, result.output
        return [i["buyer_id"] for i in json.loads(result.stdout)["interventions"]]

    assert sorted(ids()) == ["B001", "B002"]
    assert ids("--owner", "bruno") == ["B002"]
    assert ids("--status", "open") == ["B001"]
    assert ids("--status", "done") == []
    assert set(ids("--status", "suggested")) == _queued(db_copy, sample_report)
    note = json.loads(run_cli(*args, "--owner", "bruno").stdout)["interventions"][0]["note"]
    assert note == "Meeting booked for Thursday"


def _suggestion(buyer_id: str, due: date) -> Suggestion:
    signal = {"code": "volume_decline", "detail": "-40% volume"}
    return Suggestion(buyer_id, "outreach", "proactive outreach", "=call them", (signal,), due)


def test_csv_defuses_formulas_in_names_signals_and_notes(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    buyers = [(f"X{i}", name, "2025-01-06", "alice") for i, name in enumerate(NASTY)]
    deliveries = [(b[0], f"2025-0{m}-10", 100, 1000) for b in buyers for m in range(1, 7)]
    _write_csv(folder / "buyers.csv", ("buyer_id", "name", "started_on", "owner"), buyers)
    _write_csv(folder / "deliveries.csv", ("buyer_id", "date", "leads", "revenue"), deliveries)
    invoices = [(f"I{b[0]}", b[0], "2025-05-01", "2025-05-16", 6000, "2025-05-15") for b in buyers]
    header = ("invoice_id", "buyer_id", "issued_on", "due_on", "amount", "paid_on")
    _write_csv(folder / "invoices.csv", header, invoices)
    path = tmp_path / "nasty.db"
    db = open_db(path, create=True)
    import_folder(db, folder)
    engine.rescore(db, Config())
    week = week_number(engine.report(db, Config()))
    due = date(2025, 6, 30)
    for i in range(len(NASTY)):
        item, _ = store.upsert(db, _suggestion(f"X{i}", due), "alice", week)
        store.add_note(db, item, "@boss said +1")
    db.close()

    out = tmp_path / "list.csv"
    result = run_cli(
        "--db", str(path), "export", "interventions", "--format", "csv", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["name"] for r in rows) == sorted("'" + n for n in NASTY)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())
        assert row["note"] == "'@boss said +1"


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


def test_write_is_atomic_when_the_rename_fails(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "list.csv"

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    result = run_cli("--db", str(sample_path), "export", "interventions", "-o", str(out))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no target, no temporary left behind


def test_existing_file_is_kept_without_force(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "list.md"
    out.write_text("keep me", encoding="utf-8")
    args = ["--db", str(sample_path), "export", "interventions", "--format", "md", "-o", str(out)]
    refused = run_cli(*args)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run_cli(*args, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Interventions")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "closed"], "--status 'closed' is not one of"),
        (["--week", "2026-02-30"], "is not a date"),
        (["--week", "1999-01-04"], "no data for that week"),
        (["--owner", "alice;smith"], "may contain only letters"),
        (["-o", "/no/such/folder/list.csv"], "does not exist"),
    ],
)
def test_bad_input_exits_1_with_a_message(sample_path: Path, args: list[str], message: str) -> None:
    result = run_cli("--db", str(sample_path), "export", "interventions", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_registering_the_export_command_stays_light() -> None:
    """cli.py registers ``export`` at import, so ``healthdesk --help`` must not pay for
    numpy or Textual through it."""
    code = (
        "import sys, healthdesk.exports.command; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('numpy', 'textual')]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
