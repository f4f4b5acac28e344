"""Suggestions, due dates, the review queue, overrides and input checks (the pure core)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from helpers import make_ledger
from hypothesis import given
from hypothesis import strategies as st
from test_interventions_support import sample_path, sample_report, week_number

from healthdesk.config import Bands, Config
from healthdesk.domain import interventions as iv
from healthdesk.domain import review_queue as rq
from healthdesk.domain import suggestions as sg
from healthdesk.domain.bands import BANDS
from healthdesk.domain.report import Report, buyer_report
from healthdesk.domain.scoring import Scorer, band_index
from healthdesk.domain.weeks import monday, week_of

__all__ = ["sample_path", "sample_report"]

WEEK = week_of(date(2026, 11, 16))


def _buyer(report: Report, **changes: object):
    return replace(report.buyers[0], **changes)


def test_every_at_risk_buyer_gets_a_suggestion(sample_report: Report) -> None:
    week = week_number(sample_report)
    at_risk = [b for b in sample_report.buyers if b.band == "at_risk"]
    assert at_risk
    cutoff = sg.value_cutoff(sample_report.buyers)
    for buyer in at_risk:
        suggestions = sg.suggest(buyer, week, cutoff)
        assert suggestions, buyer.buyer_id
        assert all(s.due_on >= monday(week) for s in suggestions)
        urgent = [s for s in suggestions if s.action != "diversify"]
        assert all(s.due_on <= sg.business_days(week, 2) for s in urgent)


def _scored(leads: list[float]):
    """One buyer's report as the scorer and report build it (warnings in the words
    ``domain/details.py`` writes), and its as-of week."""
    ledger = make_ledger(leads)
    scorer = Scorer(ledger, Config())
    week = ledger.last_week
    return buyer_report(scorer.week(week), scorer.week(week - 1), ledger, Config(), 0), week


def test_volume_decline_gets_outreach_quoting_the_drop() -> None:
    buyer, week = _scored([100] * 26 + [60] * 4)  # 100 a week, then 60 for four weeks
    assert buyer.band == "watch"
    [decline] = [w for w in buyer.warnings if w["code"] == "volume_decline"]
    by_key = {s.reason_key: s for s in sg.suggest(buyer, week, cutoff=1e9)}
    s = by_key["outreach"]
    assert s.action == "proactive outreach"
    assert s.message == "volume dropped 40% over 4 weeks: what is happening on your end?"
    assert s.signals[0] == decline
    assert s.due_on == monday(week) + timedelta(days=4)  # watch: Friday of the as-of week


def test_a_buyer_who_stopped_buying_is_asked_in_one_sentence() -> None:
    buyer, week = _scored([100] * 26 + [0] * 4)
    [stopped] = [w for w in buyer.warnings if w["code"] == "volume_decline"]
    assert "stopped buying" in stopped["detail"]
    small = replace(buyer, revenue_share=0.01)  # alone in its ledger it holds the whole book
    by_key = {s.reason_key: s for s in sg.suggest(small, week, cutoff=1e9)}
    assert by_key["outreach"].message == "no leads lately: what is happening on your end?"


def test_concentration_alert_suggests_diversify_four_weeks_out(sample_report: Report) -> None:
    warning = {"code": "concentration", "detail": "28.0% of 13-week revenue"}
    buyer = _buyer(
        sample_report,
        band="healthy",
        warnings=[warning],
        revenue_share=0.28,
        trust={"incidents": 0, "level": 100},
    )
    [s] = sg.suggest(buyer, WEEK, cutoff=1e9)
    assert (s.action, s.reason_key) == ("diversify", "concentration")
    assert s.due_on == date(2026, 12, 14)


def test_quality_signals_and_low_trust_get_root_cause(sample_report: Report) -> None:
    buyer = _buyer(sample_report, band="watch", warnings=[], trust={"incidents": 3, "level": 50})
    [s] = sg.suggest(buyer, WEEK, cutoff=1e9)
    assert s.action == "root-cause discovery"
    assert s.signals[0]["code"] == "trust_low"


def test_competitor_on_small_account_is_retention_offer_on_big_one_executive(
    sample_report: Report,
) -> None:
    warning = {"code": "competitor_mention", "detail": "competitor mentioned"}
    small = _buyer(
        sample_report,
        band="watch",
        warnings=[warning],
        revenue_13w=10.0,
        revenue_share=0.01,
        trust={"incidents": 0, "level": 100},
    )
    big = replace(small, revenue_share=0.12)
    assert sg.suggest(small, WEEK, cutoff=1e9)[0].action == "retention offer"
    assert sg.suggest(big, WEEK, cutoff=1e9)[0].action == "executive engagement"


def test_at_risk_significant_account_escalates_outreach(sample_report: Report) -> None:
    warning = {"code": "engagement_drop", "detail": "reply rate fell"}
    buyer = _buyer(
        sample_report,
        band="at_risk",
        warnings=[warning],
        revenue_13w=500.0,
        revenue_share=0.01,
        trust={"incidents": 0, "level": 100},
    )
    [s] = sg.suggest(buyer, WEEK, cutoff=400.0)
    assert s.action == "executive engagement"
    assert s.due_on == date(2026, 11, 18)  # at risk: two business days


@given(st.integers(min_value=100_000, max_value=110_000), st.integers(min_value=0, max_value=60))
def test_business_days_land_on_weekdays_in_order(week: int, days: int) -> None:
    due = sg.business_days(week, days)
    assert due.weekday() < 5
    assert due >= monday(week)
    assert sg.business_days(week, days + 1) > due


def test_queue_lists_at_risk_and_skips_quiet_healthy_buyers(sample_report: Report) -> None:
    week = week_number(sample_report)
    queue = rq.review_queue(sample_report.buyers, sample_report.buyers, [], week)
    ids = {item.buyer.buyer_id for item in queue}
    assert {b.buyer_id for b in sample_report.buyers if b.band == "at_risk"} <= ids
    quiet = [b for b in sample_report.buyers if not rq.attention(b, b)]
    assert quiet and not ids & {b.buyer_id for b in quiet}


def test_snoozed_buyer_leaves_queue_until_snooze_ends(sample_report: Report) -> None:
    week = week_number(sample_report)
    buyer = next(b for b in sample_report.buyers if b.band == "at_risk")
    snooze = iv.Snooze(buyer.buyer_id, monday(week), "at_risk")  # covers this Monday only

    def ids(w: int) -> set[str]:
        return {q.buyer.buyer_id for q in rq.review_queue([buyer], [buyer], [snooze], w)}

    assert ids(week) == set()
    back = rq.review_queue([buyer], [buyer], [snooze], week + 1)
    assert [q.buyer.buyer_id for q in back] == [buyer.buyer_id]
    assert any(
        r.code == "snooze_ended" and r.text.startswith("snooze ended") for r in back[0].reasons
    )


def test_snoozed_buyer_returns_when_band_worsens(sample_report: Report) -> None:
    week = week_number(sample_report)
    buyer = next(b for b in sample_report.buyers if b.band == "at_risk")
    snooze = iv.Snooze(buyer.buyer_id, monday(week + 4), "watch")
    [item] = rq.review_queue([buyer], [buyer], [snooze], week)
    assert "band worsened to at risk while snoozed" in item.texts


def test_override_applies_from_its_week_until_expiry(sample_report: Report) -> None:
    buyer = sample_report.buyers[0]
    override = iv.Override(buyer.buyer_id, 95, "settled by phone", WEEK, date(2026, 11, 30))
    bands = Bands()

    def health(week: int) -> int:
        return iv.apply_overrides([buyer], [override], week, bands)[0].health

    assert health(WEEK - 1) == buyer.health
    assert health(WEEK) == 95 and health(WEEK + 2) == 95  # Monday 2026-11-30 ≤ expiry
    assert health(WEEK + 3) == buyer.health
    assert iv.apply_overrides([buyer], [override], WEEK, bands)[0].band == "healthy"


def test_overridden_health_takes_the_band_the_scorer_gives_that_health(
    sample_report: Report,
) -> None:
    """An override at, just under and just over each band line lands in the band the
    scorer's own rule (``band_index``) gives that health: 70 is healthy, 69 watch,
    40 watch, 39 at risk with the default lines."""
    buyer = sample_report.buyers[0]
    bands = Bands()
    lines = (bands.healthy, bands.healthy - 1, bands.watch, bands.watch - 1, 0, 100)
    for health in sorted({*lines, *range(0, 101, 7)}):
        override = iv.Override(buyer.buyer_id, health, "agreed on a call", WEEK, date(2026, 12, 31))
        [after] = iv.apply_overrides([buyer], [override], WEEK, bands)
        assert after.band == BANDS[int(band_index(np.array([health]), bands)[0])], health
    assert [
        iv.apply_overrides(
            [buyer], [iv.Override(buyer.buyer_id, h, "call", WEEK, date(2026, 12, 31))], WEEK, bands
        )[0].band
        for h in lines[:4]
    ] == ["healthy", "watch", "watch", "at_risk"]


def test_attention_names_every_reason_with_its_evidence() -> None:
    """A drift-zone buyer, at risk and down 5 this week, that was on watch last week,
    with its real volume warning (new this week), trust at 50% and a concentration
    warning: each is a reason, in this order, with its numbers."""
    buyer, _ = _scored([100] * 26 + [60] * 4)
    [decline] = [w for w in buyer.warnings if w["code"] == "volume_decline"]
    now = replace(
        buyer,
        band="at_risk",
        health=35,
        health_change=-5,
        phase="drift",
        warnings=[decline],
        trust={"incidents": 3, "level": 50},
        concentration="warning",
        revenue_share=0.22,
    )
    before = replace(now, band="watch", warnings=[])
    assert [r.text for r in rq.attention(now, before)] == [
        "at risk (health 35)",
        "health down 5 this week",
        "band worsened from watch to at risk",
        f"new: volume decline: {decline['detail']}",
        "trust at 50%",
        "concentration warning (22% of revenue)",
        "drift zone with 1 warning(s)",
    ]
    calm = replace(now, band="watch", health=60, health_change=-4, phase="established")
    calm = replace(calm, trust={"incidents": 2, "level": 75}, concentration="ok")
    assert [r.code for r in rq.attention(calm, now)] == ["volume_decline"]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_empty_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(iv.InvalidInput, match="reason is empty"):
        iv.check_text(reason)


def test_due_date_before_the_as_of_week_is_refused() -> None:
    with pytest.raises(iv.InvalidInput, match="before the week of 2026-11-16"):
        iv.check_due("2026-11-15", WEEK)
    assert iv.check_due("2026-11-16", WEEK) == date(2026, 11, 16)
    with pytest.raises(iv.InvalidInput, match="not a date"):
        iv.check_due("next friday", WEEK)


@pytest.mark.parametrize("owner", ["", "   ", "alice;drop", "x" * 101, "=cmd", "Dana\tLee!"])
def test_bad_owner_format_is_refused(owner: str) -> None:
    with pytest.raises(iv.InvalidInput, match="owner"):
        iv.check_owner(owner)


@pytest.mark.parametrize(
    "owner", ["alice", "j.doe-2", "chen_w", "José", "Dana Lee", "Seán O'Brien", "Zoë D’Arcy"]
)
def test_good_owner_names_pass(owner: str) -> None:
    assert iv.check_owner(f" {owner} ") == owner


def test_owner_spaces_collapse() -> None:
    assert iv.check_owner("  Dana   Lee ") == "Dana Lee"
