"""Builders for test portfolios: DATA.md CSV folders in tmp_path, and tiny direct Ledgers.

Every portfolio shares one calendar: week 0 starts on ``START`` (a Monday) and the
history runs ``WEEKS`` weeks, so the report's default "as of" week is the last one
and its last counted day is ``AS_OF`` (that week's Sunday).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from healthdesk.config import Config
from healthdesk.domain.ledger import (
    Buyer,
    Contacts,
    Incidents,
    Invoices,
    Ledger,
    Weekly,
)
from healthdesk.domain.weeks import week_of

START = date(2025, 1, 6)
WEEKS = 30
AS_OF = START + timedelta(weeks=WEEKS, days=-1)
"""The Sunday ending the last week: the last day the default report counts."""
ESTABLISHED = date(2024, 1, 1)
PRICE = 60.0


def monday(k: int) -> date:
    """The Monday of portfolio week ``k`` (week 0 is ``START``)."""
    return START + timedelta(weeks=k)


def at(day: date, hour: int = 10) -> str:
    """An ISO datetime in UTC on ``day``."""
    return datetime.combine(day, time(hour)).isoformat() + "Z"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write a CSV file exactly as given (header first), UTF-8, ``\\n`` line ends."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return path


class Portfolio:
    """Rows per DATA.md file, written as a folder of CSVs by ``write``."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {}

    def add(self, file: str, **row: object) -> None:
        self.rows.setdefault(file, []).append(row)

    def buyer(self, buyer_id: str, **extra: object) -> None:
        extra.setdefault("name", f"Buyer {buyer_id}")
        extra.setdefault("started_on", ESTABLISHED)
        extra.setdefault("owner", "Ann")
        self.add("buyers.csv", buyer_id=buyer_id, **extra)

    def deliveries(
        self,
        buyer_id: str,
        leads: Sequence[float] | float = 100,
        *,
        first_week: int = 0,
        weeks: int = WEEKS,
        price: float = PRICE,
        product: str | None = None,
    ) -> None:
        """One delivery row per week, on the Wednesday."""
        per_week = [leads] * (weeks - first_week) if isinstance(leads, int | float) else leads
        for k, n in enumerate(per_week, start=first_week):
            row = {"buyer_id": buyer_id, "date": monday(k) + timedelta(days=2), "leads": n}
            row["revenue"] = round(n * price, 2)
            if product:
                row["product"] = product
            self.add("deliveries.csv", **row)

    def invoices(
        self,
        buyer_id: str,
        *,
        every: int = 4,
        terms: int = 15,
        late: int = 0,
        first_week: int = 0,
        weeks: int = WEEKS,
        amount: float = 24000.0,
    ) -> None:
        """An invoice every ``every`` weeks, paid ``late`` days after due when that day
        has come by ``AS_OF``, else left unpaid (not yet due)."""
        for k in range(first_week, weeks, every):
            issued = monday(k)
            due = issued + timedelta(days=terms)
            paid = due + timedelta(days=late)
            self.add(
                "invoices.csv",
                invoice_id=f"INV-{buyer_id}-{k:02d}",
                buyer_id=buyer_id,
                issued_on=issued,
                due_on=due,
                amount=amount,
                paid_on=paid if paid <= AS_OF else None,
            )

    def touches(
        self,
        buyer_id: str,
        *,
        every: int = 1,
        first_week: int = 0,
        weeks: int = WEEKS,
        reply_until: int | None = None,
        unanswered: Collection[int] = (),
        reply_hours: int = 4,
    ) -> None:
        """Outbound email on each Tuesday; answered ``reply_hours`` later, except from
        week ``reply_until`` on and in the ``unanswered`` weeks."""
        for k in range(first_week, weeks, every):
            sent = datetime.combine(monday(k) + timedelta(days=1), time(10))
            replied = None
            if (reply_until is None or k < reply_until) and k not in unanswered:
                replied = at(sent.date(), 10 + reply_hours)
            self.add(
                "touchpoints.csv",
                buyer_id=buyer_id,
                at=sent.isoformat() + "Z",
                direction="outbound",
                channel="email",
                replied_at=replied,
                kind="routine",
            )

    def returns(
        self, buyer_id: str, per_week: Sequence[int], *, reason: str = "invalid_contact"
    ) -> None:
        for k, n in enumerate(per_week):
            if n:
                self.add(
                    "returns.csv",
                    buyer_id=buyer_id,
                    date=monday(k) + timedelta(days=3),
                    leads=n,
                    reason=reason,
                    status="accepted",
                )

    def healthy(self, buyer_id: str, leads: float = 100, **buyer: object) -> None:
        """A steady established account: same volume every week, invoices paid on the
        due day, every outreach answered the same day, no returns, no incidents."""
        self.buyer(buyer_id, **buyer)
        self.deliveries(buyer_id, leads)
        self.invoices(buyer_id)
        self.touches(buyer_id)

    def write(self, folder: Path) -> Path:
        """Write every file with a header of all the keys its rows use."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.rows.items():
            header: list[str] = []
            for row in rows:
                header += [k for k in row if k not in header]
            write_csv(folder / name, header, [[row.get(k) for k in header] for row in rows])
        return folder


def import_into(db_path: Path, folder: Path) -> Any:
    """Run the real importer into the SQLite file at ``db_path``, then close it."""
    from healthdesk.ingest.importer import import_folder
    from healthdesk.store.db import open_db

    db = open_db(db_path, create=True)
    try:
        return import_folder(db, folder)
    finally:
        db.close()


def report_json(db_path: Path, week: date | None = None, config: Config | None = None) -> dict:
    """The engine's report for the week containing ``week`` (default latest), as JSON data."""
    from healthdesk import engine
    from healthdesk.store.db import open_db

    db = open_db(db_path)
    try:
        rep = engine.report(db, config or Config(), None if week is None else week_of(week))
    finally:
        db.close()
    return json.loads(json.dumps(rep.to_json(), default=str))


def build_report(portfolio: Portfolio, tmp: Path, config: Config | None = None) -> dict:
    """CSV folder → import → report; the report's buyers keyed by id under ``by_id``."""
    folder = portfolio.write(tmp / "csv")
    db_path = tmp / "portfolio.db"
    import_into(db_path, folder)
    data = report_json(db_path, config=config)
    data["by_id"] = {b["buyer_id"]: b for b in data["buyers"]}
    return data


def codes(buyer: dict) -> list[str]:
    return [w["code"] for w in buyer["warnings"]]


def detail(buyer: dict, code: str) -> str:
    return next(w["detail"] for w in buyer["warnings"] if w["code"] == code)


def make_ledger(
    leads: Sequence[float],
    *,
    returned: Sequence[float] | None = None,
    invoices: Sequence[tuple[int, int, int]] = (),
    incidents: Sequence[tuple[int, int, int]] = (),
    started: date = ESTABLISHED,
) -> Ledger:
    """A one-buyer Ledger straight from arrays: weekly leads (revenue at ``PRICE``),
    accepted returns, invoices ``(issued, due, paid)`` and incidents ``(opened,
    resolved, confirmed)`` as day ordinals (``NO_DAY`` for "not yet"). Every week has
    one outreach answered the same day."""
    n = len(leads)
    first = week_of(START)
    weekly = Weekly.zeros(1, n)
    weekly.leads[0] = leads
    weekly.revenue[0] = np.asarray(leads, dtype=float) * PRICE
    weekly.returned[0] = returned if returned is not None else np.zeros(n)
    weekly.outbound[0] = 1
    weekly.replies[0] = 1
    weekly.reply_hours[0] = 4
    weekly.last_contact[0] = [monday(k).toordinal() + 1 for k in range(n)]
    inv = np.array(invoices, dtype=np.int64).reshape(-1, 3)
    inc = np.array(incidents, dtype=np.int64).reshape(-1, 3)
    ints = np.zeros(0, dtype=np.int64)
    return Ledger(
        buyers=[Buyer("B1", "One", started)],
        first_week=first,
        last_week=first + n - 1,
        weekly=weekly,
        first_active=np.array([first], dtype=np.int64),
        contact_before=np.zeros(1, dtype=np.int64),
        invoices=Invoices(
            buyer=np.zeros(len(inv), dtype=np.int64),
            invoice_id=[f"INV-{i}" for i in range(len(inv))],
            issued=inv[:, 0],
            due=inv[:, 1],
            paid=inv[:, 2],
            amount=np.full(len(inv), 1000.0),
        ),
        incidents=Incidents(
            buyer=np.zeros(len(inc), dtype=np.int64),
            incident_id=[f"INC-{i}" for i in range(len(inc))],
            opened=inc[:, 0],
            resolved=inc[:, 1],
            confirmed=inc[:, 2],
            summary=[""] * len(inc),
        ),
        contacts=Contacts(ints, [], np.zeros(0, dtype=bool), ints, ints, np.zeros(0, dtype=bool)),
    )
