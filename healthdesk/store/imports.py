"""The import log: every import recorded, its rows counted new / changed / unchanged,
what it replaced kept so ``undo-import`` puts it back exactly; and the guard that an
older export cannot silently undo newer facts.

Each imported row carries the ``import_id`` that last wrote it; a row an import
replaced is journalled (``import_changes``) as it was. Undoing the latest import
deletes its rows and puts the journalled ones back, in one transaction.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlite_utils import Database

from ..domain.weeks import week_of_day
from . import activity, scores
from .db import row_id

KEYS = {
    "buyers": ("buyer_id",),
    "invoices": ("invoice_id",),
    "incidents": ("incident_id",),
    "contacts": ("buyer_id", "name"),
    "touchpoints": ("row_key",),
    "deliveries": ("row_key",),
    "returns": ("row_key",),
    "surveys": ("row_key",),
    "leads": ("lead_id",),
    "aliases": ("alias",),
}
DATED = {
    "deliveries": "date",
    "returns": "date",
    "invoices": "issued_on",
    "touchpoints": "at",
    "incidents": "opened_at",
    "surveys": "date",
    "contacts": "started_on",
}
"""The column that says how far a file's data reaches ("data through")."""
REPLACED_BY_DAY = ("deliveries",)
"""Tables whose changed rows replace a day's figures: refused from a folder whose data
ends before the stored data (an older export), unless --allow-older. Other changes
(a payment recorded, a reply logged) are newer facts whatever the folder's age."""
DAY_COLUMNS = {"deliveries": "day", "returns": "day", "touchpoints": "day"}
BATCH = 5000
UNDO_ORDER = (
    "aliases",
    "leads",
    "surveys",
    "contacts",
    "incidents",
    "touchpoints",
    "invoices",
    "returns",
    "deliveries",
    "buyers",
)


class UndoRefused(ValueError):
    """An import that cannot be undone (unknown, undone already, or not the latest)."""


@dataclass
class FileCounts:
    file: str
    table: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    through: str | None = None


@dataclass
class Refusal:
    """A row that would undo a newer stored fact: where it came from and why."""

    file: str
    line: int | None
    column: str
    value: str
    why: str


@dataclass
class _Pending:
    rows: list[dict] = field(default_factory=list)
    origins: list[tuple[str, int | None]] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class JournaledWriter:
    """Buffers rows per table; at each flush reads the stored rows with the same keys,
    counts new / changed / unchanged, journals what it replaces, refuses regressions,
    and writes only what is new or changed."""

    def __init__(self, db: Database, import_id: int, allow_older: bool) -> None:
        self.db = db
        self.import_id = import_id
        self.allow_older = allow_older
        self.counts: dict[tuple[str, str], FileCounts] = {}
        self.refusals: list[Refusal] = []
        self.changed_events: dict[str, list[Refusal]] = {}
        self.first_week: int | None = None
        self._pending: dict[str, _Pending] = {}
        self._columns: dict[str, list[str]] = {}
        self._products: dict[tuple[str, str], int] = {}
        self._fresh: dict[str, bool] = {}
        self._written: dict[str, int] = {}
        """Rows of a fresh table so far (its largest rowid: new rows only append)."""
        self.stored_through = data_through(db)

    @property
    def changed(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.counts.values():
            out[c.table] = out.get(c.table, 0) + c.new + c.changed
        return out

    def add(self, table: str, row: dict, file: str, line: int | None) -> None:
        if table not in self._columns:
            for earlier in list(self._pending):
                self.flush(earlier)
            self._columns[table] = [*row, "import_id"]
            self._fresh[table] = self._empty(table)
        counts = self.counts.get((file, table))
        if counts is None:
            counts = self.counts[(file, table)] = FileCounts(file, table)
        counts.rows += 1
        dated = DATED.get(table)
        if dated:
            value = row.get(dated)
            if value:
                stamp = str(value)[:10]
                if counts.through is None or stamp > counts.through:
                    counts.through = stamp
        pending = self._pending.get(table)
        if pending is None:
            pending = self._pending[table] = _Pending()
        pending.rows.append(row)
        pending.origins.append((file, line))
        if len(pending.rows) >= BATCH:
            self.flush(table)

    def _empty(self, table: str) -> bool:
        """Whether ``table`` holds no row as this import starts writing it (then nothing
        stored can be compared, journalled or refused: every row is new, or one this
        import wrote already)."""
        return self.db.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None

    def _existing(self, table: str, keys: tuple[str, ...], rows: list[dict]) -> dict:
        first = keys[0]
        wanted = list({r[first] for r in rows})
        found: dict = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            cursor = self.db.conn.execute(
                f"SELECT * FROM {table} WHERE {first} IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            names = [d[0] for d in cursor.description]
            for values in cursor:
                stored = dict(zip(names, values, strict=True))
                found[tuple(stored[k] for k in keys)] = stored
        return found

    def flush(self, table: str) -> None:
        pending = self._pending.pop(table, None)
        if not pending or not pending.rows:
            return
        keys = KEYS[table]
        columns = self._columns[table]
        if self._fresh[table]:
            self._flush_fresh(table, keys, columns, pending)
            return
        existing = self._existing(table, keys, pending.rows)
        writes: list[tuple] = []
        journal: list[tuple] = []
        for row, (file, line) in zip(pending.rows, pending.origins, strict=True):
            counts = self.counts[(file, table)]
            key = tuple(row[k] for k in keys)
            old = existing.get(key)
            if old is not None and all(old.get(c) == row[c] for c in columns if c != "import_id"):
                counts.unchanged += 1
                continue
            if old is None:
                counts.new += 1
            elif old.get("import_id") == self.import_id:
                counts.unchanged += 1  # this import wrote it already: the last row wins
            else:
                counts.changed += 1
                self._check(table, old, row, file, line)
                journal.append((self.import_id, table, json.dumps(old)))
            existing[key] = {**row, "import_id": self.import_id}
            writes.append((*[row[c] for c in columns[:-1]], self.import_id))
            self._note(table, row, old)
        if writes:
            self.db.conn.executemany(_upsert(table, columns, keys), writes)
        if journal:
            self.db.conn.executemany(
                "INSERT INTO import_changes (import_id, tbl, old) VALUES (?, ?, ?)", journal
            )

    def _flush_fresh(
        self, table: str, keys: tuple[str, ...], columns: list[str], pending: _Pending
    ) -> None:
        """A table empty when this import began: no stored row to read, compare, journal
        or refuse. Each row is written with the same upsert (a key this import wrote
        already: the last row wins) and counted by the rowids SQLite hands out: a new
        row takes the next one, a repeated key keeps its row's, so the rows added by a
        file's run are the growth of ``MAX(rowid)`` and the rest are unchanged, as the
        general path counts them."""
        upsert = _upsert(table, columns, keys)
        fields = columns[:-1]
        import_id = self.import_id
        rows, origins = pending.rows, pending.origins
        start = 0
        while start < len(rows):
            file = origins[start][0]
            end = start + 1
            while end < len(rows) and origins[end][0] == file:
                end += 1
            run = rows[start:end]
            self._insert_fresh(
                table, columns, upsert, [(*[row[c] for c in fields], import_id) for row in run]
            )
            written = self.db.conn.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0]
            written = written or 0
            added = written - self._written.get(table, 0)
            self._written[table] = written
            counts = self.counts[(file, table)]
            counts.new += added
            counts.unchanged += len(run) - added
            start = end
        self._note_all(table, rows)

    def _insert_fresh(
        self, table: str, columns: list[str], upsert: str, writes: list[tuple]
    ) -> None:
        """A plain INSERT of the batch (with foreign keys on, SQLite's upsert takes twice
        as long: measured 7.4 s vs 3.7 s for 560k event rows); a key repeated within the
        import makes it fail, and then the batch is taken back to its savepoint and
        written with the upsert, exactly as the general path writes it."""
        conn = self.db.conn
        conn.execute("SAVEPOINT fresh_batch")
        try:
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})",
                writes,
            )
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO fresh_batch")
            conn.executemany(upsert, writes)
        conn.execute("RELEASE fresh_batch")

    def _note_all(self, table: str, rows: list[dict]) -> None:
        """``_note`` for a batch of new rows."""
        weeks = [w for r in rows if (w := r.get("week")) is not None]
        if weeks:
            low = min(weeks)
            if self.first_week is None or low < self.first_week:
                self.first_week = low
        if table == "deliveries":
            products = self._products
            for row in rows:
                key = (row["buyer_id"], row["product"] or "")
                day = row["day"]
                if day < products.get(key, day + 1):
                    products[key] = day

    def _note(self, table: str, row: dict, old: dict | None) -> None:
        """Track the earliest week to refresh and each buyer's first day per product."""
        for r in (row, old):
            week = None if r is None else r.get("week")
            if week is not None and (self.first_week is None or week < self.first_week):
                self.first_week = week
        if table == "deliveries":
            key = (row["buyer_id"], row["product"] or "")
            if row["day"] < self._products.get(key, row["day"] + 1):
                self._products[key] = row["day"]

    def _check(self, table: str, old: dict, row: dict, file: str, line: int | None) -> None:
        """A newer stored fact that this row would undo."""
        if table == "buyers" and old.get("status") == "churned" and row["status"] != "churned":
            self.refusals.append(
                Refusal(
                    file,
                    line,
                    "status",
                    str(row["status"]),
                    f"would set buyer {row['buyer_id']} ({row['name']}) back to"
                    f" {row['status']}: it is churned since {old.get('churned_on')} in the"
                    f" database (import {old.get('import_id') or 'before the log'})",
                )
            )
        elif table == "invoices" and old.get("paid_on") and not row["paid_on"]:
            self.refusals.append(
                Refusal(
                    file,
                    line,
                    "paid_on",
                    "",
                    f"would mark invoice {row['invoice_id']} unpaid: it is paid on"
                    f" {old['paid_on']} in the database",
                )
            )
        elif table == "incidents" and old.get("resolved_at") and not row["resolved_at"]:
            self.refusals.append(
                Refusal(
                    file,
                    line,
                    "resolved_at",
                    "",
                    f"would reopen incident {row['incident_id']}: it is resolved on"
                    f" {old['resolved_at'][:10]} in the database",
                )
            )
        elif table in REPLACED_BY_DAY:
            self.changed_events.setdefault(table, []).append(
                Refusal(
                    file,
                    line,
                    DATED[table],
                    str(row.get(DATED[table])),
                    f"would replace the stored {table} row of {row.get('buyer_id')}"
                    f" for {str(row.get(DATED[table]))[:10]}",
                )
            )

    def finish(self) -> list[Refusal]:
        """Write what is buffered and derived; the refusals an older import meets."""
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
        refusals = list(self.refusals)
        for table, changed in self.changed_events.items():
            through = max(
                (c.through for c in self.counts.values() if c.table == table and c.through),
                default=None,
            )
            stored = self.stored_through.get(table)
            if through and stored and through < stored:
                refusals.extend(changed)
        return [] if self.allow_older else refusals

    def record(self, folder: str, profile: str | None) -> None:
        self.db.conn.execute(
            "UPDATE imports SET folder = ?, profile = ? WHERE id = ?",
            (folder, profile, self.import_id),
        )
        self.db.conn.executemany(
            "INSERT INTO import_files (import_id, file, tbl, rows, new, changed, unchanged,"
            " data_through) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (self.import_id, c.file, c.table, c.rows, c.new, c.changed, c.unchanged, c.through)
                for c in self.counts.values()
            ],
        )


def _upsert(table: str, columns: list[str], keys: tuple[str, ...]) -> str:
    updates = [c for c in columns if c not in keys]
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in updates)
    )


@contextmanager
def journaled_import(
    db: Database, folder: str, profile: str | None, allow_older: bool
) -> Iterator[JournaledWriter]:
    """A writer inside one transaction, with its ``imports`` row; rolled back whole on
    any exception."""
    with db.atomic():
        cursor = db.conn.execute(
            "INSERT INTO imports (at, folder, profile, author, allow_older) VALUES (?, ?, ?, ?, ?)",
            (_now(), folder, profile, _author(), int(allow_older)),
        )
        writer = JournaledWriter(db, row_id(cursor.lastrowid), allow_older)
        yield writer


def known_buyers(db: Database) -> set[str]:
    """Buyer ids already in the database (event files may name them)."""
    return {r[0] for r in db.execute("SELECT buyer_id FROM buyers")}


def mark_stale(db: Database, first_day: int | None) -> None:
    """Inside the import's (or undo's) own transaction: the stored scores no longer
    match the data from the week of ``first_day`` on (all weeks when unknown), so a
    process killed before its rescore leaves a database that says so."""
    scores.mark_stale(db, 0 if first_day is None else week_of_day(first_day))


def data_through(db: Database) -> dict[str, str]:
    """Each source table's latest date as stored (ISO dates): what the data runs through."""
    out: dict[str, str] = {}
    for table, column in DATED.items():
        value = db.execute(f"SELECT MAX(substr({column}, 1, 10)) FROM {table}").fetchone()[0]
        if value:
            out[table] = value
    return out


def activity_through(db: Database) -> int | None:
    """The latest day (ordinal) with a delivery, return, touchpoint or invoice issued."""
    days = [
        db.execute(f"SELECT MAX({c}) FROM {t}").fetchone()[0]
        for t, c in (*DAY_COLUMNS.items(), ("invoices", "issued_day"))
    ]
    days = [d for d in days if d is not None]
    return max(days) if days else None


@dataclass
class ImportEntry:
    id: int
    at: str
    folder: str
    profile: str | None
    author: str | None
    undone_at: str | None
    files: list[FileCounts]


def log(db: Database) -> list[ImportEntry]:
    """Every recorded import, newest first, with its per-file counts."""
    entries = []
    for id_, at, folder, profile, author, undone in db.execute(
        "SELECT id, at, folder, profile, author, undone_at FROM imports ORDER BY id DESC"
    ).fetchall():
        files = [
            FileCounts(f, t, r, n, c, u, d)
            for f, t, r, n, c, u, d in db.execute(
                "SELECT file, tbl, rows, new, changed, unchanged, data_through"
                " FROM import_files WHERE import_id = ? ORDER BY rowid",
                (id_,),
            ).fetchall()
        ]
        entries.append(ImportEntry(id_, at, folder, profile, author, undone, files))
    return entries


def undo(db: Database, import_id: int) -> int | None:
    """Revert import ``import_id`` exactly (its new rows deleted, the rows it replaced
    put back), in one transaction; the first day to rescore from. Only the latest
    import not yet undone can be undone: a later one may have built on its rows."""
    row = db.execute("SELECT undone_at FROM imports WHERE id = ?", (import_id,)).fetchone()
    if row is None:
        raise UndoRefused(f"there is no import {import_id}: 'healthdesk imports' lists them")
    if row[0]:
        raise UndoRefused(f"import {import_id} was undone already, at {row[0]}")
    later = db.execute(
        "SELECT MIN(id) FROM imports WHERE id > ? AND undone_at IS NULL", (import_id,)
    ).fetchone()[0]
    if later is not None:
        raise UndoRefused(
            f"import {import_id} cannot be undone while import {later}, made after it, stands:"
            f" undo {later} first"
        )
    new_buyers = [
        r[0]
        for r in db.execute(
            "SELECT buyer_id FROM buyers WHERE import_id = ? AND buyer_id NOT IN"
            " (SELECT json_extract(old, '$.buyer_id') FROM import_changes"
            "  WHERE import_id = ? AND tbl = 'buyers')",
            (import_id, import_id),
        )
    ]
    _refuse_if_worked_on(db, new_buyers, import_id)
    first_day: int | None = None
    with db.atomic():
        for table in UNDO_ORDER:
            day_col = DAY_COLUMNS.get(table)
            if day_col:
                low = db.execute(
                    f"SELECT MIN({day_col}) FROM {table} WHERE import_id = ?", (import_id,)
                ).fetchone()[0]
                first_day = _earliest(first_day, low)
            if table == "buyers" and new_buyers:
                marks = ", ".join("?" * len(new_buyers))
                for dependent in ("weekly_scores", "buyer_products", "weekly_activity"):
                    db.execute(f"DELETE FROM {dependent} WHERE buyer_id IN ({marks})", new_buyers)
            olds = [
                json.loads(r[0])
                for r in db.execute(
                    "SELECT old FROM import_changes WHERE import_id = ? AND tbl = ?"
                    " ORDER BY rowid DESC",
                    (import_id, table),
                )
            ]
            keys = KEYS[table]
            kept = {tuple(old[k] for k in keys) for old in olds}
            gone = [
                row
                for row in db.execute(
                    f"SELECT {', '.join(keys)} FROM {table} WHERE import_id = ?", (import_id,)
                ).fetchall()
                if tuple(row) not in kept
            ]
            where = " AND ".join(f"{k} = ?" for k in keys)
            db.conn.executemany(f"DELETE FROM {table} WHERE {where}", gone)
            for old in olds:  # REPLACE: the parent row is back within the same statement
                cols = list(old)
                db.execute(
                    f"INSERT OR REPLACE INTO {table} ({', '.join(cols)})"
                    f" VALUES ({', '.join('?' * len(cols))})",
                    [old[c] for c in cols],
                )
                if day_col and old.get(day_col) is not None:
                    first_day = _earliest(first_day, old[day_col])
        db.execute("DELETE FROM buyer_products")
        db.execute(
            "INSERT INTO buyer_products (buyer_id, product, first_day)"
            " SELECT buyer_id, COALESCE(product, ''), MIN(day) FROM deliveries"
            " GROUP BY buyer_id, COALESCE(product, '')"
        )
        activity.refresh(db, -(10**9) if first_day is None else (first_day - 1) // 7)
        db.execute("UPDATE imports SET undone_at = ? WHERE id = ?", (_now(), import_id))
        mark_stale(db, first_day)
    return first_day


def _earliest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def _refuse_if_worked_on(db: Database, buyers: list[str], import_id: int) -> None:
    """A buyer this import added that has interventions, overrides or reviews since:
    undoing would delete the buyer those records belong to."""
    if not buyers:
        return
    marks = ", ".join("?" * len(buyers))
    for table in ("interventions", "overrides", "snoozes", "reviews"):
        hit = db.execute(
            f"SELECT buyer_id FROM {table} WHERE buyer_id IN ({marks}) LIMIT 1", buyers
        ).fetchone()
        if hit:
            raise UndoRefused(
                f"import {import_id} added buyer {hit[0]}, which has {table} recorded since:"
                " undoing it would lose them"
            )


def parse_iso(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value[:10])
