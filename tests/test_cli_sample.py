"""The committed sample portfolio (data/sample) shows every kind of finding the
console exists for, through the real CLI into a tmp database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from healthdesk.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

pytestmark = pytest.mark.skipif(
    not (SAMPLE / "buyers.csv").exists(), reason="data/sample/ is not committed yet"
)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "hd.db"
    imported = CliRunner().invoke(main, ["--db", str(db), "import", str(SAMPLE)])
    assert imported.exit_code == 0, imported.output
    return db


@pytest.fixture(scope="module")
def sample_report(sample_db: Path) -> dict:
    result = CliRunner().invoke(main, ["--db", str(sample_db), "report", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_sample_has_a_buyer_in_every_band(sample_report: dict) -> None:
    bands = {b["band"] for b in sample_report["buyers"]}
    assert bands == {"healthy", "watch", "at_risk"}


def test_sample_has_a_concentration_alert(sample_report: dict) -> None:
    alerts = sample_report["portfolio"]["concentration_alerts"]
    assert alerts
    by_id = {b["buyer_id"]: b for b in sample_report["buyers"]}
    assert all(by_id[a]["revenue_share"] > 0.25 for a in alerts)


def test_sample_has_trust_levels_50_and_terminal(sample_report: dict) -> None:
    levels = {b["trust"]["level"] for b in sample_report["buyers"]}
    assert {50, 0} <= levels


def test_sample_raises_at_least_eight_warning_codes(sample_report: dict) -> None:
    codes = {w["code"] for b in sample_report["buyers"] for w in b["warnings"]}
    assert len(codes) >= 8, codes


def test_sample_buyer_counts_agree(sample_report: dict) -> None:
    portfolio = sample_report["portfolio"]
    assert portfolio["buyers"] == len(sample_report["buyers"])
    assert sum(b["revenue_share"] for b in sample_report["buyers"]) == pytest.approx(1, abs=0.01)


def test_report_table_keeps_names_readable_at_80_columns(
    sample_db: Path, sample_report: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(main, ["--db", str(sample_db), "report"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    for buyer in sample_report["buyers"]:
        row = next(line for line in lines if line.startswith(buyer["buyer_id"]))
        assert buyer["name"][:10] in row
        warnings = len(buyer["warnings"])
        assert row.rstrip().endswith(str(warnings) if warnings else "%")


def test_explain_fits_80_columns_with_one_line_per_component(
    sample_db: Path, sample_report: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    buyer = next(b for b in sample_report["buyers"] if b["band"] == "at_risk")
    result = CliRunner().invoke(main, ["--db", str(sample_db), "explain", buyer["buyer_id"]])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    for c in buyer["explain"]["components"]:
        score = "—" if c["score"] is None else str(c["score"])
        row = next(line for line in lines if line.startswith(c["name"] + " "))
        assert row.split()[1] == score
