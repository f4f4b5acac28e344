"""Reading a portfolio week for the console, off the UI thread.

A week is the stored scores (``store.views``) with the managers' health overrides in
force, in the report's urgency order; the console caches these and draws from them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import TypeVar

from ..config import Bands
from ..domain.bands import band_of
from ..domain.interventions import Override, active_overrides
from ..domain.money import net_revenue_retention
from ..domain.weeks import YEAR_WEEKS
from ..store import views
from .messages import Week

T = TypeVar("T")


def read_week(conn: sqlite3.Connection, week: int, bands: Bands) -> Week:
    """A portfolio week with the managers' overrides in force, most urgent first (the
    report's own order, which also ranks overridden buyers by the manager's health)."""
    from ..domain.report import by_urgency

    rows = _overridden(views.portfolio(conn, week), views.overrides(conn), week, bands)
    rows = by_urgency(rows)
    revenue = {r.buyer_id: r.revenue_13w for r in rows}
    nrr = net_revenue_retention(revenue, views.revenue(conn, week - YEAR_WEEKS))
    return Week(week, rows, revenue, nrr)


def _overridden(
    rows: list[views.PortfolioRow], overrides: list[Override], week: int, bands: Bands
) -> list[views.PortfolioRow]:
    """``rows`` with each active override's health and band, the computed health kept
    beside it (``apply_overrides`` does the same to a report's buyers)."""
    active = active_overrides(overrides, week)
    if not active:
        return rows
    out = []
    for r in rows:
        o = active.get(r.buyer_id)
        if o is not None:
            r = r._replace(
                health=o.health,
                band=band_of(o.health, bands),
                override=(r.health, o.reason, o.expires_on.isoformat()),
            )
        out.append(r)
    return out


def last_data_day(path: Path) -> date | None:
    """The data's last day (``store.imports.activity_through``): nothing recorded by
    hand in the console may be dated after it. One indexed MAX per table, so the key
    that opens a form can ask it without a worker."""
    from ..store.db import open_db
    from ..store.imports import activity_through

    db = open_db(path)
    try:
        last = activity_through(db)
    finally:
        db.close()
    return None if last is None else date.fromordinal(last)


def in_thread(read: Callable[[], T]) -> Future[T]:
    """Run ``read`` on a new daemon thread; its result (or error) in the future."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(read())
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name="healthdesk-open", daemon=True).start()
    return future
