"""The scoring core's input: a portfolio's history as weekly matrices and event arrays.

The storage layer fills a ``Ledger`` with set-based queries (one GROUP BY per
table); the core then scores every buyer of a week in one vectorised pass. Rows are
buyers in ``Ledger.buyers`` order; matrix columns are weeks ``first_week..last_week``.
Days are ``date.toordinal()`` integers; a missing day is ``NO_DAY`` (far future), so
"not yet paid / resolved / confirmed" compares naturally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

NO_DAY = 10**7
"""A day after every real day: the value of an empty paid_on, resolved_at, ended_on."""

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Numbers = npt.NDArray[np.number[Any]]
"""Integer or float arrays alike (counts, sums, ratios)."""
Weights = npt.NDArray[np.floating[Any]]
"""How many times each buyer counts (float64 ones, or float32 bootstrap draws)."""
Array = npt.NDArray[Any]
"""A per-buyer array of any dtype (a component's named inputs)."""


def or_zero(x: float) -> float:
    """A scalar with NaN read as 0 (``np.nan_to_num`` costs ~25 µs a scalar call)."""
    return 0.0 if x != x else float(x)


@dataclass(frozen=True)
class Buyer:
    """One account as imported from buyers.csv."""

    buyer_id: str
    name: str
    started_on: date
    vertical: str = ""
    owner: str = ""
    payment_terms_days: int = 15
    contracted_weekly_leads: float | None = None
    gross_margin: float | None = None
    status: str = "active"
    churned_on: date | None = None


WEEKLY_SUMS = (
    "leads",
    "revenue",
    "cost",
    "returned",
    "outbound",
    "inbound",
    "replies",
    "reply_hours",
)
"""The additive per buyer-week matrices of ``Weekly`` (``last_contact`` is a maximum)."""


@dataclass
class Weekly:
    """Per buyer × week sums. ``reply_*`` are counted in the week the reply arrived."""

    leads: Floats
    revenue: Floats
    cost: Floats
    returned: Floats
    outbound: Floats
    inbound: Floats
    replies: Floats
    reply_hours: Floats
    last_contact: Ints

    @classmethod
    def zeros(cls, buyers: int, weeks: int) -> Weekly:
        """Empty matrices the store fills in place."""
        shape = (buyers, weeks)
        return cls(
            *(np.zeros(shape) for _ in range(8)),
            last_contact=np.zeros(shape, dtype=np.int64),
        )


@dataclass
class Invoices:
    buyer: Ints
    invoice_id: list[str]
    issued: Ints
    due: Ints
    paid: Ints
    amount: Floats


@dataclass
class Incidents:
    buyer: Ints
    incident_id: list[str]
    opened: Ints
    resolved: Ints
    confirmed: Ints
    summary: list[str]


@dataclass
class Contacts:
    buyer: Ints
    name: list[str]
    primary: Bools
    started: Ints
    ended: Ints
    introduced: Bools


@dataclass
class Events:
    """Sparse dated events of one kind (complaints, check-ins, surveys, new products…)."""

    buyer: Ints
    day: Ints
    value: Floats
    text: list[str]


def no_events() -> Events:
    """An empty event list, for a kind the portfolio has none of."""
    return Events(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), [])


@dataclass
class Ledger:
    """Everything the core reads. ``first_active`` is each buyer's first delivery week
    (or a huge number), ``contact_before`` the last buyer contact day before
    ``first_week``, and ``active_before`` the weeks (in ``day``) before ``first_week``
    in which a buyer took leads: they summarise history outside the loaded columns."""

    buyers: list[Buyer]
    first_week: int
    last_week: int
    weekly: Weekly
    first_active: Ints
    contact_before: Ints
    invoices: Invoices
    incidents: Incidents
    contacts: Contacts
    touch_events: dict[str, Events] = field(default_factory=dict[str, Events])
    surveys: Events = field(default_factory=no_events)
    new_products: Events = field(default_factory=no_events)
    active_before: Events = field(default_factory=no_events)

    def events(self, kind: str) -> Events:
        """Touchpoint events of ``kind`` (complaint, escalation, check_in…), maybe none."""
        return self.touch_events.get(kind) or no_events()

    def column(self, week: int) -> int:
        """The matrix column of ``week``."""
        return week - self.first_week
