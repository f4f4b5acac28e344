"""Opening a portfolio database: only our own, WAL, a busy timeout, migrations applied.

A file is checked before anything is written to it: it must be a regular file holding
a SQLite database that is empty (only with ``create``) or carries healthdesk's
migration record, none of them newer than this code knows. Another application's
database, a 0-byte file, a corrupt or newer one is refused with the file untouched: no
WAL switch, no table added.

Every write transaction starts with ``BEGIN IMMEDIATE`` (``HealthDb.atomic``), so a
second writer waits for the first for up to ``BUSY_TIMEOUT_MS`` instead of failing at
its first write after having read (a deferred transaction cannot be retried by the busy
handler). Still busy after that: ``StoreError`` "another healthdesk is writing…".

``synchronous = NORMAL`` is the documented safe setting for WAL: a power cut can lose
the last commit, never corrupt the file.

A ``Database`` belongs to the thread that opened it (sqlite3 refuses cross-thread
use), so every worker thread calls ``open_db`` for its own connection.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .schema import migrations

BUSY_TIMEOUT_MS = 5000
BUSY_TIMEOUT_ENV = "HEALTHDESK_BUSY_TIMEOUT"
"""Seconds to wait for another writer instead of the default 5 (0 to 3600)."""
CACHE_KIB = 64 * 1024
"""Page cache per connection: imports insert hashed keys all over their indexes, and
the default 2 MiB cache turns that into disk reads (measured: most of import time)."""

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "_sqlite_migrations"
CORE_TABLES = frozenset(
    {
        "buyers",
        "deliveries",
        "returns",
        "invoices",
        "touchpoints",
        "incidents",
        "contacts",
        "surveys",
        "weekly_scores",
        "buyer_products",
        "meta",
        "interventions",
        "intervention_notes",
        "overrides",
        "snoozes",
        "reviews",
        "audit",
        "weekly_activity",
        MIGRATIONS_TABLE,
    }
)
"""Tables every healthdesk database has once migrated; one missing means damage."""


class StoreError(RuntimeError):
    """A database the user pointed at cannot be used; the message says why."""


class Busy(StoreError):
    """Another process held the write lock for longer than the busy timeout."""


class HealthDb(Database):
    """sqlite-utils' ``Database`` whose transactions take the write lock up front."""

    path: Path

    @contextlib.contextmanager
    def atomic(self) -> Iterator[HealthDb]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise describe(exc, self.path) from None
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self.rollback()
            if isinstance(exc, sqlite3.Error):
                raise describe(exc, self.path) from None
            raise


def row_id(value: int | None) -> int:
    """The integer key SQLite gave the row just inserted.

    sqlite3's ``lastrowid`` and sqlite-utils' ``last_pk`` are typed optional (they are
    None before any INSERT); right after one they hold the new row's key.
    """
    if value is None:
        raise TypeError("the INSERT returned no row id")
    return int(value)


def describe(exc: sqlite3.Error, path: Path | str | None) -> StoreError:
    """The user's words for what SQLite said about ``path``."""
    where = str(path) if path is not None else "the database"
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return Busy(f"another healthdesk is writing to {where}; try again")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(
            f"{where} is read-only: healthdesk keeps its weekly scores in the database and"
            " must be able to write it (make the file and its folder writable, or copy it)"
        )
    if "no such table" in lowered or "no such column" in lowered:
        return StoreError(
            f"{where} is damaged ({text}): a healthdesk table or column is missing;"
            " restore it from a backup or import your files into a new database"
        )
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return StoreError(
            f"{where} is damaged ({text}); restore it from a backup or import your files"
            " into a new database"
        )
    if "unable to open" in lowered or "disk i/o" in lowered:
        return StoreError(f"cannot open {where}: {text}")
    if "full" in lowered:
        return StoreError(f"cannot write {where}: {text}")
    return StoreError(f"{where}: the database said {text!r}")


def open_db(path: Path, *, create: bool = False) -> HealthDb:
    """Open (or with ``create`` make) the database at ``path``, schema up to date."""
    fresh = _check_file(path, create)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
    if not fresh and not os.access(path, os.W_OK):
        raise describe(sqlite3.OperationalError("readonly"), path)
    wait_ms = busy_timeout_ms()
    try:
        conn = sqlite3.connect(
            f"file:{_uri_path(path)}?mode={'rwc' if fresh else 'rw'}",
            uri=True,
            timeout=wait_ms / 1000,
        )
    except sqlite3.Error as exc:
        raise describe(exc, path) from None
    db = HealthDb(conn)
    db.path = path
    try:
        db.execute(f"PRAGMA busy_timeout = {wait_ms}")
        _check_ours(db, path, create)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        db.execute("PRAGMA synchronous = NORMAL")
        if db.journal_mode != "wal":
            db.enable_wal()
        if migrations.pending(db):
            with db.atomic():
                if migrations.pending(db):  # another process may have just done it
                    migrations.apply(db)
        missing = CORE_TABLES - set(db.table_names())
        if missing:
            raise StoreError(
                f"{path} is damaged: its table(s) {', '.join(sorted(missing))} are missing;"
                " restore it from a backup or import your files into a new database"
            )
    except StoreError:
        db.close()
        raise
    except sqlite3.Error as exc:
        db.close()
        raise describe(exc, path) from None
    return db


def busy_timeout_ms() -> int:
    """How long a writer waits for another: ``$HEALTHDESK_BUSY_TIMEOUT`` seconds, else 5."""
    value = os.environ.get(BUSY_TIMEOUT_ENV)
    if value is None:
        return BUSY_TIMEOUT_MS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:  # also refuses nan
        raise StoreError(f"${BUSY_TIMEOUT_ENV} is {value!r}: give seconds from 0 to 3600")
    return round(seconds * 1000)


def _uri_path(path: Path) -> str:
    """``path`` quoted for a ``file:`` URI (``?`` and ``#`` would end the path)."""
    from urllib.parse import quote

    return quote(str(path.absolute()))


def _check_file(path: Path, create: bool) -> bool:
    """Refuse what is not a database file; True if there is none yet (``create``)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if create:
            return True
        raise StoreError(
            f"no database at {path}: create one with 'healthdesk import DIR --db {path}'"
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path} is not a healthdesk database: it is not a regular file")
    if info.st_size == 0:
        if create:
            return True
        raise StoreError(
            f"{path} is not a healthdesk database: it is an empty file (create one with"
            f" 'healthdesk import DIR --db {path}')"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a healthdesk database: it is not a SQLite file")
    return False


def _check_ours(db: Database, path: Path, create: bool) -> None:
    """Read-only checks that ``db`` is a healthdesk database this code can migrate."""
    tables = set(db.table_names())
    if not tables:
        if create:
            return
        raise StoreError(
            f"{path} is not a healthdesk database: it is an empty SQLite database (create"
            f" one with 'healthdesk import DIR --db {path}')"
        )
    applied: set[str] = set()
    if MIGRATIONS_TABLE in tables:
        applied = {
            r[0]
            for r in db.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?",
                (migrations.name,),
            )
        }
    if not applied:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError(
            f"{path} is not a healthdesk database: it is another application's SQLite"
            f" database (tables {shown}); it was left as it is"
        )
    known = {m.name for m in migrations.pending(Database(memory=True))}
    newer = sorted(applied - known)
    if newer:
        raise StoreError(
            f"{path} was written by a newer healthdesk (schema {newer[-1]}); upgrade"
            " healthdesk to open it. It was left as it is"
        )
