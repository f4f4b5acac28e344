"""Tasks that end, from the console: `t` moves the selected task along (an empty outcome
is refused in the dialog and nothing is written), Enter opens the account and Esc comes
back to the same place; a status set with the CLI shows in the console and the reverse."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from test_interventions_support import db_copy, run_cli, sample_path  # noqa: F401  (fixtures)
from test_review import SIZE, open_review, rows, settle, submit
from textual.widgets import Select

from healthdesk.config import Config
from healthdesk.ui.app import make_app
from healthdesk.ui.dialogs import review_forms as forms
from healthdesk.ui.screens.account import AccountScreen
from healthdesk.ui.screens.review import ReviewScreen
from healthdesk.ui.screens.review_detail import entry_blocks


async def test_t_ends_a_task_with_an_outcome_and_the_cli_sees_it(db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("a")  # accept the first account's first suggestion
        await settle(pilot)
        target = screen.entry.target()
        assert target is not None and target["status"] == "open"

        await pilot.press("t")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, forms.StatusDialog)
        dialog.query_one("#status", Select).value = "done"
        refused = await submit(pilot, forms.StatusDialog, note="   ")
        assert "outcome note" in refused.error
        assert rows(db_copy, "SELECT status FROM interventions")[0]["status"] == "open"
        await submit(pilot, forms.StatusDialog, note="[red]Booked[/red] a call for Thursday")
        assert isinstance(pilot.app.screen, ReviewScreen)
        [row] = rows(db_copy, "SELECT status, opened_health, closed_health FROM interventions")
        health = screen.entry.buyer.health
        assert row == {"status": "done", "opened_health": health, "closed_health": health}

    listed = run_cli("--db", str(db_copy), "interventions", "list", "--status", "done")
    assert listed.exit_code == 0
    assert "[red]Booked[/red] a call for Thursday" in listed.output


async def test_a_status_set_with_the_cli_shows_in_the_console(db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("a")
        await settle(pilot)
        task_id = screen.entry.target()["id"]
    moved = run_cli(
        "--db", str(db_copy), "interventions", "set", str(task_id), "--status", "in_progress"
    )
    assert moved.exit_code == 0, moved.output
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        entry = screen.entries[screen.current]
        while not entry.interventions:  # the accepted account, wherever the queue put it
            await pilot.press("j")
            await settle(pilot)
            entry = screen.entries[screen.current]
        assert [i["status"] for i in entry.interventions] == ["in_progress"]
        shown = "".join(str(b[1]) for b in entry_blocks(entry))
        assert f"#{task_id} in progress" in shown


async def test_enter_opens_the_account_and_esc_returns_to_the_same_place(db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        here = screen.current
        buyer = screen.entry.buyer.buyer_id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AccountScreen)
        assert pilot.app.screen.buyer_id == buyer
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen and screen.current == here == 2


async def test_console_counts_agree_with_report_after_a_cli_override(db_copy: Path) -> None:
    import json

    from ui_support import text

    db = str(db_copy)
    report = json.loads(run_cli("--db", db, "report", "--format", "json", "--no-explain").stdout)
    big = max(report["buyers"], key=lambda b: b["revenue_share"])
    args = ["--health", "20", "--reason", "moving to a competitor", "--until", "2026-12-31"]
    assert run_cli("--db", db, "override", big["buyer_id"], *args).exit_code == 0
    after = json.loads(run_cli("--db", db, "report", "--format", "json", "--no-explain").stdout)
    p = after["portfolio"]
    app = make_app(db_copy, Config())
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        shown = text(pilot, "#summary")
        bands = p["bands"]
        assert (
            f"healthy {bands['healthy']}  watch {bands['watch']}  at risk {bands['at_risk']}"
            f" ({p['revenue_at_risk_13w']:,.0f})  NRR {p['net_revenue_retention']:.0%}"
        ) in shown
        assert app.data.rows[0].buyer_id == after["buyers"][0]["buyer_id"] == big["buyer_id"]


async def test_a_write_in_the_review_shows_in_the_portfolio_without_a_restart(
    db_copy: Path,
) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        buyer = screen.entry.buyer.buyer_id
        before = next(r for r in app.data.rows if r.buyer_id == buyer)
        assert before.override is None and before.interventions == 0
        await pilot.press("a")  # an intervention for the account
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await submit(pilot, forms.OverrideDialog, health="97", reason="settled on the phone")
        await pilot.press("escape")  # back to the portfolio
        await settle(pilot)
        after = next(r for r in app.data.rows if r.buyer_id == buyer)
        assert after.health == 97 and after.override is not None and after.interventions == 1
        table = pilot.app.screen.query_one("#buyers")
        assert any(r.buyer_id == buyer and r.health == 97 for r in table.rows)


async def test_l_logs_a_check_in_and_the_account_is_rescored(db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        overdue = [
            i
            for i, e in enumerate(screen.entries)
            if any(w["code"] == "checkin_overdue" for w in e.buyer.warnings)
        ]
        assert overdue, "the sample has an account with an overdue check-in"
        await pilot.press(*["j"] * overdue[0])
        await settle(pilot)
        entry = screen.entry
        touchpoints = len(rows(db_copy, "SELECT 1 FROM touchpoints"))
        await pilot.press("l")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, forms.LogDialog)
        late = (dialog.last_day + timedelta(days=1)).isoformat()
        refused = await submit(pilot, forms.LogDialog, at=late)
        assert "after the data's last day" in refused.error
        await submit(pilot, forms.LogDialog, at=dialog.last_day.isoformat(),
                     note="[b]90-day[/b] call")  # fmt: skip
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert len(rows(db_copy, "SELECT 1 FROM touchpoints")) == touchpoints + 1
        assert rows(db_copy, "SELECT note FROM touchpoints ORDER BY rowid DESC LIMIT 1") == [
            {"note": "[b]90-day[/b] call"}
        ]
        assert screen.entry is entry
        assert "checkin_overdue" not in {w["code"] for w in entry.buyer.warnings}


async def test_v_confirms_an_incident_fix_from_the_incident_log(db_copy: Path) -> None:
    from healthdesk.ui.screens.incidents import IncidentsScreen

    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, IncidentsScreen)
        target = next(i for i in screen.incidents if i.status == "unconfirmed")
        assert screen.table.move_to(target.incident_id)
        await pilot.press("v")
        await settle(pilot)
        refused = await submit(pilot, forms.ConfirmDialog, confirmed_at="2999-01-01")
        assert "after the data's last day" in refused.error
        day = pilot.app.screen.last_day.isoformat()
        await submit(pilot, forms.ConfirmDialog, confirmed_at=day)
        await settle(pilot)
        assert rows(db_copy, "SELECT confirmed_at FROM incidents WHERE incident_id = ?",
                    (target.incident_id,))[0]["confirmed_at"].startswith(day)  # fmt: skip
        assert next(i for i in screen.incidents if i.incident_id == target.incident_id).status == (
            "confirmed"
        )


async def test_the_summary_shows_how_acted_on_accounts_moved(db_copy: Path) -> None:
    from healthdesk.store import interventions as store
    from healthdesk.store.db import open_db
    from healthdesk.ui.screens.review_summary import ReviewSummary

    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        week, buyer = screen.week, screen.entries[0].buyer.buyer_id
        db = open_db(db_copy)
        try:
            store.record_review(db, week - 1, buyer, "accepted")
        finally:
            db.close()
        await pilot.press("f")
        await settle(pilot)
        summary = pilot.app.screen
        assert isinstance(summary, ReviewSummary) and summary.summary is not None
        follow = summary.summary.follow_through
        assert follow is not None and follow["acted"]["accounts"] == 1
        assert follow["not_acted"]["accounts"] == 0
        shown = str(summary.query_one("#summary-body").content)
        assert "Follow-through (earlier reviews)" in shown and "acted on 1:" in shown


async def test_m_and_g_filter_the_queue_by_owner_and_reason(db_copy: Path) -> None:
    app = make_app(db_copy, Config(owner="dana"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        everyone = [e.buyer.buyer_id for e in screen.entries]
        await pilot.press("m")
        await settle(pilot)
        mine = screen.entries
        assert mine and len(mine) < len(everyone)
        assert all(e.buyer.owner == app.owner for e in mine)
        assert f"owner {app.owner}" in str(screen.query_one("#review-progress").content)
        await pilot.press("m")  # everyone again
        await settle(pilot)
        assert [e.buyer.buyer_id for e in screen.entries] == everyone
        while screen.reason != "volume_decline":
            await pilot.press("g")
            await settle(pilot)
        assert screen.entries and all(
            any(w["code"] == "volume_decline" for w in e.buyer.warnings) for e in screen.entries
        )
        assert [e.buyer.buyer_id for e in screen.entries] == [
            b for b in everyone if b in {e.buyer.buyer_id for e in screen.entries}
        ]  # the queue's own order


async def test_y_shows_our_reply_times_as_report_counts_them(db_copy: Path) -> None:
    import json
    from datetime import date

    from healthdesk.ui.screens.replies import RepliesScreen

    db = str(db_copy)
    report = json.loads(run_cli("--db", db, "report", "--format", "json", "--no-explain").stdout)
    quiet = report["buyers"][-1]
    asked = date.fromisoformat(report["week"]) + timedelta(days=1)
    logged = run_cli(
        "--db", db, "log", quiet["buyer_id"], "--kind", "request", "--channel", "email",
        "--direction", "inbound", "--request-type", "billing",
        "--at", f"{asked}T09:00:00", "--replied-at", f"{asked + timedelta(days=2)}T09:00:00",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    after = json.loads(run_cli("--db", db, "report", "--format", "json", "--no-explain").stdout)
    billing = after["portfolio"]["responsiveness"]["billing"]
    assert billing["late"] == 1
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RepliesScreen)
        shown = str(pilot.app.screen.query_one("#replies-body").content)
        row = f"{'billing':<16}" + "".join(f"{billing[g]:>12}" for g in billing)
        assert row in shown
        assert "Late (1)" in shown and f"{quiet['name']}" in shown
        assert "answered in 48 h (acceptable: 24 h)" in shown
