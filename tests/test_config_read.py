"""Every config key ``healthdesk config`` prints is read: change one and what it
governs changes.

The walk over ``Config``'s fields is complete by construction: a new field fails
``test_every_config_key_is_checked`` until it is listed below with a value that shows
it at work, and a key scoring stops reading fails its behavioural check. Each value
goes through a real TOML file and ``load_config``, so it is also a valid setting.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from healthdesk import engine, foresight, weekly_review
from healthdesk.config import Config, _toml_value, load_config
from healthdesk.domain.scoring import Scorer
from healthdesk.domain.weeks import week_of
from healthdesk.foresight_command import backtest_json
from healthdesk.ingest.importer import import_folder
from healthdesk.logbook import log_touchpoint
from healthdesk.store.db import open_db
from healthdesk.store.interventions import record_review
from tests.helpers import make_ledger

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

REPORT: dict[str, object] = {
    "weights.rhythm": 0.15,
    "weights.volume": 0.075,
    "weights.payment": 0.125,
    "weights.returns": 0.025,
    "weights.engagement": 0.075,
    "weights.satisfaction": 0.025,
    "weights.expansion": 0.025,
    "bands.healthy": 60,
    "bands.watch": 20,
    "bands.warning_cap": 34,
    "bands.warning_step": 1,
    "bands.cap_floor": 0.25,
    "rhythm.half_life_weeks": 13.0,
    "rhythm.prior_active": 0.25,
    "rhythm.prior_idle": 1.0,
    "rhythm.dropout": 0.0025,
    "rhythm.horizon_weeks": 6,
    "rhythm.stopped_alive": 0.25,
    "volume.recent_weeks": 2,
    "volume.baseline_weeks": 6,
    "volume.decline_ratio": 0.72,
    "volume.abrupt_weeks": 1,
    "volume.abrupt_ratio": 0.25,
    "volume.slide_weeks": 3,
    "volume.min_reliability": 1.0,
    "payment.window_weeks": 6,
    "payment.late_days": 7,
    "payment.slip_window_weeks": 13,
    "payment.slip_days": 5,
    "payment.stale_weeks": 1,
    "returns.recent_weeks": 2,
    "returns.baseline_weeks": 6,
    "returns.rising_points": 0.09,
    "returns.rising_factor": 5.0,
    "engagement.window_weeks": 4,
    "engagement.drop_points": 0.9,
    "engagement.silence_days": 15,
    "engagement.silence_min_outbound": 8,
    "engagement.stale_weeks": 1,
    "signals.escalation_weeks": 1,
    "signals.complaint_weeks": 4,
    "signals.complaint_min": 1,
    "signals.competitor_weeks": 1,
    "signals.contact_weeks": 26,
    "signals.expansion_weeks": 6,
    "signals.satisfaction_weeks": 52,
    "trust.window_days": 90,
    "trust.levels": [50, 45, 37, 25, 12, 0],
    "trust.caps": [50, 50, 42, 30, 19, 12],
    "concentration.window_weeks": 6,
    "concentration.warn": 0.10,
    "concentration.alert": 0.375,
    "checkins.days": [15, 45, 90],
    "checkins.grace_days": 14,
    "checkins.early_days": 1,
    "money.default_gross_margin": 0.125,
    "money.monthly_churn": 0.1,
}
"""Keys that change the sample's report for its latest week."""

EARLIER_REPORT: dict[str, tuple[object, int]] = {
    # The sample measures its own churn from week 10 on; before that the fallback stands.
    "money.fallback_monthly_churn": (0.5, 90),
}
"""Keys that change the sample's report this many weeks before the latest."""

ONE_BUYER: dict[str, object] = {
    # No sample buyer sits between the two rhythm thresholds on a high raw health.
    "rhythm.ok_alive": 1.0,
}
"""Keys shown on one buyer that takes leads every other week and has gone 4 weeks quiet."""

BACKTEST: dict[str, object] = {
    "backtest.horizon_days": 60,
    "backtest.active_weeks": 6,
    "backtest.min_churned": 1,
    "backtest.resamples": 50,
    "backtest.seed": 8,
}
"""Keys that change ``healthdesk backtest --format json`` on the sample."""

REVIEW: dict[str, object] = {
    "review.reply_weeks": 26,
    "review.late_reply_weeks": 1,
    "review.follow_through_weeks": 1,
}
"""Keys that change the week's review (the sample plus one late reply two weeks ago and
one review decision three weeks ago)."""

NOT_SCORING = {
    "owner": "healthdesk/ui",
    "keys": "healthdesk/ui",
}
"""Console settings no score or list reads, and where they are read (checked by name)."""

BEHAVIOURAL = REPORT | EARLIER_REPORT | ONE_BUYER | BACKTEST | REVIEW


def config_keys(cls: type = Config, prefix: str = "") -> Iterator[str]:
    """Every leaf key of the config, as ``section.name`` (``segments`` lays the same
    sections over the book's, so it is walked there)."""
    for f in dataclasses.fields(cls):
        if cls is Config and f.name == "segments":
            continue
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
            if dataclasses.is_dataclass(default):
                yield from config_keys(type(default), f"{prefix}{f.name}.")
                continue
        yield f"{prefix}{f.name}"


def with_key(tmp: Path, key: str, value: object) -> Config:
    """The defaults with ``key`` set to ``value``, read from a TOML file as a user's is."""
    section, _, name = key.rpartition(".")
    path = tmp / f"{key}.toml"
    path.write_text(f"[{section}]\n{name} = {_toml_value(value)}\n", encoding="utf-8")
    config = load_config(path)
    assert config != Config(), f"{key} = {value!r} is its default"
    return config


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The bundled sample, scored, with one late reply to a buyer two weeks ago."""
    db = open_db(tmp_path_factory.mktemp("read") / "sample.db", create=True)
    try:
        import_folder(db, SAMPLE)
        engine.rescore(db, Config())
        db.conn.commit()
        week = date.fromisoformat(engine.report(db, Config()).week)
        buyer = engine.report(db, Config()).buyers[-1].buyer_id
        asked = week - timedelta(days=13)
        row = {
            "buyer_id": buyer, "kind": "request", "channel": "email",
            "direction": "inbound", "request_type": "urgent_quality",
            "at": f"{asked}T09:00:00", "replied_at": f"{asked}T19:00:00",
        }  # fmt: skip
        log_touchpoint(db, Config(), row)
        record_review(db, week_of(week) - 3, buyer, "accepted")
        db.conn.commit()
        yield db
    finally:
        db.close()


def report(db: Database, config: Config, weeks_back: int = 0) -> str:
    week = engine.latest_week(db) - weeks_back
    return json.dumps(engine.report(db, config, week).to_json(), default=str)


def review(db: Database, config: Config) -> str:
    r = weekly_review.load(db, config)
    accounts = [(a.buyer.buyer_id, a.item.reasons) for a in r.accounts]
    return repr((r.replies, accounts, r.follow_ups))


def test_every_config_key_is_checked() -> None:
    keys = set(config_keys())
    assert "payment.slip_invoices" not in keys  # removed: nothing read it
    assert set(BEHAVIOURAL) | set(NOT_SCORING) == keys


def test_each_scoring_key_changes_the_report(book: Database, tmp_path: Path) -> None:
    base = report(book, Config())
    same = [k for k, v in REPORT.items() if report(book, with_key(tmp_path, k, v)) == base]
    for key, (value, back) in EARLIER_REPORT.items():
        if report(book, with_key(tmp_path, key, value), back) == report(book, Config(), back):
            same.append(key)
    assert same == [], "these keys change nothing: is anything reading them?"


def test_each_rhythm_threshold_changes_a_buyer(tmp_path: Path) -> None:
    leads = [100.0, 0.0] * 20 + [0.0] * 3
    ledger = make_ledger(leads)
    base = Scorer(ledger, Config()).week(ledger.last_week).health[0]
    for key, value in ONE_BUYER.items():
        health = Scorer(ledger, with_key(tmp_path, key, value)).week(ledger.last_week).health[0]
        assert health != base, key


def test_each_backtest_key_changes_the_backtest(book: Database, tmp_path: Path) -> None:
    base = backtest_json(foresight.backtest(book, Config()))
    for key, value in BACKTEST.items():
        assert backtest_json(foresight.backtest(book, with_key(tmp_path, key, value))) != base, key


def test_each_review_key_changes_the_review(book: Database, tmp_path: Path) -> None:
    base = review(book, Config())
    for key, value in REVIEW.items():
        assert review(book, with_key(tmp_path, key, value)) != base, key


@pytest.mark.parametrize(("key", "where"), NOT_SCORING.items())
def test_console_settings_are_read_by_the_console(key: str, where: str) -> None:
    root = Path(__file__).resolve().parent.parent
    sources = (p.read_text(encoding="utf-8") for p in (root / where).rglob("*.py"))
    assert any(f"config.{key}" in text for text in sources), f"nothing in {where} reads {key}"
