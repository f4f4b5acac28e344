"""Weekly review on the real app: picking one of an account's suggestions (tab, shift+tab,
1–9) makes accept and every edit act on that one, and a health override shows as a
person's number (✎, with the model's beside it) in the queue, the panel and the summary."""

from __future__ import annotations

from pathlib import Path

from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)
from test_review import SIZE, open_review, rows, settle, submit
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from healthdesk.config import Config
from healthdesk.domain.weeks import monday
from healthdesk.ui.app import make_app
from healthdesk.ui.dialogs import review_forms as forms
from healthdesk.ui.screens.review import ReviewScreen
from healthdesk.ui.screens.review_summary import ReviewSummary


def panel(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-buyer").content)


def stored(db_path: Path, buyer_id: str) -> dict[str, dict]:
    """The buyer's interventions by reason family."""
    found = rows(db_path, "SELECT * FROM interventions WHERE buyer_id = ?", (buyer_id,))
    return {r["reason_key"]: r for r in found}


async def to_account_with_two_suggestions(pilot: Pilot, screen: ReviewScreen) -> None:
    index = next(i for i, e in enumerate(screen.entries) if len(e.suggestions) >= 2)
    for _ in range(index - screen.current):
        await pilot.press("j")
    assert screen.current == index


async def test_accept_and_edits_act_on_the_selected_suggestion_only(db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await to_account_with_two_suggestions(pilot, screen)
        entry = screen.entry
        buyer = entry.buyer.buyer_id
        first, second = (s.reason_key for s in entry.suggestions[:2])
        assert entry.selected == 0 and "▶ 1 " in panel(screen)

        await pilot.press("tab")
        assert entry.selected == 1
        assert "▶ 2 " in panel(screen) and "▶ 1 " not in panel(screen)
        await pilot.press("a")
        await settle(pilot)
        assert set(stored(db_copy, buyer)) == {second}  # only the selected one is accepted
        assert screen.entry.outcome == "accepted"

        await pilot.press("o")
        await pilot.pause()
        await submit(pilot, forms.OwnerDialog, owner="bob")
        await pilot.press("n")
        await submit(pilot, forms.NoteDialog, note="asked for the [b]new[/b] buyer contact")
        assert stored(db_copy, buyer)[second]["owner"] == "bob"

        await pilot.press("shift+tab")  # back to the first: not accepted, so no edit dialog
        assert entry.selected == 0
        await pilot.press("o")
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("a")
        await settle(pilot)
        both = stored(db_copy, buyer)
        assert set(both) == {first, second} and both[first]["owner"] != "bob"

        due = monday(screen.week).isoformat()
        await pilot.press("d")
        await submit(pilot, forms.DueDialog, due=due)
        await pilot.press("c")
        await submit(pilot, forms.ActionDialog, action="executive engagement")
        after = stored(db_copy, buyer)
        assert (after[first]["due_on"], after[first]["action"]) == (due, "executive engagement")
        assert (after[second]["due_on"], after[second]["action"]) == (
            both[second]["due_on"],
            both[second]["action"],
        )
        assert after[second]["owner"] == "bob"

        notes = rows(db_copy, "SELECT intervention_id, text FROM intervention_notes")
        assert notes == [
            {
                "intervention_id": after[second]["id"],
                "text": "asked for the [b]new[/b] buyer contact",
            }
        ]
        assert "asked for the [b]new[/b] buyer contact" in panel(screen)


async def test_number_keys_pick_a_suggestion_and_ignore_missing_ones(db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await to_account_with_two_suggestions(pilot, screen)
        count = len(screen.entry.slots())
        await pilot.press(str(count))
        assert screen.entry.selected == count - 1 and f"▶ {count} " in panel(screen)
        await pilot.press("9" if count < 9 else "1")
        assert screen.entry.selected == (count - 1 if count < 9 else 0)
        await pilot.press("tab")  # wraps round to the first
        assert screen.entry.selected == 0
        await pilot.press("j", "k")  # the selection belongs to the account
        assert screen.entry.selected == 0


async def test_override_shows_as_a_persons_number_in_queue_panel_and_summary(
    db_copy: Path,
) -> None:
    reason = "Paid by phone; [red]new contract[/red] next week"
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        computed = screen.entry.buyer.health
        assert "✎" not in panel(screen)
        await pilot.press("h")
        await pilot.pause()
        expires = pilot.app.screen.query_one("#expires", Input).value
        await submit(pilot, forms.OverrideDialog, health="88", reason=reason)
        for _ in range(20):  # the save re-scores the buyer in a worker
            if screen.entry.buyer.override:
                break
            await settle(pilot)
        text = panel(screen)
        assert f"health ✎ 88 (computed {computed})" in text
        assert f"set by a person until {expires}" in text and reason in text
        queue = screen.query_one("#review-queue", OptionList)
        assert " 88✎ " in str(queue.get_option_at_index(screen.current).prompt)

        await pilot.press("f")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewSummary)
        summary = str(pilot.app.screen.query_one("#summary-body").content)
        assert f"✎ 88 (computed {computed}) until {expires}: {reason}" in summary
        assert "health overrides set 1" in summary

    again = make_app(db_copy, Config())  # a new session reads the override with the queue
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        entry = next(e for e in screen.entries if e.buyer.override)
        assert entry.buyer.health == 88
        index = screen.entries.index(entry)
        queue = screen.query_one("#review-queue", OptionList)
        assert " 88✎ " in str(queue.get_option_at_index(index).prompt)
