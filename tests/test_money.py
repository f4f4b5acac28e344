"""DOMAIN.md's money figures as the report prints them: LTV, effective CPL, the book's
monthly churn and net revenue retention, each from a CSV portfolio through the real
import, scoring and report (``money.ltv``, ``monthly_revenue``, ``effective_cpl``,
``monthly_churn`` and ``net_revenue_retention`` as ``domain/report.py`` calls them)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import AS_OF, PRICE, WEEKS, Portfolio, build_report, import_into, report_json

from healthdesk import engine
from healthdesk.config import Config, load_config
from healthdesk.domain import money
from healthdesk.domain.concentration import top_share


def _config(tmp_path: Path, toml: str) -> Config:
    path = tmp_path / "healthdesk.toml"
    path.write_text(toml, encoding="utf-8")
    return load_config(path)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def test_report_ltv_of_15000_a_month_at_25_percent_margin_and_5_percent_churn_is_75000(
    tmp_path: Path,
) -> None:
    """DOMAIN.md's worked example: $15,000 a month × 25% at 5% churn → $75,000."""
    p = Portfolio()
    p.buyer("A", gross_margin=0.25)
    p.deliveries("A", 100, price=15000 * 12 / 52 / 100)  # $15,000 a month
    p.invoices("A")
    p.touches("A")
    p.healthy("B")
    rep = build_report(p, tmp_path, config=_config(tmp_path, "[money]\nmonthly_churn = 0.05\n"))
    assert rep["portfolio"]["monthly_churn"] == 0.05
    assert rep["by_id"]["A"]["revenue_13w"] == pytest.approx(15000 * 12 / 52 * 13, abs=0.5)
    assert rep["by_id"]["A"]["ltv"] == pytest.approx(75000, abs=1)


def test_report_ltv_is_monthly_revenue_times_margin_over_churn(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A", gross_margin=0.25)
    p.healthy("B")
    config = _config(tmp_path, "[money]\nmonthly_churn = 0.05\n")
    rep = build_report(p, tmp_path, config=config)
    for bid, margin in (("A", 0.25), ("B", Config().money.default_gross_margin)):
        buyer = rep["by_id"][bid]
        monthly = 100 * PRICE * 52 / 12
        assert buyer["revenue_13w"] == pytest.approx(100 * PRICE * 13)
        assert buyer["ltv"] == pytest.approx(monthly * margin / 0.05, abs=0.01)


def test_report_sixty_dollar_lead_at_15_percent_returns_is_a_51_dollar_lead(
    tmp_path: Path,
) -> None:
    p = Portfolio()
    p.healthy("A")
    p.returns("A", [15] * WEEKS)
    p.healthy("B")
    rep = build_report(p, tmp_path)
    assert PRICE == 60
    assert rep["by_id"]["A"]["effective_cpl"] == pytest.approx(51.0)
    assert rep["by_id"]["B"]["effective_cpl"] == pytest.approx(PRICE)


def test_report_effective_cpl_counts_only_the_concentration_window(tmp_path: Path) -> None:
    """Returns before the 13-week window do not lower this quarter's price, and a
    buyer with no leads in the window has no price per lead."""
    p = Portfolio()
    p.healthy("A")
    p.returns("A", [50] * (WEEKS - 13))  # all before the window
    p.buyer("GONE")
    p.deliveries("GONE", 100, weeks=WEEKS - 14)
    p.invoices("GONE", weeks=WEEKS - 14)
    p.healthy("B")
    rep = build_report(p, tmp_path)
    assert rep["by_id"]["A"]["effective_cpl"] == pytest.approx(PRICE)
    assert rep["by_id"]["GONE"]["effective_cpl"] is None


def test_report_measures_monthly_churn_on_the_book_and_prices_ltv_with_it(
    tmp_path: Path,
) -> None:
    """Seed 003: buyers lost ÷ buyers active at each month's start, over the 12 months
    before the as-of day. Two buyers active all year (24 buyer-months) and one lost in
    the 8th of those months (active at the start of 8): 1 lost over 32."""
    p = Portfolio()
    p.healthy("A")
    p.healthy("B")
    lost_on = _months_before(AS_OF, 5) + timedelta(days=3)
    p.buyer("LOST", status="churned", churned_on=lost_on)
    p.deliveries("LOST", 100, weeks=10)
    p.invoices("LOST", weeks=10)
    rep = build_report(p, tmp_path)
    churn = 1 / 32
    assert rep["portfolio"]["monthly_churn"] == round(churn, 4)
    margin = Config().money.default_gross_margin
    assert rep["by_id"]["A"]["ltv"] == pytest.approx(100 * PRICE * 52 / 12 * margin / churn, abs=1)


def test_report_without_churn_in_the_book_uses_the_fallback(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    p.healthy("B")
    rep = build_report(p, tmp_path)
    assert rep["portfolio"]["monthly_churn"] == Config().money.fallback_monthly_churn


def test_report_net_revenue_retention_counts_only_buyers_active_a_year_ago(
    tmp_path: Path,
) -> None:
    """A and B each brought 13 weeks × $6,000 a year ago; A still does, B halved, NEW
    was not a buyer then: (78,000 + 39,000) ÷ 156,000 = 75%, NEW's revenue left out."""
    p = Portfolio()
    first = -36  # 66 weeks of history: a year ago has a full 13-week window
    p.buyer("A")
    p.deliveries("A", 100, first_week=first)
    p.buyer("B")
    p.deliveries("B", [100] * (WEEKS - 13 - first) + [50] * 13, first_week=first)
    p.buyer("NEW", started_on=date(2025, 1, 1))
    p.deliveries("NEW", 300, first_week=0)
    for b in ("A", "B", "NEW"):
        p.invoices(b)
        p.touches(b)
    db_path = tmp_path / "portfolio.db"
    import_into(db_path, p.write(tmp_path / "csv"))
    _rescore(db_path)  # NRR reads the stored revenue of a year ago
    assert report_json(db_path)["portfolio"]["net_revenue_retention"] == 0.75


def test_report_without_a_year_of_history_has_no_net_revenue_retention(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    p.healthy("B")
    db_path = tmp_path / "portfolio.db"
    import_into(db_path, p.write(tmp_path / "csv"))
    _rescore(db_path)
    assert report_json(db_path)["portfolio"]["net_revenue_retention"] is None


def _rescore(db_path: Path) -> None:
    from healthdesk.store.db import open_db

    db = open_db(db_path)
    try:
        engine.rescore(db, Config())
        db.conn.commit()
    finally:
        db.close()


def test_ltv_needs_positive_churn() -> None:
    with pytest.raises(ValueError, match="churn"):
        money.ltv(15000, 0.25, 0)


def test_top_20_percent_share_reads_the_top_fifth_of_buyers() -> None:
    revenue = {f"B{k}": v for k, v in enumerate([80.0, 5.0, 5.0, 5.0, 5.0, 0.0])}
    assert top_share(revenue) == pytest.approx(0.80)
    ten = {f"B{k}": v for k, v in enumerate([40.0, 40.0] + [2.5] * 8)}
    assert top_share(ten) == pytest.approx(0.80)


def test_risk_adjusted_ltv_discounts_a_buyer_that_stopped(tmp_path: Path) -> None:
    """LTV × the rhythm's chance it is still buying: a buyer silent for four weeks keeps
    its LTV on paper, not once adjusted; a steady one keeps nearly all of it."""
    p = Portfolio()
    for c in ("C0", "C1", "C2"):
        p.healthy(c)
    p.buyer("STOP")
    p.deliveries("STOP", 100, weeks=26)
    p.invoices("STOP")
    p.touches("STOP")
    import_into(tmp_path / "db.sqlite", p.write(tmp_path / "csv"))
    rep = {b["buyer_id"]: b for b in report_json(tmp_path / "db.sqlite")["buyers"]}
    stop, steady = rep["STOP"], rep["C0"]
    alive = {
        b: next(c for c in rep[b]["explain"]["components"] if c["name"] == "rhythm")["evidence"]
        for b in ("STOP", "C0")
    }
    assert "chance it is still buying" in alive["STOP"]
    assert stop["ltv_risk_adjusted"] < 0.5 * stop["ltv"]
    assert steady["ltv_risk_adjusted"] > 0.9 * steady["ltv"]
