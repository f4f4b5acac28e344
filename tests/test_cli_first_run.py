"""The first run on the default database builds it from the bundled sample, whole or
not at all: a run cut short must not leave a file that says "no data" from then on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from healthdesk import cli, cli_support

SAMPLE = Path(cli.__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder like the repository's: the sample CSVs, no database yet."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / "sample")
    monkeypatch.delenv("HEALTHDESK_DB", raising=False)
    monkeypatch.setattr(cli_support, "DEFAULT_DB", data / "healthdesk.db")
    monkeypatch.setattr(cli_support, "SAMPLE_DIR", data / "sample")
    return data


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file()}


def test_first_run_builds_the_sample_database_in_one_move(home: Path) -> None:
    result = CliRunner().invoke(cli.main, ["report", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["portfolio"]["buyers"] == 54
    assert _files(home) == {"healthdesk.db"}


def test_a_first_run_that_fails_leaves_no_database_behind(home: Path) -> None:
    buyers = home / "sample" / "buyers.csv"
    good = buyers.read_text(encoding="utf-8")
    buyers.write_text(good + "B999,,not-a-date\n", encoding="utf-8")
    failed = CliRunner().invoke(cli.main, ["report"])
    assert failed.exit_code == 1
    assert "buyers.csv" in failed.stderr and "Traceback" not in failed.output
    assert _files(home) == set()
    buyers.write_text(good, encoding="utf-8")
    again = CliRunner().invoke(cli.main, ["report", "--format", "json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["portfolio"]["buyers"] == 54
