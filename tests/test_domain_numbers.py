"""DOMAIN.md's numbers, each checked at its edge: the trust ladder, the 20%/25%
concentration lines, lifecycle phases, the stopped-buyer cap and re-weighting of
components without data. Integration cases go CSV → import → engine report."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from helpers import (
    AS_OF,
    WEEKS,
    Portfolio,
    at,
    build_report,
    import_into,
    make_ledger,
    monday,
    report_json,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from healthdesk.config import Config
from healthdesk.domain.explain import Why
from healthdesk.domain.ledger import NO_DAY
from healthdesk.domain.lifecycle import month_number, month_numbers, yyyymmdd
from healthdesk.domain.report import BuyerReport, by_urgency
from healthdesk.domain.responsiveness import grade
from healthdesk.domain.scoring import Scorer

LADDER = {0: 100, 1: 90, 2: 75, 3: 50, 4: 25, 5: 0, 6: 0, 9: 0}


# --- trust ladder ---------------------------------------------------------------


@pytest.mark.parametrize(("incidents", "level"), LADDER.items())
def test_trust_ladder_rows(incidents: int, level: int) -> None:
    """The level the scorer itself gives a buyer with that many open incidents."""
    opened = (AS_OF - timedelta(days=10)).toordinal()
    ledger = make_ledger([100] * WEEKS, incidents=[(opened, NO_DAY, NO_DAY)] * incidents)
    scores = Scorer(ledger, Config()).week(ledger.last_week)
    assert int(scores.trust_incidents[0]) == incidents
    assert int(scores.trust_level[0]) == level


def _incident(p: Portfolio, buyer: str, n: int, opened: date, **extra: object) -> None:
    p.add(
        "incidents.csv",
        incident_id=f"INC-{buyer}-{n}",
        buyer_id=buyer,
        opened_at=at(opened),
        summary=f"bad batch {n}",
        **extra,
    )


@pytest.fixture(scope="module")
def trust_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    p = Portfolio()
    recent = AS_OF - timedelta(days=20)
    for n in range(7):
        p.healthy(f"T{n}")
        for i in range(n):
            _incident(p, f"T{n}", i, recent)
    p.healthy("UNCONFIRMED")
    _incident(p, "UNCONFIRMED", 0, recent, resolved_at=at(recent + timedelta(days=2)))
    p.healthy("CONFIRMED")
    _incident(
        p,
        "CONFIRMED",
        0,
        recent,
        resolved_at=at(recent + timedelta(days=2)),
        confirmed_at=at(recent + timedelta(days=3)),
    )
    p.healthy("OLD")
    _incident(p, "OLD", 0, AS_OF - timedelta(days=181))
    p.healthy("INSIDE")
    _incident(p, "INSIDE", 0, AS_OF - timedelta(days=170))
    return build_report(p, tmp_path_factory.mktemp("trust"))


@pytest.mark.parametrize("n", range(7))
def test_open_incidents_set_trust_level_by_the_ladder(trust_report: dict, n: int) -> None:
    trust = trust_report["by_id"][f"T{n}"]["trust"]
    assert trust == {"incidents": n, "level": LADDER[n]}


def test_fifth_unconfirmed_incident_is_terminal(trust_report: dict) -> None:
    buyer = trust_report["by_id"]["T5"]
    assert buyer["trust"]["level"] == 0
    assert buyer["band"] == "at_risk"
    assert buyer["explain"]["cap_reason"]


def test_more_open_incidents_never_raise_health(trust_report: dict) -> None:
    health = [trust_report["by_id"][f"T{n}"]["health"] for n in range(7)]
    assert health == sorted(health, reverse=True)
    assert health[0] > health[5]


def test_resolved_but_unconfirmed_incident_still_counts(trust_report: dict) -> None:
    assert trust_report["by_id"]["UNCONFIRMED"]["trust"] == {"incidents": 1, "level": 90}


def test_resolved_and_confirmed_incident_stops_counting(trust_report: dict) -> None:
    assert trust_report["by_id"]["CONFIRMED"]["trust"] == {"incidents": 0, "level": 100}


def test_incident_older_than_180_days_does_not_count(trust_report: dict) -> None:
    assert trust_report["by_id"]["OLD"]["trust"]["incidents"] == 0
    assert trust_report["by_id"]["INSIDE"]["trust"]["incidents"] == 1


# --- concentration --------------------------------------------------------------


def _shares(tmp: Path, big: int, others: list[int]) -> dict:
    p = Portfolio()
    p.healthy("A", leads=big)
    for i, leads in enumerate(others):
        p.healthy(f"O{i}", leads=leads)
    return build_report(p, tmp)


def test_exactly_20_percent_share_is_ok(tmp_path: Path) -> None:
    rep = _shares(tmp_path, 100, [100] * 4)
    assert {b["concentration"] for b in rep["buyers"]} == {"ok"}
    assert rep["by_id"]["A"]["revenue_share"] == pytest.approx(0.20)
    assert rep["portfolio"]["concentration_warnings"] == []


def test_just_above_20_percent_share_is_warn(tmp_path: Path) -> None:
    rep = _shares(tmp_path, 101, [100] * 4)
    assert rep["by_id"]["A"]["concentration"] == "warn"
    assert "concentration" in [w["code"] for w in rep["by_id"]["A"]["warnings"]]
    assert rep["portfolio"]["concentration_warnings"] == ["A"]
    assert rep["portfolio"]["concentration_alerts"] == []


def test_exactly_25_percent_share_is_warn_not_alert(tmp_path: Path) -> None:
    rep = _shares(tmp_path, 250, [150] * 5)
    assert rep["by_id"]["A"]["revenue_share"] == pytest.approx(0.25)
    assert rep["by_id"]["A"]["concentration"] == "warn"
    assert rep["portfolio"]["concentration_alerts"] == []


def test_above_25_percent_share_is_alert(tmp_path: Path) -> None:
    rep = _shares(tmp_path, 251, [150] * 5)
    assert rep["by_id"]["A"]["concentration"] == "alert"
    assert rep["portfolio"]["concentration_alerts"] == ["A"]
    assert rep["by_id"]["O0"]["concentration"] == "ok"


def test_revenue_shares_add_up_and_top_20pct_share_is_the_top_fifth(tmp_path: Path) -> None:
    leads = [500, 300, 100, 100, 100, 100, 100, 100, 100, 100]
    rep = _shares(tmp_path, leads[0], leads[1:])
    assert sum(b["revenue_share"] for b in rep["buyers"]) == pytest.approx(1.0, abs=1e-3)
    assert rep["portfolio"]["top_20pct_share"] == pytest.approx(800 / 1600, abs=1e-4)
    assert rep["portfolio"]["revenue_13w"] == pytest.approx(1600 * 60 * 13)


# --- lifecycle ------------------------------------------------------------------

PHASE_BY_MONTH = {
    1: "honeymoon",
    2: "first_friction",
    3: "first_friction",
    4: "drift",
    6: "drift",
    7: "decision",
    12: "decision",
    13: "established",
    40: "established",
}


@pytest.mark.parametrize(("month", "phase"), PHASE_BY_MONTH.items())
def test_scorer_puts_a_buyer_in_the_phase_of_its_month(month: int, phase: str) -> None:
    """The phase the scorer itself assigns a buyer that started ``month - 1`` months
    before the as-of week's last day (so that day falls in its month ``month``)."""
    as_of = AS_OF
    index = as_of.year * 12 + as_of.month - 1 - (month - 1)
    started = date(index // 12, index % 12 + 1, min(as_of.day, 28))
    ledger = make_ledger([100] * WEEKS, started=started)
    scores = Scorer(ledger, Config()).week(ledger.last_week)
    assert month_number(started, as_of) == month == int(scores.month[0])
    assert scores.phase_name(0) == phase


def test_month_two_starts_on_the_same_day_next_month() -> None:
    started = date(2026, 1, 15)
    assert month_number(started, started) == 1
    assert month_number(started, date(2026, 2, 14)) == 1
    assert month_number(started, date(2026, 2, 15)) == 2
    assert month_number(started, date(2026, 4, 15)) == 4
    assert month_number(started, date(2027, 1, 15)) == 13


@settings(max_examples=50, deadline=None)
@given(
    started=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
    days=st.integers(0, 2000),
)
def test_vectorised_month_numbers_agree_with_month_number(started: date, days: int) -> None:
    as_of = started + timedelta(days=days)
    vector = month_numbers(np.array([yyyymmdd(started)]), as_of)
    assert int(vector[0]) == month_number(started, as_of)


def test_report_phase_follows_months_since_start(tmp_path: Path) -> None:
    p = Portfolio()
    starts = {}
    for months_ago, bid in ((0, "M1"), (1, "M2"), (3, "M4"), (6, "M7"), (12, "M13")):
        index = AS_OF.year * 12 + AS_OF.month - 1 - months_ago
        started = date(index // 12, index % 12 + 1, 1)
        starts[bid] = started
        p.healthy(bid, started_on=started)
    rep = build_report(p, tmp_path)
    for bid, started in starts.items():
        assert rep["by_id"][bid]["month"] == month_number(started, AS_OF)
    assert [rep["by_id"][b]["phase"] for b in ("M1", "M2", "M4", "M7", "M13")] == [
        "honeymoon",
        "first_friction",
        "drift",
        "decision",
        "established",
    ]


# --- a buyer who stops taking leads ---------------------------------------------


@pytest.fixture(scope="module")
def stopped_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("stopped")
    p = Portfolio()
    for c in ("C0", "C1", "C2", "C3", "C4"):
        p.healthy(c)
    p.buyer("STOP")
    p.deliveries("STOP", 100, weeks=WEEKS - 4)
    p.invoices("STOP")
    p.touches("STOP")
    p.add("surveys.csv", buyer_id="STOP", date=monday(WEEKS - 2), score=10)
    import_into(tmp / "db.sqlite", p.write(tmp / "csv"))
    return tmp / "db.sqlite"


def test_buyer_who_stops_taking_leads_is_at_risk_within_three_weeks(stopped_db: Path) -> None:
    last_delivery_week = WEEKS - 5
    bands = []
    for k in range(last_delivery_week, WEEKS):
        rep = report_json(stopped_db, monday(k))
        bands.append(next(b["band"] for b in rep["buyers"] if b["buyer_id"] == "STOP"))
    assert bands[0] == "healthy"
    assert "at_risk" in bands[1:4], bands
    assert bands[-1] == "at_risk"


def test_stopped_buyer_explanation_names_the_cap(stopped_db: Path) -> None:
    rep = report_json(stopped_db)
    buyer = next(b for b in rep["buyers"] if b["buyer_id"] == "STOP")
    assert buyer["components"]["payment"] >= 50
    assert buyer["explain"]["cap"] is not None
    assert "stopped against its own rhythm" in buyer["explain"]["cap_reason"]
    assert "volume_decline" in [w["code"] for w in buyer["warnings"]]


# --- components without data ----------------------------------------------------


@pytest.fixture(scope="module")
def survey_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    p = Portfolio()
    for bid in ("NONE", "ZERO", "TEN", "C0", "C1"):
        p.healthy(bid)
    p.add("surveys.csv", buyer_id="ZERO", date=monday(25), score=0)
    p.add("surveys.csv", buyer_id="TEN", date=monday(25), score=10)
    return build_report(p, tmp_path_factory.mktemp("surveys"))


def test_no_surveys_leaves_satisfaction_out_and_reweights_the_rest(survey_report: dict) -> None:
    buyer = survey_report["by_id"]["NONE"]
    assert buyer["components"]["satisfaction"] is None
    rows = {c["name"]: c for c in buyer["explain"]["components"]}
    assert rows["satisfaction"]["weight"] == 0
    assert "no data" in rows["satisfaction"]["evidence"]
    weights = dataclasses.asdict(Config().weights)
    present = {n: w for n, w in weights.items() if buyer["components"][n] is not None}
    assert sum(rows[n]["weight"] for n in present) == pytest.approx(1.0, abs=1e-3)
    for name, weight in present.items():
        assert rows[name]["weight"] == pytest.approx(weight / sum(present.values()), abs=1e-4)


def test_health_is_the_sum_of_contributions(survey_report: dict) -> None:
    for buyer in survey_report["buyers"]:
        why = buyer["explain"]
        total = sum(c["contribution"] for c in why["components"])
        assert why["raw"] == pytest.approx(total, abs=0.05)
        if why["cap"] is None:
            assert buyer["health"] == round(why["raw"])


def test_missing_satisfaction_is_not_scored_as_zero(survey_report: dict) -> None:
    by_id = survey_report["by_id"]
    assert by_id["TEN"]["components"]["satisfaction"] == 100
    assert by_id["ZERO"]["components"]["satisfaction"] == 0
    raw = {b: by_id[b]["explain"]["raw"] for b in ("ZERO", "NONE", "TEN")}
    assert raw["ZERO"] < raw["NONE"] < raw["TEN"]
    assert by_id["ZERO"]["health"] < by_id["NONE"]["health"]


def test_portfolio_without_invoices_leaves_payment_out(tmp_path: Path) -> None:
    """DATA.md: only buyers.csv is required; no invoices means no payment data."""
    p = Portfolio()
    for bid in ("A", "B"):
        p.buyer(bid)
        p.deliveries(bid)
        p.touches(bid)
    rep = build_report(p, tmp_path)
    buyer = rep["by_id"]["A"]
    assert buyer["components"]["payment"] is None
    rows = {c["name"]: c for c in buyer["explain"]["components"]}
    assert rows["payment"]["weight"] == 0
    assert "no data" in rows["payment"]["evidence"]


def test_health_change_is_the_difference_from_the_previous_week(stopped_db: Path) -> None:
    for k in (WEEKS - 4, WEEKS - 2):
        now = {b["buyer_id"]: b for b in report_json(stopped_db, monday(k))["buyers"]}
        before = {b["buyer_id"]: b for b in report_json(stopped_db, monday(k - 1))["buyers"]}
        for bid, buyer in now.items():
            assert buyer["health_change"] == buyer["health"] - before[bid]["health"]
    stop = {b["buyer_id"]: b for b in report_json(stopped_db, monday(WEEKS - 2))["buyers"]}
    assert stop["STOP"]["health_change"] < 0


def test_a_new_warning_ranks_an_account_above_the_same_account_with_an_old_one() -> None:
    why = Why(**{f.name: None for f in dataclasses.fields(Why)})
    old = BuyerReport(
        buyer_id="B1",
        name="n",
        owner="o",
        vertical="v",
        phase="established",
        month=20,
        health=60,
        health_change=0,
        band="watch",
        components={},
        trust={},
        revenue_13w=1000.0,
        revenue_share=0.1,
        concentration="ok",
        warnings=[{"code": "payment_late", "detail": "late"}],
        new_warnings=0,
        ltv=0.0,
        effective_cpl=None,
        checkins=[],
        why=why,
    )
    new = dataclasses.replace(old, buyer_id="B2", new_warnings=1)
    assert by_urgency([old, new]) == [new, old]


def test_value_is_share_of_revenue_so_a_large_account_at_risk_leads() -> None:
    """Same risk, 28% vs 0.5% of revenue: the large account first; but a healthy large
    account with one warning does not outrank a small one that is leaving."""
    why = Why(**{f.name: None for f in dataclasses.fields(Why)})
    base = BuyerReport(
        buyer_id="SMALL", name="n", owner="o", vertical="v", phase="established", month=20,
        health=30, health_change=0, band="at_risk", components={}, trust={},
        revenue_13w=5_000.0, revenue_share=0.005, concentration="ok",
        warnings=[{"code": "volume_decline", "detail": "down"}], new_warnings=0, ltv=0.0,
        effective_cpl=None, checkins=[], why=why,
    )  # fmt: skip
    big = dataclasses.replace(base, buyer_id="BIG", revenue_13w=280_000.0, revenue_share=0.28)
    filler = [
        dataclasses.replace(base, buyer_id=f"F{i}", health=95, warnings=[], revenue_share=0.01)
        for i in range(20)
    ]
    order = [b.buyer_id for b in by_urgency([base, *filler, big])]
    assert order[:2] == ["BIG", "SMALL"]
    calm = dataclasses.replace(big, health=88, band="healthy")
    order = [b.buyer_id for b in by_urgency([calm, *filler, base])]
    assert order[:2] == ["SMALL", "BIG"]


@pytest.mark.parametrize(
    ("request_type", "hours", "expected"),
    [
        ("urgent_quality", 0.5, "excellent"),
        ("urgent_quality", 0.75, "good"),
        ("urgent_quality", 4.0, "acceptable"),
        ("urgent_quality", 4.1, "late"),
        ("billing", 8.0, "good"),
        ("volume", 8.0, "excellent"),
        ("volume", 47.0, "acceptable"),
        ("contract", 73.0, "late"),
        ("contract", None, "late"),
        ("", 1.0, None),
    ],
)
def test_our_replies_are_graded_by_domain_md_targets(
    request_type: str, hours: float | None, expected: str | None
) -> None:
    assert grade(request_type, hours) == expected
