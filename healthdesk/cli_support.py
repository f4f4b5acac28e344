"""What every ``healthdesk`` subcommand shares: where the database and config are,
the error path that turns a user's mistake into exit 1, and ``--week`` parsing.

Its own module so feature command groups (``exports``, imports, backtest…) can use it
without importing ``cli``, which imports them: no loop.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

PACKAGE = Path(__file__).resolve().parent
REPO_DATA = PACKAGE.parent / "data"
IN_CLONE = (PACKAGE.parent / "pyproject.toml").is_file() and REPO_DATA.is_dir()
"""Run from a clone (``uv run healthdesk``): the database is ``data/healthdesk.db`` as
always. Installed as a tool or wheel, there is no such folder beside the package."""
CONFIG_NAME = "healthdesk.toml"
BUILDING = ".building-"
"""Prefix of the file a first run builds the sample database in before moving it."""


def _default_db() -> Path:
    """The clone's ``data/healthdesk.db``, else the user's data directory
    (platformdirs: ~/.local/share/healthdesk on Linux, ~/Library/Application Support
    on macOS, %LOCALAPPDATA% on Windows)."""
    if IN_CLONE:
        return REPO_DATA / "healthdesk.db"
    from platformdirs import user_data_path

    return user_data_path("healthdesk", appauthor=False) / "healthdesk.db"


DEFAULT_DB = _default_db()
SAMPLE_DIR = REPO_DATA / "sample" if IN_CLONE else PACKAGE / "data" / "sample"
"""The bundled sample: the clone's ``data/sample``, shipped in the wheel as
``healthdesk/data/sample`` (pyproject's force-include)."""


class Context:
    """Where the database and config are; opened lazily by the command that needs them."""

    def __init__(self, db: Path | None, config: Path | None) -> None:
        env = os.environ.get("HEALTHDESK_DB")
        self.explicit_db = db is not None or bool(env)
        self.db_path = db or (Path(env) if env else DEFAULT_DB)
        self.config_path = config

    def config(self) -> Any:
        from .config import load_config

        if self.config_path is not None and not self.config_path.is_file():
            raise click.ClickException(
                f"config file {self.config_path} does not exist or is not a file"
            )
        path = self.config_path or self.db_path.parent / CONFIG_NAME
        if self.config_path is None and path.exists() and not path.is_file():
            raise click.ClickException(f"config {path} is not a file (a folder?); remove it")
        return load_config(path)

    def open(self, *, create: bool = False) -> Any:
        """The database, built from the bundled sample on first use of the default one,
        with its stored scores brought up to date before anyone reads them."""
        from . import engine
        from .store.db import open_db

        if not self.explicit_db:
            if not self.db_path.exists() and SAMPLE_DIR.is_dir():
                self._build_sample()
            else:
                self._clean_leftovers(wait=False)
        db = open_db(self.db_path, create=create)
        try:
            engine.ensure_scored(db, self.config())
        except BaseException:
            db.close()
            raise
        return db

    def _build_sample(self) -> None:
        """Import and score the bundled sample into a file of its own, then move it into
        place: a first run cut short never finds a half-built database that would say
        "no data" from then on. First runs take turns (a lock on the folder), so a
        second one waits and then opens what the first built; a killed one's files are
        removed by the next."""
        from . import engine
        from .ingest.importer import import_folder
        from .store.db import open_db

        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.ClickException(
                f"cannot create {self.db_path.parent}: {exc.strerror}"
            ) from None
        with self._folder_lock(wait=True):
            self._remove_leftovers()
            if self.db_path.exists():  # built by the first run we waited for
                return
            fd, name = tempfile.mkstemp(prefix=BUILDING, suffix=".db", dir=self.db_path.parent)
            os.close(fd)
            building = Path(name)
            try:
                building.unlink()
                db = open_db(building, create=True)
                try:
                    import_folder(db, SAMPLE_DIR)
                    engine.ensure_scored(db, self.config())
                    db.conn.commit()
                finally:
                    db.close()
                os.replace(building, self.db_path)
            finally:
                _unlink_with_journals(building)

    def _clean_leftovers(self, *, wait: bool) -> None:
        """Remove a killed first run's files, unless a first run is building now."""
        folder = self.db_path.parent
        if not folder.is_dir() or not any(folder.glob(f"{BUILDING}*")):
            return
        with self._folder_lock(wait=wait) as locked:
            if locked:
                self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        for leftover in self.db_path.parent.glob(f"{BUILDING}*.db*"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    @contextlib.contextmanager
    def _folder_lock(self, *, wait: bool) -> Iterator[bool]:
        """An advisory lock on the database's folder (no lock file to leave behind);
        yields False if ``wait`` is off and another process holds it. Where ``fcntl``
        does not exist (Windows) it yields True: first runs do not take turns there."""
        try:
            import fcntl
        except ImportError:
            yield True
            return
        fd = os.open(self.db_path.parent, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock

    def read(self, query: Callable[..., Any]) -> Any:
        """Run ``query(db, config)`` on the opened database and close it."""
        db = self.open()
        try:
            return query(db, self.config())
        finally:
            db.close()


def _unlink_with_journals(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{x}") for x in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)


def friendly(func: Callable) -> Callable:
    """Turn the errors a user can cause into exit code 1 with a plain message.

    SQLite errors that escape the store (a busy database, a damaged one, a read-only
    file) are named for the database file of the command's ``Context``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import ConfigError
        from .domain.interventions import InvalidInput
        from .engine import NoData
        from .exports.files import ExportError
        from .ingest.importer import ImportFailed
        from .store.db import StoreError, describe

        try:
            return func(*args, **kwargs)
        except (ConfigError, StoreError, ImportFailed, NoData, ExportError, InvalidInput) as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.Error as exc:
            where = next((a.db_path for a in args if isinstance(a, Context)), None)
            raise click.ClickException(str(describe(exc, where))) from None

    return wrapper


def parse_week(value: str | None) -> int | None:
    """``--week YYYY-MM-DD`` → the ISO week containing that date."""
    if value is None:
        return None
    from .domain.weeks import week_of

    try:
        return week_of(date.fromisoformat(value))
    except ValueError:
        raise click.ClickException(f"--week {value!r} is not a date like 2026-11-16") from None
