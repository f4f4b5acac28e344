"""A real portfolio database for the console tests, built once per session.

The generated sample (fixed seed, so snapshots are stable) with one buyer renamed to
a hostile name, so every screen is tested against markup in data.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ui_support import HOSTILE, HOSTILE_ID, OWNER

from healthdesk import engine
from healthdesk.config import Config
from healthdesk.ingest.importer import import_folder
from healthdesk.sample import generate
from healthdesk.store.db import open_db
from healthdesk.ui.app import HealthdeskApp, make_app


def _rename(folder: Path, buyer_id: str, name: str) -> None:
    path = folder / "buyers.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["buyer_id"] == buyer_id:
            row["name"] = name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def portfolio_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 buyers × 104 weeks, seed 7, scored; the console only reads it."""
    root = tmp_path_factory.mktemp("console")
    folder = root / "sample"
    generate(folder, buyers=60, weeks=104, seed=7)
    _rename(folder, HOSTILE_ID, HOSTILE)
    path = root / "portfolio.db"
    db = open_db(path, create=True)
    try:
        import_folder(db, folder)
        engine.rescore(db, Config())
        db.conn.commit()  # rescore can leave its writes in an open transaction
    finally:
        db.close()
    return path


@pytest.fixture
def config() -> Config:
    return Config(owner=OWNER)


@pytest.fixture
def app(portfolio_db: Path, config: Config) -> HealthdeskApp:
    return make_app(db=portfolio_db, config=config)
