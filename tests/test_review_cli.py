"""`healthdesk review`, `interventions list|set` and `override` through the real CLI on
real SQLite files: the queue the console works through, tasks that end, one truth."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_interventions_support import db_copy, run_cli, sample_path, sample_report

from healthdesk.domain.interventions import Suggestion
from healthdesk.domain.report import Report
from healthdesk.domain.weeks import week_of
from healthdesk.store import interventions as store
from healthdesk.store.db import open_db

__all__ = ["db_copy", "sample_path", "sample_report"]


def _json(*args: str) -> dict:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _review(db: Path, *extra: str) -> dict:
    return _json("--db", str(db), "review", "--format", "json", *extra)


def test_queue_holds_every_flagged_account_standing_or_new(
    sample_path: Path, sample_report: Report
) -> None:
    review = _review(sample_path)
    queued = {q["buyer_id"]: q for q in review["queue"]}
    assert [q["position"] for q in review["queue"]] == list(range(1, len(queued) + 1))
    for buyer in sample_report.buyers:
        codes = {w["code"] for w in buyer.warnings}
        if buyer.band == "at_risk" or codes or buyer.trust["level"] <= 50:
            assert buyer.buyer_id in queued, buyer.buyer_id
            assert codes <= {r["code"] for r in queued[buyer.buyer_id]["reasons"]}
    reasons = [r for q in review["queue"] for r in q["reasons"]]
    standing = [r for r in reasons if r["code"] == "engagement_drop" and not r["new"]]
    assert standing, "a warning raised last week too is still a reason this week"
    assert all(q["suggestions"] for q in review["queue"])
    quiet = [b for b in sample_report.buyers if b.buyer_id not in queued]
    assert quiet and all(b.band != "at_risk" and not b.warnings for b in quiet)


def test_review_filters_by_owner_and_reason(sample_path: Path) -> None:
    everyone = _review(sample_path)["queue"]
    dana = _review(sample_path, "--owner", "dana")["queue"]
    assert dana and [q["buyer_id"] for q in dana] == [
        q["buyer_id"] for q in everyone if q["owner"] == "dana"
    ]
    volume = _review(sample_path, "--reason", "volume_decline")["queue"]
    assert volume and all(any(r["code"] == "volume_decline" for r in q["reasons"]) for q in volume)
    at_risk = _review(sample_path, "--reason", "at_risk")["queue"]
    assert {q["buyer_id"] for q in at_risk} == {
        q["buyer_id"] for q in everyone if q["band"] == "at_risk"
    }


def test_a_large_account_at_risk_comes_first_everywhere(db_copy: Path) -> None:
    """An override puts the biggest account at risk: it heads the report, the review and
    the export, and the band counts and revenue at risk move with it everywhere."""
    db = str(db_copy)
    before = _json("--db", db, "report", "--format", "json", "--no-explain")
    biggest = max(before["buyers"], key=lambda b: b["revenue_share"])
    assert biggest["band"] == "healthy" and biggest["revenue_share"] > 0.25
    small = [b for b in before["buyers"] if b["band"] == "at_risk"]
    assert small and all(b["revenue_share"] < 0.05 for b in small)
    set_it = run_cli(
        "--db", db, "override", biggest["buyer_id"], "--health", "30",
        "--reason", "CFO says they are moving to a competitor", "--until", "2026-12-31",
    )  # fmt: skip
    assert set_it.exit_code == 0, set_it.output

    report = _json("--db", db, "report", "--format", "json", "--no-explain")
    review = _review(db_copy)
    export = _json("--db", db, "export", "interventions", "--format", "json")
    assert report["buyers"][0]["buyer_id"] == biggest["buyer_id"]
    assert review["queue"][0]["buyer_id"] == biggest["buyer_id"]
    assert export["interventions"][0]["buyer_id"] == biggest["buyer_id"]
    assert export["interventions"][0]["override"].startswith(f"computed {biggest['health']}")
    bands = report["portfolio"]["bands"]
    assert bands["at_risk"] == before["portfolio"]["bands"]["at_risk"] + 1
    assert bands["healthy"] == before["portfolio"]["bands"]["healthy"] - 1
    assert review["portfolio"]["bands"] == bands
    gained = report["portfolio"]["revenue_at_risk_13w"] - before["portfolio"]["revenue_at_risk_13w"]
    assert gained == pytest.approx(biggest["revenue_13w"], abs=0.02)
    assert review["portfolio"]["revenue_at_risk_13w"] == report["portfolio"]["revenue_at_risk_13w"]

    cleared = run_cli("--db", db, "override", biggest["buyer_id"], "--clear")
    assert cleared.exit_code == 0, cleared.output
    after = _json("--db", db, "report", "--format", "json", "--no-explain")
    assert after["portfolio"] == before["portfolio"]


def _accept_first(db: Path, weeks_ago: int = 0) -> dict:
    """Record the first queued account's first suggestion as the console's accept does
    (``weeks_ago``: in an earlier week's review, due that week)."""
    first = _review(db)["queue"][0]
    s = first["suggestions"][0]
    week = week_of(date.fromisoformat(_review(db)["week"])) - weeks_ago
    due = date.fromisoformat(s["due_on"]) - timedelta(days=7 * weeks_ago)
    suggestion = Suggestion(
        first["buyer_id"], s["reason_key"], s["action"], s["message"], tuple(s["signals"]), due
    )
    handle = open_db(db)
    try:
        task_id, _ = store.upsert(handle, suggestion, "alice", week)
    finally:
        handle.close()
    return {"id": task_id, "buyer_id": first["buyer_id"]}


def _tasks(db: Path, *extra: str) -> list[dict]:
    return _json("--db", str(db), "interventions", "list", "--format", "json", *extra)[
        "interventions"
    ]


def test_a_task_moves_to_done_with_an_outcome_and_stays_done(db_copy: Path) -> None:
    task = _accept_first(db_copy)
    db = str(db_copy)
    [listed] = _tasks(db_copy)
    assert (listed["id"], listed["status"], listed["overdue"]) == (task["id"], "open", False)

    moved = run_cli("--db", db, "interventions", "set", str(task["id"]), "--status", "in_progress")
    assert moved.exit_code == 0 and "in progress" in moved.output
    refused = run_cli("--db", db, "interventions", "set", str(task["id"]), "--status", "done")
    assert refused.exit_code == 1 and "outcome note" in refused.output
    assert _tasks(db_copy)[0]["status"] == "in_progress"  # refused: nothing changed

    done = run_cli(
        "--db", db, "interventions", "set", str(task["id"]), "--status", "done",
        "--note", "[b]They[/b] doubled the cap",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    [row] = _tasks(db_copy, "--status", "done")
    assert row["note"] == "[b]They[/b] doubled the cap"
    table = run_cli("--db", db, "interventions", "list")
    assert "[b]They[/b] doubled the cap" in table.output  # markup shown literally
    reopen = run_cli("--db", db, "interventions", "set", str(task["id"]), "--status", "open")
    assert reopen.exit_code == 1 and "not reopened" in reopen.output
    assert "Traceback" not in reopen.output


def test_an_open_task_past_its_due_date_is_overdue_and_queues_its_account(
    db_copy: Path,
) -> None:
    task = _accept_first(db_copy, weeks_ago=1)
    last_week = (date.fromisoformat(_review(db_copy)["week"]) - timedelta(days=7)).isoformat()
    assert [t["overdue"] for t in _tasks(db_copy, "--week", last_week)] == [False]
    assert [t["overdue"] for t in _tasks(db_copy) if t["id"] == task["id"]] == [True]
    queued = _review(db_copy)["queue"]
    reasons = next(q["reasons"] for q in queued if q["buyer_id"] == task["buyer_id"])
    assert any(r["code"] == "task_overdue" for r in reasons)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["interventions", "set", "999", "--status", "open"], "no intervention #999"),
        (["interventions", "set", "1"], "nothing to change"),
        (["interventions", "set", "1", "--due", "2020-01-01"], "before the week"),
        (["interventions", "set", "1", "--owner", "a;b"], "may contain only"),
        (["interventions", "list", "--owner", "a;b"], "may contain only"),
        (["review", "--week", "2026-13-01"], "is not a date"),
        (["review", "--owner", ""], "owner is empty"),
        (["review", "--reason", "bogus"], "--reason 'bogus' is not one of: at_risk"),
        (["override", "B001", "--health", "50", "--reason", "x", "--until", "2020-01-01"],
         "expiry 2020-01-01 is before the week"),
        (["override", "NOPE", "--health", "50", "--reason", "x", "--until", "2026-12-31"],
         "no buyer 'NOPE'"),
        (["override", "B001", "--health", "101", "--reason", "x", "--until", "2026-12-31"],
         "0 to 100"),
        (["override", "B001", "--health", "50", "--until", "2026-12-31"], "give --health"),
        (["override", "B001", "--clear"], "no override in force"),
    ],
)  # fmt: skip
def test_bad_input_exits_1_and_changes_nothing(
    db_copy: Path, args: list[str], message: str
) -> None:
    _accept_first(db_copy)
    before = _state(db_copy)
    result = run_cli("--db", str(db_copy), *args)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert _state(db_copy) == before


def _state(path: Path) -> list[list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("interventions", "intervention_notes", "overrides", "audit")
        ]
    finally:
        conn.close()


def _buyer(db: Path, buyer_id: str) -> dict:
    return _json("--db", str(db), "explain", buyer_id, "--format", "json")


def test_a_logged_check_in_clears_the_overdue_check_in(
    db_copy: Path, sample_report: Report
) -> None:
    overdue = next(
        b for b in sample_report.buyers if any(w["code"] == "checkin_overdue" for w in b.warnings)
    )
    db = str(db_copy)
    day = date.fromisoformat(sample_report.week) + timedelta(days=3)
    logged = run_cli(
        "--db", db, "log", overdue.buyer_id, "--kind", "check_in", "--channel", "call",
        "--at", f"{day.isoformat()}T10:00:00", "--note", "[b]90-day[/b] call done",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    after = _buyer(db_copy, overdue.buyer_id)
    assert "checkin_overdue" not in {w["code"] for w in after["warnings"]}
    queued = {q["buyer_id"]: q for q in _review(db_copy)["queue"]}
    if overdue.buyer_id in queued:
        assert all(r["code"] != "checkin_overdue" for r in queued[overdue.buyer_id]["reasons"])
    undo = run_cli("--db", db, "imports")
    assert f"check_in with {overdue.buyer_id}" in undo.output


def test_a_confirmed_incident_raises_trust(db_copy: Path) -> None:
    conn = sqlite3.connect(db_copy)
    incident_id, buyer_id = conn.execute(
        "SELECT incident_id, buyer_id FROM incidents WHERE resolved_at <> ''"
        " AND (confirmed_at IS NULL OR confirmed_at = '') ORDER BY resolved_at DESC LIMIT 1"
    ).fetchone()
    resolved = conn.execute(
        "SELECT resolved_at FROM incidents WHERE incident_id = ?", (incident_id,)
    ).fetchone()[0]
    conn.close()
    before = _buyer(db_copy, buyer_id)["trust"]
    confirmed_at = (date.fromisoformat(resolved[:10]) + timedelta(days=1)).isoformat()
    done = run_cli("--db", str(db_copy), "confirm", incident_id, "--confirmed-at", confirmed_at)
    assert done.exit_code == 0, done.output
    after = _buyer(db_copy, buyer_id)["trust"]
    assert after["incidents"] == before["incidents"] - 1 and after["level"] > before["level"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "NOPE", "--kind", "check_in", "--channel", "call", "--at", "2026-11-18"],
         "--buyer-id 'NOPE': names an unknown buyer"),
        (["log", "B001", "--kind", "gossip", "--channel", "call", "--at", "2026-11-18"],
         "--kind 'gossip': must be one of"),
        (["log", "B001", "--kind", "check_in", "--channel", "call", "--at", "2026-02-30"],
         "--at '2026-02-30'"),
        (["log", "B001", "--kind", "check_in", "--channel", "call", "--at", "2027-03-01"],
         "is after the data"),
        (["confirm", "NOPE", "--confirmed-at", "2026-11-18"], "no incident 'NOPE'"),
    ],
)  # fmt: skip
def test_bad_log_entries_exit_1_and_change_nothing(
    db_copy: Path, args: list[str], message: str
) -> None:
    before = (
        _state(db_copy),
        sqlite3.connect(db_copy).execute("SELECT COUNT(*) FROM touchpoints").fetchone(),
    )
    result = run_cli("--db", str(db_copy), *args)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    after = (
        _state(db_copy),
        sqlite3.connect(db_copy).execute("SELECT COUNT(*) FROM touchpoints").fetchone(),
    )
    assert after == before


def test_digest_agrees_with_report_and_review(sample_path: Path, tmp_path: Path) -> None:
    db = str(sample_path)
    report = _json("--db", db, "report", "--format", "json", "--no-explain")
    review = _review(sample_path)
    out = tmp_path / "monday.md"
    wrote = run_cli("--db", db, "digest", "-o", str(out))
    assert wrote.exit_code == 0, wrote.output
    text = out.read_text(encoding="utf-8")
    bands = report["portfolio"]["bands"]
    assert (
        f"- {report['portfolio']['buyers']} buyers: healthy {bands['healthy']},"
        f" watch {bands['watch']}, at risk {bands['at_risk']}"
    ) in text
    assert f"{report['portfolio']['revenue_at_risk_13w']:,.0f}" in text
    assert f"## The review queue ({review['queued']})" in text
    spots = [text.index(f"({q['buyer_id']}, ") for q in review["queue"]]
    assert spots == sorted(spots)  # the queue's own order
    assert "## Concentration (" in text
    again = run_cli("--db", db, "digest", "-o", str(out))
    assert again.exit_code == 1 and "--force" in again.output
    mine = run_cli("--db", db, "digest", "--owner", "dana").stdout
    queued = [q for q in review["queue"] if q["owner"] == "dana"]
    assert f"## The review queue ({len(queued)})" in mine


def test_a_late_reply_queues_the_account_and_shows_in_the_figures(
    db_copy: Path, sample_report: Report
) -> None:
    quiet = next(
        b
        for b in sorted(sample_report.buyers, key=lambda b: -b.health)
        if b.buyer_id not in {q["buyer_id"] for q in _review(db_copy)["queue"]}
    )
    before = _review(db_copy)["responsiveness"]["urgent_quality"]["late"]
    asked = date.fromisoformat(sample_report.week) + timedelta(days=1)
    logged = run_cli(
        "--db", str(db_copy), "log", quiet.buyer_id, "--kind", "request", "--channel", "email",
        "--direction", "inbound", "--request-type", "urgent_quality",
        "--at", f"{asked}T09:00:00", "--replied-at", f"{asked}T19:00:00",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    review = _review(db_copy)
    assert review["responsiveness"]["urgent_quality"]["late"] == before + 1
    [item] = [q for q in review["queue"] if q["buyer_id"] == quiet.buyer_id]
    [reason] = [r for r in item["reasons"] if r["code"] == "reply_late"]
    assert "answered in 10 h (acceptable: 4 h)" in reason["text"]
    digest = run_cli("--db", str(db_copy), "digest").stdout
    assert "## Our late replies (1)" in digest and "answered in 10 h" in digest


def test_follow_through_compares_accounts_acted_on_with_the_rest(db_copy: Path) -> None:
    last = date.fromisoformat(_review(db_copy)["week"]) - timedelta(days=7)
    earlier = _review(db_copy, "--week", last.isoformat())["queue"]
    acted, left = earlier[0]["buyer_id"], earlier[1]["buyer_id"]
    handle = open_db(db_copy)
    try:
        store.record_review(handle, week_of(last), acted, "accepted")
        store.record_review(handle, week_of(last), left, "reviewed")
    finally:
        handle.close()
    then = {b["buyer_id"]: b["health"] for b in _json(
        "--db", str(db_copy), "report", "--format", "json", "--no-explain", "--week", str(last)
    )["buyers"]}  # fmt: skip
    now = {b["buyer_id"]: b["health"] for b in _json(
        "--db", str(db_copy), "report", "--format", "json", "--no-explain"
    )["buyers"]}  # fmt: skip
    summary = _review(db_copy)["follow_through"]
    assert summary["acted"] == {
        "accounts": 1, "mean_health_change": float(now[acted] - then[acted])
    }  # fmt: skip
    assert summary["not_acted"] == {
        "accounts": 1, "mean_health_change": float(now[left] - then[left])
    }  # fmt: skip
    digest = run_cli("--db", str(db_copy), "digest").stdout
    assert (
        "## Follow-through" in digest and "Acted on (intervention accepted): 1 accounts" in digest
    )


def test_an_overdue_task_is_marked_in_the_portfolio_and_account(db_copy: Path) -> None:
    from healthdesk.store import views
    from healthdesk.ui.screens.account_text import headline
    from healthdesk.ui.screens.portfolio import _columns

    task = _accept_first(db_copy, weeks_ago=1)
    week = week_of(date.fromisoformat(_review(db_copy)["week"]))
    conn = views.connect(db_copy)
    try:
        now = {r.buyer_id: r for r in views.portfolio(conn, week)}[task["buyer_id"]]
        then = {r.buyer_id: r for r in views.portfolio(conn, week - 1)}[task["buyer_id"]]
    finally:
        conn.close()
    assert (now.interventions, now.overdue) == (1, 1)
    assert (then.interventions, then.overdue) == (1, 0)  # not yet due that week
    column = next(c for c in _columns() if c.key == "interventions")
    assert column.cell(now)[0] == "1!" and column.cell(then)[0] == "1"
    assert "open interventions 1 (1 overdue)" in headline(now).plain
    assert "overdue" not in headline(then).plain
