"""Typed messages the console's worker threads post back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from textual.message import Message

from ..store.records import Contact, Incident, Invoice, Touchpoint
from ..store.views import PortfolioRow


@dataclass(frozen=True)
class Week:
    """One as-of week of the portfolio, read from stored weekly scores."""

    week: int
    rows: list[PortfolioRow]
    revenue: dict[str, float] = field(default_factory=dict)
    """13-week revenue by buyer: the what-if's input."""
    nrr: float | None = None
    """Net revenue retention against the same week a year back (None without a year)."""

    @cached_property
    def by_id(self) -> dict[str, PortfolioRow]:
        return {r.buyer_id: r for r in self.rows}

    @cached_property
    def search_text(self) -> list[str]:
        """Per row, the casefolded text ``/`` searches (name, owner, vertical, id):
        built once per week, so a key typed in the filter scans plain strings."""
        return [f"{r.name}\0{r.owner}\0{r.vertical}\0{r.buyer_id}".casefold() for r in self.rows]


class WeeksLoaded(Message):
    """The scored weeks (oldest first) and the portfolio of one of them."""

    def __init__(self, weeks: list[int], data: Week) -> None:
        super().__init__()
        self.weeks = weeks
        self.data = data


class WeekLoaded(Message):
    """A portfolio week read for time travel (or prefetched for it)."""

    def __init__(self, data: Week, prefetch: bool) -> None:
        super().__init__()
        self.data = data
        self.prefetch = prefetch


class LoadFailed(Message):
    """A worker could not read the database; the text says why, for the user."""

    def __init__(self, what: str, error: str) -> None:
        super().__init__()
        self.what = what
        self.error = error


@dataclass(frozen=True)
class AccountRecords:
    """One buyer's raw records as they stood at the as-of week."""

    buyer_id: str
    week: int
    history: list[tuple]
    invoices: list[Invoice]
    incidents: list[Incident]
    contacts: list[Contact]
    touchpoints: list[Touchpoint]
    started_on: str | None
    checkins: list[int]


class RecordsLoaded(Message):
    def __init__(self, records: AccountRecords) -> None:
        super().__init__()
        self.records = records


class ExplanationLoaded(Message):
    """``engine.buyer_report`` for a buyer-week (None: not in the portfolio that week)."""

    def __init__(self, buyer_id: str, week: int, report: Any) -> None:
        super().__init__()
        self.buyer_id = buyer_id
        self.week = week
        self.report = report


class IncidentsLoaded(Message):
    def __init__(self, week: int, incidents: list[Incident]) -> None:
        super().__init__()
        self.week = week
        self.incidents = incidents
