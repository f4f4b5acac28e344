"""Weekly health for every buyer of a week, in one vectorised pass.

Health is the weighted mean of the components that have data (absent components
are dropped and the remaining weights re-normalised), then capped: a buyer who
stopped taking leads against its own rhythm cannot look healthy, and neither can one
whose trust is eroded by open incidents or who shows a warning sign. Caps are soft
(``soft_cap``), so capped buyers keep their order instead of piling on one number,
and each is part of the explanation, not hidden.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np

from ..config import Bands, Config
from . import components as comp
from .bands import BANDS
from .ledger import Array, Bools, Floats, Ints, Ledger
from .lifecycle import PHASES, expected_share, month_numbers, phase_index, yyyymmdd
from .rhythm import cadence, hold
from .rhythm import read as read_rhythm
from .signals import Signals, detect
from .weeks import monday
from .window import AsOf, Cumulative

COMPONENTS = (
    "rhythm",
    "volume",
    "payment",
    "returns",
    "engagement",
    "satisfaction",
    "expansion",
)
CONFIDENT = ("volume", "expansion")
"""Components read from the recent window, weighed by how surely the buyer's rhythm
fills it (``components.volume``'s reliability)."""
CONCENTRATION = ("ok", "warn", "alert")
NEUTRAL_HEALTH = 50.0
"""Health of a buyer with no data at all yet: neither good nor bad news."""


@dataclass
class WeekScores:
    """Every buyer's score for one week. Rows follow ``Ledger.buyers``; ``listed``
    marks the buyers in the portfolio that week (started, not yet churned)."""

    week: int
    listed: Bools
    health: Floats
    raw: Floats
    cap: Floats
    cap_limit: Floats
    cap_reason: Ints
    band: Ints
    scores: dict[str, comp.Component]
    weights: dict[str, Floats]
    trust_incidents: Ints
    trust_level: Ints
    revenue: Floats
    leads: Floats
    share: Floats
    concentration: Ints
    month: Ints
    phase: Ints
    signals: Signals
    config: Config
    segment: Ints | None = None
    """Per buyer, the index into ``book.segments`` it was scored with (-1: the book's)."""
    book: Config | None = None
    """The book's config when ``config`` was narrowed to one buyer's (``seen_by``)."""

    def config_for(self, b: int) -> Config:
        """The config buyer row ``b`` was scored with: its segment's, or the book's."""
        book = self.book or self.config
        if self.segment is None or self.segment[b] < 0:
            return book
        return book.segments[int(self.segment[b])].config

    def profile(self, b: int) -> str:
        """The scoring profile in words: "default" or "segment <vertical>"."""
        if self.segment is None or self.segment[b] < 0:
            return "default"
        return f"segment {(self.book or self.config).segments[int(self.segment[b])].vertical}"

    def seen_by(self, b: int) -> WeekScores:
        """This week as buyer row ``b``'s explanation reads it: with its own config."""
        config = self.config_for(b)
        if config is self.config:
            return self
        return dataclasses.replace(self, config=config, book=self.book or self.config)

    def band_name(self, b: int) -> str:
        return BANDS[int(self.band[b])]

    def phase_name(self, b: int) -> str:
        return PHASES[int(self.phase[b])]


CAP_NONE, CAP_STOPPED, CAP_TRUST, CAP_WARNING = 0, 1, 2, 3


class Scorer:
    """Scores weeks of one ledger; holds the prefix sums so each week is cheap."""

    def __init__(
        self, ledger: Ledger, config: Config, portfolio_revenue: Mapping[int, float] | None = None
    ) -> None:
        """``portfolio_revenue`` maps each week to the whole portfolio's revenue when the
        ledger holds only part of it (one buyer's explanation), so a share stays a share
        of the whole book; by default the ledger's own buyers are the book."""
        self.ledger = ledger
        self.config = config
        self.portfolio_revenue = portfolio_revenue
        self.sums = Cumulative(ledger)
        buyers = ledger.buyers
        self.started = np.array([b.started_on.toordinal() for b in buyers], dtype=np.int64)
        self.started_ymd = np.array([yyyymmdd(b.started_on) for b in buyers], dtype=np.int64)
        self.ended = np.array(
            [b.churned_on.toordinal() if b.churned_on else 10**7 for b in buyers], dtype=np.int64
        )
        self.contracted = np.array(
            [b.contracted_weekly_leads or np.nan for b in buyers], dtype=float
        )
        self.ever_touched = self._first_touch()
        self.cadence = cadence(ledger, config.rhythm.half_life_weeks)
        self.segment = np.full(len(buyers), -1, dtype=np.int64)
        self._segments: list[tuple[Bools, Scorer]] = []
        verticals = np.array([b.vertical.casefold() for b in buyers], dtype=object)
        for i, seg in enumerate(config.segments):
            rows = verticals == seg.vertical.casefold()
            if rows.any():
                self.segment[rows] = i
                own = dataclasses.replace(seg.config, segments=())
                self._segments.append((rows, Scorer(ledger, own, portfolio_revenue)))

    def _first_touch(self) -> Ints:
        """First week each buyer had any touchpoint, so engagement is absent before it."""
        w = self.ledger.weekly
        touched = (w.outbound + w.inbound + w.replies) > 0
        any_touch = touched.any(axis=1)
        first = np.where(any_touch, touched.argmax(axis=1), np.iinfo(np.int64).max // 2)
        first = np.where(self.ledger.contact_before > 0, -1, first)
        return first

    def weeks(self, weeks: Iterable[int]) -> Iterator[WeekScores]:
        """Score each week in turn."""
        for week in weeks:
            yield self.week(week)

    def week(self, week: int) -> WeekScores:
        """Score every buyer as of the end of ``week``, each segment's buyers with their
        segment's config."""
        scores = self._week(week)
        if not self._segments:
            return scores
        for rows, scorer in self._segments:
            scores = _take(scores, scorer._week(week), rows)
        return dataclasses.replace(scores, config=self.config, segment=self.segment)

    def _week(self, week: int) -> WeekScores:
        """Score every buyer as of the end of ``week`` with this scorer's config."""
        cfg = self.config
        at = AsOf(self.ledger, self.sums, week)
        n = len(self.ledger.buyers)
        listed = (self.started <= at.day) & (self.ended >= monday(week).toordinal())
        month = month_numbers(self.started_ymd, date.fromordinal(at.day))
        phase = phase_index(month)
        beat = read_rhythm(
            self.cadence,
            at.col,
            week,
            self.ledger.first_active,
            cfg.rhythm,
            cfg.volume.recent_weeks,
        )
        volume = comp.volume(at, cfg, self.contracted, expected_share(phase), beat)
        parts = {
            "rhythm": comp.rhythm(beat),
            "volume": volume,
            "payment": comp.payment(at, cfg, n),
            "returns": comp.returns(at, cfg),
            "engagement": comp.engagement(at, cfg, self.ever_touched <= at.col),
            "satisfaction": comp.satisfaction(at, cfg, n),
            "expansion": comp.expansion(at, cfg, volume.inputs, self.contracted),
        }
        reliability = volume.inputs["reliability"]
        confidence: dict[str, Floats] = dict.fromkeys(CONFIDENT, reliability)
        weights = _normalised_weights(parts, dataclasses.asdict(cfg.weights), confidence)
        raw = sum(np.nan_to_num(parts[c].score) * weights[c] for c in COMPONENTS)
        raw = np.where(sum(weights.values()) > 0, raw, NEUTRAL_HEALTH)
        revenue = _cents(at.total("revenue", cfg.concentration.window_weeks)) * listed
        total = revenue.sum() if self.portfolio_revenue is None else self.portfolio_revenue[week]
        share = revenue / total if total > 0 else np.zeros(n)
        concentration = (share > cfg.concentration.warn).astype(np.int64) + (
            share > cfg.concentration.alert
        )
        signals = detect(at, cfg, parts, share, self.started)
        incidents = _open_incidents(self.ledger, at.day, cfg.trust.window_days, n)
        rung = np.minimum(incidents, 5)
        limit, cap_reason = _caps(cfg, rung, beat.alive, signals, volume)
        cap = soft_cap(raw, limit, cfg.bands.cap_floor)
        cap_reason = np.where(cap < raw, cap_reason, CAP_NONE)
        health_int = np.rint(np.minimum(raw, cap))
        band = band_index(health_int, cfg.bands)
        return WeekScores(
            week=week,
            listed=listed,
            health=health_int,
            raw=raw,
            cap=cap,
            cap_limit=limit,
            cap_reason=cap_reason,
            band=band,
            scores=parts,
            weights=weights,
            trust_incidents=incidents,
            trust_level=np.array(cfg.trust.levels)[rung],
            revenue=revenue,
            leads=at.total("leads", 1),
            share=share,
            concentration=concentration,
            month=month,
            phase=phase,
            signals=signals,
            config=cfg,
        )


def _take(base: WeekScores, other: WeekScores, rows: Bools) -> WeekScores:
    """``base`` with buyer ``rows`` taken from ``other`` (same ledger, same week): every
    per-buyer array, including each component's inputs and each signal's evidence."""

    def pick(a: Any, b: Any) -> Any:
        if isinstance(a, np.ndarray):
            arr = cast(Array, a)
            if arr.ndim >= 1 and arr.shape[0] == rows.shape[0]:
                return np.where(rows.reshape(-1, *([1] * (arr.ndim - 1))), b, arr)
            return arr
        if isinstance(a, dict):
            d = cast(dict[str, Any], a)
            return {k: pick(v, b[k]) for k, v in d.items()}
        if isinstance(a, comp.Component):
            return comp.Component(pick(a.score, b.score), pick(a.inputs, b.inputs))
        if isinstance(a, Signals):
            return Signals(pick(a.flags, b.flags), pick(a.evidence, b.evidence))
        return a

    merged = {
        f.name: pick(getattr(base, f.name), getattr(other, f.name))
        for f in dataclasses.fields(base)
        if f.name not in ("config", "segment", "book")
    }
    return WeekScores(**merged, config=base.config)


def _cents(amounts: Floats) -> Floats:
    """Money to the cent. A window total read from prefix sums differs in its last bits
    with the ledger's first week; rounded, it is the same number whichever weeks were
    loaded, so a stored revenue (and a total of stored revenues) reproduces it exactly."""
    return np.round(amounts, 2)


def _caps(
    cfg: Config, rung: Ints, alive: Floats, signals: Signals, volume: comp.Component
) -> tuple[Floats, Ints]:
    """The lowest applicable limit per buyer and which rule set it (``CAP_*``)."""
    candidates = np.stack(
        [
            np.full(rung.shape, 100.0),
            np.minimum(hold(alive, cfg.rhythm, cfg.bands.watch), _decline_limit(cfg, volume)),
            np.array(cfg.trust.caps, dtype=float)[rung],
            _warning_limit(cfg.bands, signals.behaviour_count()),
        ]
    )
    reason = np.argmin(candidates, axis=0)
    limit = candidates[reason, np.arange(rung.shape[0])]
    return limit, np.where(limit >= 100, CAP_NONE, reason)


def _decline_limit(cfg: Config, volume: comp.Component) -> Floats:
    """A steady buyer whose leads fell: ``warning_cap`` at the decline line, down to at
    risk where they halved (``abrupt_ratio``), as one sign however deep; no limit for
    buyers whose rhythm makes a few weeks' volume noise (``volume.min_reliability``)."""
    v, inputs = cfg.volume, volume.inputs
    trend = np.nan_to_num(inputs["trend"], nan=1.0)
    steady = inputs["reliability"] >= v.min_reliability
    limit = np.interp(
        trend,
        [v.abrupt_ratio, v.decline_ratio],
        [float(cfg.bands.watch - 1), float(cfg.bands.warning_cap)],
    )
    return np.where(steady & (trend <= v.decline_ratio), limit, 100.0)


def _warning_limit(bands: Bands, signs: Ints) -> Floats:
    """``warning_cap`` for one sign, ``warning_step`` lower for each further one, never
    below at risk; no limit without a sign."""
    lowest = min(bands.watch - 1, bands.warning_cap)
    limit = np.maximum(bands.warning_cap - bands.warning_step * (signs - 1), lowest)
    return np.where(signs > 0, limit, 100.0).astype(float)


def soft_cap(raw: Floats, limit: Floats, floor: float) -> Floats:
    """The most health a limit allows a buyer of this raw health: ``limit`` scaled from
    ``floor × limit`` (raw 0) to ``limit`` (raw 100). Below the limit, a better raw
    health still scores better, so a cap never piles buyers on one number."""
    return np.where(limit >= 100, 100.0, limit * (floor + (1 - floor) * raw / 100))


def band_index(health: Floats, bands: Bands) -> Ints:
    """0 healthy, 1 watch, 2 at risk (``BANDS`` order) for rounded health values."""
    return np.where(health >= bands.healthy, 0, np.where(health >= bands.watch, 1, 2))


def _normalised_weights(
    parts: dict[str, comp.Component], weights: dict[str, float], confidence: dict[str, Floats]
) -> dict[str, Floats]:
    """Per buyer, each present component's share of the weight of all present ones; a
    component read from a window the buyer's rhythm rarely fills counts with its
    ``confidence`` share of its weight."""
    given = {c: ~np.isnan(parts[c].score) * weights[c] * confidence.get(c, 1.0) for c in COMPONENTS}
    total = sum(given.values())
    return {
        c: np.where(total > 0, given[c] / np.where(total > 0, total, 1), 0.0) for c in COMPONENTS
    }


def _open_incidents(ledger: Ledger, day: int, window_days: int, n: int) -> Ints:
    """Incidents opened in the window that are not both resolved and confirmed."""
    inc = ledger.incidents
    counted = (inc.opened <= day) & (inc.opened > day - window_days)
    counted &= ~((inc.resolved <= day) & (inc.confirmed <= day))
    return np.bincount(inc.buyer[counted], minlength=n)
