"""Shared fixtures for the intervention and export tests: one sample database per session.

Kept in a test module (not conftest.py, which other suites own); the sample is built
once and copied for each test that writes, so the suites stay fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlite_utils import Database

from healthdesk import engine
from healthdesk.cli import main
from healthdesk.config import Config
from healthdesk.domain.report import Report
from healthdesk.domain.weeks import week_of
from healthdesk.exports.command import export
from healthdesk.ingest.importer import import_folder
from healthdesk.sample import generate
from healthdesk.store.db import open_db

_BUILT: dict[str, Path] = {}


def build_sample(factory: pytest.TempPathFactory) -> Path:
    """The session's sample database file (60 buyers, 104 weeks, seed 7), built once."""
    if "db" not in _BUILT:
        root = factory.mktemp("interventions-sample")
        generate(root / "csv", buyers=60, weeks=104, seed=7)
        db = open_db(root / "sample.db", create=True)
        import_folder(db, root / "csv")
        engine.rescore(db, Config())
        db.close()
        _BUILT["db"] = root / "sample.db"
    return _BUILT["db"]


@pytest.fixture(scope="session")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory)


@pytest.fixture(scope="session")
def sample_report(sample_path: Path) -> Report:
    db = open_db(sample_path)
    try:
        return engine.report(db, Config())
    finally:
        db.close()


@pytest.fixture
def db_copy(sample_path: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database for a test that writes."""
    target = tmp_path / "copy.db"
    shutil.copyfile(sample_path, target)
    return target


@pytest.fixture
def db(db_copy: Path) -> Iterator[Database]:
    database = open_db(db_copy)
    yield database
    database.close()


def week_number(report: Report) -> int:
    return week_of(date.fromisoformat(report.week))


def run_cli(*args: str) -> Result:
    """The real ``healthdesk`` command with the export group registered as the lead will."""
    if "export" not in main.commands:
        main.add_command(export)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
