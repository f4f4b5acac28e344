"""The console speaks the active config: its lines, bands and keys, not the defaults."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Input
from ui_support import OWNER, lines, settle, text

from healthdesk import engine
from healthdesk.config import Bands, Concentration, Config, ConfigError, Payment
from healthdesk.domain.bands import band_of
from healthdesk.domain.scoring import COMPONENTS
from healthdesk.store.db import open_db
from healthdesk.store.records import Invoice
from healthdesk.ui import format as fmt
from healthdesk.ui.app import make_app
from healthdesk.ui.dialogs.help import HelpScreen
from healthdesk.ui.keymap import binding_ids
from healthdesk.ui.screens import account_text
from healthdesk.ui.screens.account import AccountScreen
from healthdesk.ui.screens.concentration import ConcentrationScreen
from healthdesk.ui.widgets.keybar import KeyBar
from healthdesk.ui.widgets.table import VirtualTable

CONFIG = Config(
    owner=OWNER,
    concentration=Concentration(warn=0.10, alert=0.15),
    bands=Bands(healthy=80, watch=50, warning_cap=79),
    payment=Payment(late_days=30),
)


@pytest.fixture(scope="module")
def configured_db(portfolio_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The console's sample scored with ``CONFIG``, as the CLI rescores before opening."""
    path = tmp_path_factory.mktemp("configured") / "portfolio.db"
    shutil.copy(portfolio_db, path)
    db = open_db(path)
    try:
        engine.rescore(db, CONFIG)
        db.conn.commit()
    finally:
        db.close()
    return path


def style_at(content: Content, index: int) -> str:
    """The styles of ``content``'s spans covering character ``index``."""
    return " ".join(str(s.style) for s in content.spans if s.start <= index < s.end)


async def test_screens_show_the_configured_lines_and_bands(configured_db: Path) -> None:
    app = make_app(db=configured_db, config=CONFIG)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        data = app.data
        assert data is not None
        header = text(pilot, "#summary")
        if any(r.concentration == "alert" for r in data.rows):
            assert "over 15%" in header
        assert "over 25%" not in header and "over 20%" not in header
        await pilot.press("c")
        assert isinstance(app.screen, ConcentrationScreen)
        assert "┆10%  ┃15%" in lines(app.screen.query_one("#shares", VirtualTable))[0]
        summary = text(pilot, "#concentration-summary")
        assert "over 10% " in summary and "over 15% " in summary
        over = sum(r.revenue_share > 0.10 for r in data.rows)
        assert f"over 10% {over}" in summary
        await pilot.press("escape")

        # A component between the configured and the default lines takes the configured tone.
        checked = 0
        for row in data.rows[:20]:
            app.open_account(row.buyer_id)
            await settle(pilot)
            assert isinstance(app.screen, AccountScreen)
            shown = app.screen.query_one("#components").content
            start = 0
            for part in shown.plain.splitlines(keepends=True):
                start, offset = start + len(part), start
                name, _, rest = part.partition(" ")
                score = rest.strip().split(" ")[0]
                if name not in COMPONENTS or not score.isdigit():
                    continue
                index = offset + part.index(score, len(name))
                tone = fmt.TONE_STYLE[fmt.BAND_TONE[band_of(int(score), CONFIG.bands)]]
                assert tone in style_at(shown, index), part
                checked += 40 <= int(score) < 50 or 70 <= int(score) < 80
            await pilot.press("escape")
            if checked:
                break
        assert checked, "no component score fell between the configured and the default bands"


def test_an_invoice_is_red_only_past_the_configured_late_days() -> None:
    def invoice(late: int) -> Invoice:
        return Invoice("INV-1", "2026-01-01", "2026-01-16", 15, 100.0, "2026-02-01", late)

    shown = account_text.invoices([invoice(20), invoice(31)], late_days=30)
    rows = shown.plain.split("\n")
    for late, tone in ((20, "warn"), (31, "bad")):
        [row] = [r for r in rows if f"+{late}d" in r]
        index = shown.plain.index(row) + row.index(f"+{late}d")
        assert fmt.TONE_STYLE[tone] in style_at(shown, index)


async def test_a_remapped_key_works_and_shows_in_help_and_the_key_bar(portfolio_db: Path) -> None:
    config = Config(owner=OWNER, keys=(("app.help", "f1"), ("portfolio.filter", "f")))
    app = make_app(db=portfolio_db, config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        total = len(table.rows)
        await pilot.press("slash")  # the old key no longer opens the filter
        assert table.has_focus
        await pilot.press("f")
        assert isinstance(app.focused, Input)
        await pilot.press(*"medicare")
        assert 0 < len(table.rows) < total
        await pilot.press("enter", "escape")
        assert len(table.rows) == total
        assert " f Filter" in str(app.screen.query_one(KeyBar).content)
        await pilot.press("question_mark")  # help moved to f1
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = text(pilot, "#help-text").splitlines()
        assert any(line.split() == ["f", "Filter"] for line in shown), shown
        assert not any(line.startswith("/ ") for line in shown)


def test_a_bad_keys_table_stops_the_console_before_it_opens(portfolio_db: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape('keys."portfolio.fitler"')):
        make_app(db=portfolio_db, config=Config(keys=(("portfolio.fitler", "f"),)))


def test_the_readme_lists_every_binding_id() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [i for i in sorted(binding_ids()) if f"`{i}`" not in section and "pick_" not in i]
    assert missing == []
