"""Money: lifetime value, monthly churn, net revenue retention, CPL.

Formulas from DOMAIN.md (seed 003 for churn): LTV = monthly revenue × gross margin ×
1 / monthly churn; churn = lost ÷ active at start.
"""

from __future__ import annotations

from datetime import date

WEEKS_PER_MONTH = 52 / 12


def ltv(monthly_revenue: float, gross_margin: float, monthly_churn: float) -> float:
    """Lifetime value: $15,000 × 25% at 5% monthly churn is $75,000."""
    if monthly_churn <= 0:
        raise ValueError("monthly churn must be above 0 for a finite lifetime value")
    return monthly_revenue * gross_margin / monthly_churn


def monthly_revenue(revenue: float, weeks: int) -> float:
    """Average monthly revenue from a revenue total over ``weeks`` weeks."""
    return revenue / weeks * WEEKS_PER_MONTH if weeks else 0.0


def monthly_churn(started: list[date], churned: list[date | None], as_of: date) -> float | None:
    """Average monthly churn over the 12 months before ``as_of``, measured on the book:
    total buyers lost ÷ total buyer-months active at each month's start."""
    lost = 0
    exposure = 0
    for months_back in range(12, 0, -1):
        start = _add_months(as_of, -months_back)
        end = _add_months(as_of, -months_back + 1)
        for began, left in zip(started, churned, strict=True):
            if began < start and (left is None or left >= start):
                exposure += 1
                lost += left is not None and left < end
    return lost / exposure if exposure and lost else None


def net_revenue_retention(now: dict[str, float], year_ago: dict[str, float]) -> float | None:
    """Revenue now from buyers active a year ago ÷ their revenue then."""
    base = sum(v for v in year_ago.values() if v > 0)
    if base <= 0:
        return None
    return sum(now.get(k, 0.0) for k, v in year_ago.items() if v > 0) / base


def effective_cpl(revenue: float, leads: float, returned: float) -> float | None:
    """Price per lead after accepted returns: $60 at a 15% return rate is $51."""
    if leads <= 0:
        return None
    return revenue / leads * (1 - min(returned / leads, 1.0))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, 28))
