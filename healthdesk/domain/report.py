"""The portfolio as of one week: the shape DATA.md promises, as plain dataclasses.

``report`` JSON, CSV and table, the console and the exports all read this one
structure, so a number cannot differ between them.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from ..config import Config
from . import money
from .concentration import top_share
from .details import warnings
from .explain import Why, explain
from .ledger import Ledger
from .lifecycle import checkins
from .scoring import COMPONENTS, CONCENTRATION, WeekScores
from .weeks import label, last_day

if TYPE_CHECKING:
    from .interventions import OverrideNote


@dataclass(frozen=True)
class BuyerReport:
    buyer_id: str
    name: str
    owner: str
    vertical: str
    phase: str
    month: int
    health: int
    health_change: int
    band: str
    components: dict[str, int | None]
    trust: dict[str, int]
    revenue_13w: float
    revenue_share: float
    concentration: str
    warnings: list[dict[str, str]]
    new_warnings: int
    """Warnings raised this week that were not raised the week before (0 in a buyer's
    first listed week: nothing to compare with)."""
    ltv: float
    effective_cpl: float | None
    checkins: list[dict[str, object]]
    why: Why
    override: OverrideNote | None = None
    ltv_risk_adjusted: float | None = None
    """LTV × the rhythm's chance the buyer is still buying: a buyer that stopped keeps
    its LTV on paper but not here (None when its rhythm cannot say)."""

    def to_json(self) -> dict[str, Any]:
        """DATA.md's buyer object, plus ``explain`` (weights, contributions, evidence)."""
        data = asdict(self)
        why = data.pop("why")
        data["revenue_share"] = round(self.revenue_share, 4)
        data["explain"] = why
        return data


@dataclass(frozen=True)
class Portfolio:
    buyers: int
    revenue_13w: float
    top_20pct_share: float
    concentration_alerts: list[str]
    concentration_warnings: list[str]
    bands: dict[str, int]
    revenue_at_risk_13w: float
    monthly_churn: float
    net_revenue_retention: float | None
    responsiveness: dict[str, dict[str, int]] = field(default_factory=dict[str, dict[str, int]])
    """Our replies to buyers' requests over ``review.reply_weeks``: per request type, how
    many earned each DOMAIN.md grade (``responsiveness.by_type``)."""


@dataclass(frozen=True)
class Report:
    week: str
    portfolio: Portfolio
    buyers: list[BuyerReport] = field(default_factory=list[BuyerReport])

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "portfolio": asdict(self.portfolio),
            "buyers": [b.to_json() for b in self.buyers],
        }


def recount(report: Report, buyers: list[BuyerReport]) -> Report:
    """``report`` with ``buyers`` (overrides in force) and the portfolio's band counts and
    revenue at risk counted from them: a manager's override moves the account in every
    count, as the console shows it. Unchanged when no buyer is overridden."""
    if all(b.override is None for b in buyers):
        return replace(report, buyers=buyers)
    bands = {name: sum(b.band == name for b in buyers) for name in report.portfolio.bands}
    at_risk = round(sum(b.revenue_13w for b in buyers if b.band == "at_risk"), 2)
    portfolio = replace(report.portfolio, bands=bands, revenue_at_risk_13w=at_risk)
    return replace(report, portfolio=portfolio, buyers=by_urgency(buyers))


def churn_for(started: list[date], churned: list[date | None], config: Config, week: int) -> float:
    """The configured monthly churn, else the one measured on the whole book (every
    buyer's start and churn dates), else the fallback."""
    if config.money.monthly_churn is not None:
        return config.money.monthly_churn
    measured = money.monthly_churn(started, churned, date.fromordinal(last_day(week)))
    return measured or config.money.fallback_monthly_churn


def _ledger_churn(ledger: Ledger, config: Config, week: int) -> float:
    """``churn_for`` over the ledger's buyers: the book's when the ledger holds them all."""
    people = ledger.buyers
    return churn_for([b.started_on for b in people], [b.churned_on for b in people], config, week)


def build(
    scores: WeekScores,
    prev: WeekScores | None,
    ledger: Ledger,
    config: Config,
    year_ago_revenue: dict[str, float] | None = None,
) -> Report:
    """Assemble the report for ``scores.week``; buyers most urgent first."""
    churn = _ledger_churn(ledger, config, scores.week)
    logged = _checkin_days(ledger)
    rows = [
        _buyer(scores, prev, ledger, config, churn, b, logged.get(b, []))
        for b in np.flatnonzero(scores.listed).tolist()
    ]
    rows = by_urgency(rows)
    ids = [b.buyer_id for b in ledger.buyers]
    listed = scores.listed
    at_risk = listed & (scores.band == 2)
    nrr = None
    if year_ago_revenue:
        nrr = money.net_revenue_retention(
            dict(zip(ids, scores.revenue.tolist(), strict=True)), year_ago_revenue
        )
    portfolio = Portfolio(
        buyers=int(listed.sum()),
        revenue_13w=round(float(scores.revenue.sum()), 2),
        top_20pct_share=round(top_share(dict(zip(ids, scores.revenue.tolist(), strict=True))), 4),
        concentration_alerts=sorted(ids[b] for b in np.flatnonzero(scores.concentration == 2)),
        concentration_warnings=sorted(ids[b] for b in np.flatnonzero(scores.concentration == 1)),
        bands={
            name: int((listed & (scores.band == i)).sum())
            for i, name in enumerate(("healthy", "watch", "at_risk"))
        },
        revenue_at_risk_13w=round(float(scores.revenue[at_risk].sum()), 2),
        monthly_churn=round(churn, 4),
        net_revenue_retention=None if nrr is None else round(nrr, 4),
    )
    return Report(week=label(scores.week), portfolio=portfolio, buyers=rows)


def buyer_report(
    scores: WeekScores,
    prev: WeekScores | None,
    ledger: Ledger,
    config: Config,
    b: int,
    churn: float | None = None,
) -> BuyerReport:
    """One buyer's report (row ``b``), without building everyone else's. ``churn`` is
    the book's (``churn_for``) when the ledger holds only some buyers; by default it is
    measured on the ledger's."""
    churn = _ledger_churn(ledger, config, scores.week) if churn is None else churn
    return _buyer(scores, prev, ledger, config, churn, b, _checkin_days(ledger).get(b, []))


def _checkin_days(ledger: Ledger) -> dict[int, list[date]]:
    """Logged check-in dates per buyer row, grouped once for the whole report."""
    ev = ledger.events("check_in")
    out: dict[int, list[date]] = {}
    for b, day in zip(ev.buyer.tolist(), ev.day.tolist(), strict=True):
        out.setdefault(b, []).append(date.fromordinal(day))
    return out


class Ranked(Protocol):
    """What the urgency order reads: a report's buyer, or a stored portfolio row (the
    store's ``PortfolioRow`` names its fields as the report does)."""

    @property
    def buyer_id(self) -> str: ...
    @property
    def health(self) -> int: ...
    @property
    def health_change(self) -> int: ...
    @property
    def warnings(self) -> Sized: ...
    @property
    def new_warnings(self) -> int: ...
    @property
    def phase(self) -> str: ...
    @property
    def revenue_share(self) -> float: ...


R = TypeVar("R", bound=Ranked)


def by_urgency(rows: Sequence[R]) -> list[R]:
    """Most urgent first: risk² (low and falling health, warnings, drift) × value.

    Value is the account's share of the book's revenue plus an average account's share
    (1 / buyers), so a 28% account at risk comes before a small one at the same risk,
    and an account with no revenue in the window still ranks by its risk. Risk counts
    squared because the chance of losing an account climbs steeply as its health falls:
    a healthy large account with one warning must not outrank a small one that is
    leaving. A warning new this week counts twice: the same signs as last week were
    seen last Monday, a new one is this week's news."""
    floor = 1 / max(len(rows), 1)
    return sorted(rows, key=lambda b: (-(_risk(b) ** 2 * (b.revenue_share + floor)), b.buyer_id))


def _risk(b: Ranked) -> int:
    risk = (100 - b.health) + max(-b.health_change, 0) * 2
    risk += 5 * len(b.warnings) + 5 * b.new_warnings
    return risk + (15 if b.phase == "drift" and b.warnings else 0)


def _buyer(
    s: WeekScores,
    prev: WeekScores | None,
    led: Ledger,
    cfg: Config,
    churn: float,
    b: int,
    logged: list[date],
) -> BuyerReport:
    s = s.seen_by(b)  # a segment's buyer is explained with its segment's settings
    buyer = led.buyers[b]
    weeks = cfg.concentration.window_weeks
    revenue = float(s.revenue[b])
    margin = (
        buyer.gross_margin if buyer.gross_margin is not None else cfg.money.default_gross_margin
    )
    health = int(s.health[b])
    before = int(prev.health[b]) if prev is not None and prev.listed[b] else health
    col = led.column(s.week)
    lo = max(col - weeks + 1, 0)
    leads = float(led.weekly.leads[b, lo : col + 1].sum())
    returned = float(led.weekly.returned[b, lo : col + 1].sum())
    ltv = round(money.ltv(money.monthly_revenue(revenue, weeks), margin, churn), 2)
    alive = _alive(s, b)
    return BuyerReport(
        buyer_id=buyer.buyer_id,
        name=buyer.name,
        owner=buyer.owner,
        vertical=buyer.vertical,
        phase=s.phase_name(b),
        month=int(s.month[b]),
        health=health,
        health_change=health - before,
        band=s.band_name(b),
        components={
            c: None if np.isnan(s.scores[c].score[b]) else round(float(s.scores[c].score[b]))
            for c in COMPONENTS
        },
        trust={"incidents": int(s.trust_incidents[b]), "level": int(s.trust_level[b])},
        revenue_13w=round(revenue, 2),
        revenue_share=float(s.share[b]),
        concentration=CONCENTRATION[int(s.concentration[b])],
        warnings=warnings(s, led, b),
        new_warnings=_new_warnings(s, prev, b),
        ltv=ltv,
        ltv_risk_adjusted=None if np.isnan(alive) else round(ltv * alive, 2),
        effective_cpl=_round(money.effective_cpl(revenue, leads, returned)),
        checkins=checkins(
            buyer.started_on,
            cfg.checkins.days,
            logged,
            date.fromordinal(last_day(s.week)),
            cfg.checkins.grace_days,
            cfg.checkins.early_days,
        ),
        why=explain(s, prev, led, b),
    )


def _alive(s: WeekScores, b: int) -> float:
    """The rhythm's chance buyer row ``b`` is still buying (NaN without a rhythm)."""
    alive = s.scores["rhythm"].inputs.get("alive")
    return float(alive[b]) if alive is not None else float("nan")


def _new_warnings(s: WeekScores, prev: WeekScores | None, b: int) -> int:
    if prev is None or not prev.listed[b]:
        return 0
    before = set(prev.signals.codes(b))
    return sum(code not in before for code in s.signals.codes(b))


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)
