"""Property tests on the pure scoring core: bad news never raises health.

Later payments, falling recent volume, rising recent returns and more open incidents
can only keep health where it was or lower it. Ledgers are built straight from
arrays (tests/helpers.make_ledger), so each example costs milliseconds.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from helpers import AS_OF, WEEKS, make_ledger, monday
from hypothesis import given, settings
from hypothesis import strategies as st

from healthdesk.config import Config
from healthdesk.domain.ledger import NO_DAY, Ledger
from healthdesk.domain.scoring import Scorer

SETTINGS = settings(max_examples=25, deadline=None)
DAY = AS_OF.toordinal()


def health(ledger: Ledger) -> tuple[int, float]:
    scores = Scorer(ledger, Config()).week(ledger.last_week)
    return int(scores.health[0]), float(min(scores.raw[0], scores.cap[0]))


ON_TIME = [
    (monday(k).toordinal(), monday(k).toordinal() + 15, monday(k).toordinal() + 15)
    for k in range(0, WEEKS - 3, 4)
]
"""Invoices paid on the due day, so the non-payment properties score a full buyer."""


def assert_not_higher(worse: Ledger, better: Ledger) -> None:
    h_worse, raw_worse = health(worse)
    h_better, raw_better = health(better)
    assert h_worse <= h_better
    assert raw_worse <= raw_better + 1e-9


leads_history = st.lists(st.integers(20, 400), min_size=WEEKS, max_size=WEEKS)
invoice = st.tuples(
    st.integers(0, WEEKS - 1),  # issue week
    st.integers(0, 45),  # terms
    st.integers(-5, 90),  # days paid after due
)


def _invoices(specs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out = []
    for week, terms, late in specs:
        issued = monday(week).toordinal()
        due = issued + terms
        paid = due + late
        out.append((issued, due, paid if paid <= DAY else NO_DAY))
    return out


@SETTINGS
@given(
    leads=leads_history,
    specs=st.lists(invoice, min_size=1, max_size=6),
    which=st.integers(0, 5),
    delay=st.one_of(st.integers(1, 60), st.just(None)),
)
def test_paying_an_invoice_later_never_raises_health(
    leads: list[int], specs: list, which: int, delay: int | None
) -> None:
    invoices = _invoices(specs)
    i = which % len(invoices)
    later = list(invoices)
    issued, due, paid = later[i]
    later[i] = (issued, due, NO_DAY if delay is None or paid + delay > DAY else paid + delay)
    assert_not_higher(make_ledger(leads, invoices=later), make_ledger(leads, invoices=invoices))


@SETTINGS
@given(
    leads=leads_history,
    week=st.integers(WEEKS - 4, WEEKS - 1),
    cut=st.floats(0.0, 1.0),
)
def test_falling_recent_volume_never_raises_health(leads: list[int], week: int, cut: float) -> None:
    fewer = list(leads)
    fewer[week] = int(fewer[week] * (1 - cut))
    assert_not_higher(make_ledger(fewer, invoices=ON_TIME), make_ledger(leads, invoices=ON_TIME))


@SETTINGS
@given(
    leads=leads_history,
    rate=st.floats(0.0, 0.2),
    week=st.integers(WEEKS - 4, WEEKS - 1),
    extra=st.integers(1, 40),
)
def test_rising_recent_returns_never_raise_health(
    leads: list[int], rate: float, week: int, extra: int
) -> None:
    returned = [int(n * rate) for n in leads]
    more = list(returned)
    more[week] = min(more[week] + extra, leads[week])
    assert_not_higher(
        make_ledger(leads, returned=more, invoices=ON_TIME),
        make_ledger(leads, returned=returned, invoices=ON_TIME),
    )


@SETTINGS
@given(
    leads=leads_history,
    opened_days_ago=st.lists(st.integers(0, 170), min_size=0, max_size=6),
    new_days_ago=st.integers(0, 170),
)
def test_another_open_incident_never_raises_health(
    leads: list[int], opened_days_ago: list[int], new_days_ago: int
) -> None:
    def incidents(ages: list[int]) -> list[tuple[int, int, int]]:
        return [((AS_OF - timedelta(days=a)).toordinal(), NO_DAY, NO_DAY) for a in ages]

    assert_not_higher(
        make_ledger(leads, invoices=ON_TIME, incidents=incidents([*opened_days_ago, new_days_ago])),
        make_ledger(leads, invoices=ON_TIME, incidents=incidents(opened_days_ago)),
    )


def test_stopping_all_leads_caps_health_at_risk() -> None:
    leads = [100] * (WEEKS - 3) + [0, 0, 0]
    h, _ = health(make_ledger(leads, invoices=ON_TIME))
    assert h < Config().bands.watch


def test_buyer_without_invoices_scores_without_payment() -> None:
    ledger = make_ledger([100] * WEEKS)
    scores = Scorer(ledger, Config()).week(ledger.last_week)
    assert np.isnan(scores.scores["payment"].score[0])
    assert scores.weights["payment"][0] == 0
    assert 0 <= scores.health[0] <= 100
