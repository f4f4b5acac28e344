"""What every ``healthdesk`` subcommand shares: where the database and config are,
the error path that turns a user's mistake into exit 1, and ``--week`` parsing.

Its own module so feature command groups (``exports``, imports, backtest…) can use it
without importing ``cli``, which imports them: no loop.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DB = REPO_DATA / "healthdesk.db"
SAMPLE_DIR = REPO_DATA / "sample"
CONFIG_NAME = "healthdesk.toml"


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
        return load_config(self.config_path or self.db_path.parent / CONFIG_NAME)

    def open(self, *, create: bool = False) -> Any:
        """The database, built from the bundled sample on first use of the default one."""
        from . import engine
        from .store.db import open_db

        if not self.explicit_db and not self.db_path.exists() and SAMPLE_DIR.is_dir():
            self._build_sample()
        db = open_db(self.db_path, create=create)
        engine.ensure_scored(db, self.config())
        return db

    def _build_sample(self) -> None:
        """Import and score the bundled sample into a file of its own, then move it into
        place: a first run cut short (or a second one started meanwhile) never finds a
        half-built database that would say "no data" from then on."""
        from . import engine
        from .ingest.importer import import_folder
        from .store.db import open_db

        fd, name = tempfile.mkstemp(prefix=".building-", suffix=".db", dir=self.db_path.parent)
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
            for leftover in (building, *(Path(f"{building}{x}") for x in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)

    def read(self, query: Callable[..., Any]) -> Any:
        """Run ``query(db, config)`` on the opened database and close it."""
        db = self.open()
        try:
            return query(db, self.config())
        finally:
            db.close()


def friendly(func: Callable) -> Callable:
    """Turn the errors a user can cause into exit code 1 with a plain message."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import ConfigError
        from .domain.interventions import InvalidInput
        from .engine import NoData
        from .exports.files import ExportError
        from .ingest.importer import ImportFailed
        from .store.db import StoreError

        try:
            return func(*args, **kwargs)
        except (ConfigError, StoreError, ImportFailed, NoData, ExportError, InvalidInput) as exc:
            raise click.ClickException(str(exc)) from None

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
