"""Opening a portfolio database: WAL, a busy timeout, foreign keys, migrations applied.

``synchronous = NORMAL`` is the documented safe setting for WAL: a power cut can lose
the last commit, never corrupt the file.

A ``Database`` belongs to the thread that opened it (sqlite3 refuses cross-thread
use), so every worker thread calls ``open_db`` for its own connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .schema import migrations

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 64 * 1024
"""Page cache per connection: imports insert hashed keys all over their indexes, and
the default 2 MiB cache turns that into disk reads (measured: most of import time)."""


class StoreError(RuntimeError):
    """A database the user pointed at cannot be used; the message says why."""


def open_db(path: Path, *, create: bool = False) -> Database:
    """Open (or with ``create`` make) the database at ``path``, schema up to date."""
    if not create and not path.exists():
        raise StoreError(
            f"no database at {path}: create one with 'healthdesk import DIR --db {path}'"
        )
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000))
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        db.execute("PRAGMA synchronous = NORMAL")
        if db.journal_mode != "wal":
            db.enable_wal()
        if migrations.pending(db):
            migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a healthdesk database ({exc})") from None
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror}") from None
    return db
