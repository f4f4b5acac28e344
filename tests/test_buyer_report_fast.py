"""One buyer's explanation read from that buyer's rows plus the stored portfolio
revenue is the very report scoring the whole week gives, field for field.

The oracle is ``engine.report``, which scores every buyer of the week in memory.
``engine.snapshot`` (the whole-week path) is made to fail while the fast path runs,
so a test cannot pass by quietly falling back to it.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlite_utils import Database

from healthdesk import engine
from healthdesk.config import Config
from healthdesk.domain.weeks import monday
from healthdesk.store import activity
from healthdesk.store import interventions as overrides
from healthdesk.store import ledger as ledger_store
from tests.test_interventions_support import (  # noqa: F401 - fixtures
    db,
    db_copy,
    sample_path,
)


def _no_whole_week(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("buyer_report scored the whole week")

    monkeypatch.setattr(engine, "snapshot", refuse)


def _weeks(db: Database) -> list[int]:
    """The first week (no week before it), an early one (less history than the windows
    read), a mid-history one and the last two."""
    first, last = ledger_store.week_span(db)
    return [first, first + 5, (first + last) // 2, last - 1, last]


def _assert_fast_equals_full(
    db: Database, config: Config, weeks: list[int], monkeypatch: pytest.MonkeyPatch
) -> int:
    expected = {week: engine.report(db, config, week).buyers for week in weeks}
    with monkeypatch.context() as patch:
        _no_whole_week(patch)
        compared = 0
        for week, buyers in expected.items():
            for full in buyers:
                assert engine.buyer_report(db, config, full.buyer_id, week) == full
                compared += 1
    return compared


def test_every_buyer_every_week_matches_the_whole_week_report(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared = _assert_fast_equals_full(db, Config(), _weeks(db), monkeypatch)
    assert compared > 200


def test_unknown_or_unlisted_buyer_raises_key_error(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _weeks(db)[0]
    listed = {b.buyer_id for b in engine.report(db, Config(), first).buyers}
    later = next(b.buyer_id for b in ledger_store.buyers(db) if b.buyer_id not in listed)
    _no_whole_week(monkeypatch)
    with pytest.raises(KeyError):
        engine.buyer_report(db, Config(), "NO-SUCH-BUYER")
    with pytest.raises(KeyError):
        engine.buyer_report(db, Config(), later, first)


def test_override_is_applied_on_the_fast_path(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    week = engine.latest_week(db)
    target = engine.report(db, Config(), week).buyers[0]
    overrides.set_override(
        db, target.buyer_id, 88, "agreed pause", monday(week) + timedelta(days=20), week
    )
    full = next(
        b for b in engine.report(db, Config(), week).buyers if b.buyer_id == target.buyer_id
    )
    _no_whole_week(monkeypatch)
    fast = engine.buyer_report(db, Config(), target.buyer_id, week)
    assert fast == full
    assert fast.health == 88
    assert fast.override is not None and fast.override["computed_health"] == target.health


def test_revenue_in_cents_matches_exactly(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cents are not exact in binary, so window sums differ in their last bits with the
    week the history starts from; the share must still be the whole week's, bit for bit."""
    with db.atomic():
        db.execute("UPDATE deliveries SET revenue = revenue + 0.01 * (rowid % 97)")
        activity.refresh(db, -(10**9))
    engine.rescore(db, Config())
    _assert_fast_equals_full(db, Config(), _weeks(db)[2:], monkeypatch)


def test_scores_stored_with_another_config_are_not_trusted(db: Database) -> None:
    """Stored revenue is 13-week revenue; with an 8-week window only the whole-week
    path knows the portfolio's total, so the stale scores must not be used."""
    config = Config()
    config = dataclasses.replace(
        config, concentration=dataclasses.replace(config.concentration, window_weeks=8)
    )
    week = engine.latest_week(db)
    for full in engine.report(db, config, week).buyers:
        assert engine.buyer_report(db, config, full.buyer_id, week) == full


def test_data_changed_since_scoring_falls_back_to_the_whole_week(db: Database) -> None:
    week = engine.latest_week(db)
    listed = {b.buyer_id for b in engine.report(db, Config(), week).buyers}
    buyer = next(
        b
        for (b,) in db.execute(
            "SELECT buyer_id FROM deliveries WHERE week = ? AND revenue > 0", (week,)
        )
        if b in listed
    )
    with db.atomic():
        db.execute(
            "UPDATE deliveries SET revenue = revenue * 3 WHERE buyer_id = ? AND week = ?",
            (buyer, week),
        )
        activity.refresh(db, week)
    full = next(b for b in engine.report(db, Config(), week).buyers if b.buyer_id == buyer)
    assert engine.buyer_report(db, Config(), buyer, week) == full
