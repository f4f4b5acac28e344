"""DOMAIN.md's money formulas with its own worked examples, and the report's LTV."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import PRICE, Portfolio, build_report

from healthdesk.config import Config, load_config
from healthdesk.domain import money
from healthdesk.domain.concentration import top_share


def test_ltv_of_15000_a_month_at_25_percent_margin_and_5_percent_churn_is_75000() -> None:
    assert money.ltv(15000, 0.25, 0.05) == pytest.approx(75000)


def test_ltv_needs_positive_churn() -> None:
    with pytest.raises(ValueError, match="churn"):
        money.ltv(15000, 0.25, 0)


@pytest.mark.parametrize(
    ("retention", "years"), [(0.80, 5.0), (0.70, 3.3), (0.85, 6.7), (0.90, 10.0)]
)
def test_relationship_duration_is_one_over_annual_churn(retention: float, years: float) -> None:
    assert round(money.relationship_years(retention), 1) == years


def test_sixty_dollar_lead_at_15_percent_returns_is_a_51_dollar_lead() -> None:
    assert money.effective_cpl(60 * 200, 200, 30) == pytest.approx(51.0)


def test_effective_cpl_without_leads_is_unknown() -> None:
    assert money.effective_cpl(0, 0, 0) is None


def test_churn_rate_is_lost_over_active_at_start() -> None:
    assert money.churn_rate(3, 60) == pytest.approx(0.05)
    assert money.churn_rate(0, 0) == 0.0


def test_net_revenue_retention_counts_only_buyers_active_a_year_ago() -> None:
    year_ago = {"A": 100.0, "B": 50.0, "NEW": 0.0}
    now = {"A": 120.0, "B": 0.0, "NEW": 500.0}
    assert money.net_revenue_retention(now, year_ago) == pytest.approx(120 / 150)
    assert money.net_revenue_retention(now, {"A": 0.0}) is None


def test_top_20_percent_share_reads_the_top_fifth_of_buyers() -> None:
    revenue = {f"B{k}": v for k, v in enumerate([80.0, 5.0, 5.0, 5.0, 5.0, 0.0])}
    assert top_share(revenue) == pytest.approx(0.80)
    ten = {f"B{k}": v for k, v in enumerate([40.0, 40.0] + [2.5] * 8)}
    assert top_share(ten) == pytest.approx(0.80)


def test_measured_monthly_churn_is_lost_over_active() -> None:
    started = [date(2020, 1, 1)] * 10
    churned: list[date | None] = [None] * 9 + [date(2024, 6, 15)]
    rate = money.monthly_churn(started, churned, date(2024, 12, 31))
    assert rate == pytest.approx(1 / (9 * 12 + 6), rel=0.1)


def test_report_ltv_is_monthly_revenue_times_margin_over_churn(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A", gross_margin=0.25)
    p.healthy("B")
    config_path = tmp_path / "healthdesk.toml"
    config_path.write_text("[money]\nmonthly_churn = 0.05\n", encoding="utf-8")
    config = load_config(config_path)
    rep = build_report(p, tmp_path, config=config)
    for bid, margin in (("A", 0.25), ("B", Config().money.default_gross_margin)):
        buyer = rep["by_id"][bid]
        monthly = buyer["revenue_13w"] / 13 * 52 / 12
        assert buyer["revenue_13w"] == pytest.approx(100 * PRICE * 13)
        assert buyer["ltv"] == pytest.approx(monthly * margin / 0.05, abs=0.01)


def test_report_effective_cpl_discounts_accepted_returns(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    p.returns("A", [15] * 30)
    p.healthy("B")
    rep = build_report(p, tmp_path)
    assert rep["by_id"]["A"]["effective_cpl"] == pytest.approx(PRICE * 0.85)
    assert rep["by_id"]["B"]["effective_cpl"] == pytest.approx(PRICE)
