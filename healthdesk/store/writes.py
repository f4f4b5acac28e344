"""Writing an import: one transaction, batched, idempotent on natural keys.

Buyers, invoices, incidents and contacts are upserted on their ids (a re-import
can record a payment or a resolution), touchpoints on who, when, which way, how and
what kind (a re-import can record a reply: ``store.keys``); other event rows are keyed on the
whole row, so importing the same file twice adds nothing. The importer streams rows in while it
validates and the transaction is rolled back if any row was bad: in WAL mode the
database file itself is never touched by a rolled-back import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from ..domain.weeks import week_of_day
from . import activity, scores

UPSERT_KEYS = {
    "buyers": ("buyer_id",),
    "invoices": ("invoice_id",),
    "incidents": ("incident_id",),
    "contacts": ("buyer_id", "name"),
    "touchpoints": ("row_key",),
}
BATCH = 5000
ACTIVITY_DAYS = ("day", "issued_day", "opened_day", "started_day")
"""The day columns that date a row for rescoring (``ingest.rows.to_db``'s third value)."""


def _statement(table: str, columns: list[str]) -> str:
    cols = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    keys = UPSERT_KEYS.get(table)
    if keys is None:
        return f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})"
    updates = [c for c in columns if c not in keys]
    changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in updates)
    sets = ", ".join(f"{c} = excluded.{c}" for c in updates)
    return (
        f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets} WHERE {changed}"
    )


class ImportWriter:
    """Buffers rows per table and writes them in batches inside the open transaction.

    A new table flushes the ones before it, so buyers exist before rows naming them.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.changed: dict[str, int] = {}
        self._pending: dict[str, list[tuple]] = {}
        self._sql: dict[str, str] = {}
        self._products: dict[tuple[str, str], int] = {}
        self.first_week: int | None = None
        self.first_day: int | None = None
        self._day_key: dict[str, str | None] = {}

    def add(self, table: str, row: dict) -> None:
        if table not in self._sql:
            for earlier in list(self._pending):
                self.flush(earlier)
            self._sql[table] = _statement(table, list(row))
            self._day_key[table] = next((k for k in ACTIVITY_DAYS if k in row), None)
        pending = self._pending.setdefault(table, [])
        pending.append(tuple(row.values()))
        day_key = self._day_key[table]
        day = row[day_key] if day_key else None
        if day is not None and (self.first_day is None or day < self.first_day):
            self.first_day = day
        week = row.get("week")
        if week is not None and (self.first_week is None or week < self.first_week):
            self.first_week = week
        if table == "deliveries":
            key = (row["buyer_id"], row["product"] or "")
            if row["day"] < self._products.get(key, row["day"] + 1):
                self._products[key] = row["day"]
        if len(pending) >= BATCH:
            self.flush(table)

    def flush(self, table: str) -> None:
        rows = self._pending.pop(table, [])
        if rows:
            before = self.db.conn.total_changes
            self.db.conn.executemany(self._sql[table], rows)
            self.changed[table] = self.changed.get(table, 0) + self.db.conn.total_changes - before

    def finish(self) -> None:
        """Write what is buffered, each buyer's first day per product, and the weekly
        activity of the weeks the import touched."""
        for table in list(self._pending):
            self.flush(table)
        self.db.conn.executemany(
            "INSERT INTO buyer_products (buyer_id, product, first_day) VALUES (?, ?, ?)"
            " ON CONFLICT (buyer_id, product) DO UPDATE SET first_day = excluded.first_day"
            " WHERE excluded.first_day < first_day",
            [(*key, day) for key, day in self._products.items()],
        )
        if self.first_week is not None:
            activity.refresh(self.db, self.first_week)
        stale = 0 if self.first_day is None else week_of_day(self.first_day)
        scores.mark_stale(self.db, stale)


@contextmanager
def import_transaction(db: Database) -> Iterator[ImportWriter]:
    """A writer whose rows commit together, or roll back together on any exception;
    the commit also marks the stored scores stale from the first week it touched, so a
    process killed before it rescored leaves a database that says so."""
    with db.atomic():
        writer = ImportWriter(db)
        yield writer
        writer.finish()


def known_buyers(db: Database) -> set[str]:
    """Buyer ids already in the database (event files may name them)."""
    return {r[0] for r in db.execute("SELECT buyer_id FROM buyers")}
