"""Every test runs against its own SQLite file in tmp_path, never data/healthdesk.db."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO_DB = Path(__file__).resolve().parent.parent / "data" / "healthdesk.db"


def _fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture(scope="session", autouse=True)
def repo_database_untouched() -> Iterator[None]:
    """Fail the run if any test created or changed the repository's own database."""
    before = _fingerprint(REPO_DB)
    yield
    assert _fingerprint(REPO_DB) == before, f"a test touched {REPO_DB}"


@pytest.fixture(autouse=True)
def isolated_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HEALTHDESK_DB at an absolute tmp path (so the cwd never matters) and give
    rich a wide terminal so table cells are not folded."""
    path = tmp_path_factory.mktemp("home") / "healthdesk.db"
    monkeypatch.setenv("HEALTHDESK_DB", str(path))
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
