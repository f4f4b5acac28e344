"""The real ``healthdesk`` CLI (click's CliRunner on ``healthdesk.cli.main``, and a few
subprocesses): exit codes, messages without tracebacks, --help everywhere, output
formats that keep data literal, --week time travel, and no Textual on the way."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from helpers import AS_OF, Portfolio, monday

from healthdesk.cli import main
from healthdesk.config import Config, load_config

HOSTILE = {
    "MARKUP": "[bold red]x[/]",
    "FORMULA": "=cmd|' /C calc'!A0",
    "PLUS": "+1+1",
    "MINUS": "-2+3",
    "AT": "@SUM(A1)",
}
PHASES = {"honeymoon", "first_friction", "drift", "decision", "established"}
BANDS = {"healthy", "watch", "at_risk"}
LEVELS = {100, 90, 75, 50, 25, 0}
CODES = {
    "payment_late",
    "terms_slip",
    "volume_decline",
    "returns_rising",
    "engagement_drop",
    "complaint_escalation",
    "competitor_mention",
    "contact_turnover",
    "checkin_overdue",
    "concentration",
}
COMPONENTS = {"rhythm", "volume", "payment", "returns", "engagement", "satisfaction", "expansion"}


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=True)


def assert_user_error(result: Result, *words: str) -> None:
    """Exit 1, a message naming what was wrong, and no traceback anywhere."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    message = result.stderr
    assert message.strip(), "no message on stderr"
    for word in words:
        assert word in message, (word, message)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = Portfolio()
    for bid, name in HOSTILE.items():
        p.healthy(bid, name=name, owner=name)
    p.healthy("BIG", leads=600)
    p.buyer("LATE")
    p.deliveries("LATE")
    p.invoices("LATE", late=20)
    p.add(
        "touchpoints.csv",
        buyer_id="LATE",
        at=f"{monday(27)}T09:00:00Z",
        direction="inbound",
        kind="competitor_mention",
        note='=HYPERLINK("http://x")',
    )
    return p.write(tmp_path_factory.mktemp("cli") / "csv")


@pytest.fixture(scope="module")
def db(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clidb") / "hd.db"
    result = CliRunner().invoke(main, ["--db", str(path), "import", str(folder)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def report(db: Path) -> dict:
    result = CliRunner().invoke(main, ["--db", str(db), "report", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- import and report ----------------------------------------------------------


def test_import_prints_counts_and_exits_0(folder: Path, tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(tmp_path / "x.db"), "import", str(folder))
    assert result.exit_code == 0
    assert "imported" in result.stdout and "buyers.csv 7" in result.stdout


def test_import_notes_unknown_columns_on_stderr(tmp_path: Path, runner: CliRunner) -> None:
    p = Portfolio()
    p.healthy("A", crm_score=7)
    result = run(runner, "--db", str(tmp_path / "x.db"), "import", str(p.write(tmp_path / "c")))
    assert result.exit_code == 0
    assert "crm_score" in result.stderr


def test_explain_says_no_data_for_a_missing_component(db: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(db), "explain", "PLUS")
    assert result.exit_code == 0
    assert "no data" in result.stdout


def test_import_uses_healthdesk_db_from_the_environment(
    folder: Path, isolated_db: Path, runner: CliRunner
) -> None:
    assert run(runner, "import", str(folder)).exit_code == 0
    assert isolated_db.exists()
    result = run(runner, "report", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["buyers"]) == 7


def test_json_report_has_exactly_the_data_md_shape(report: dict) -> None:
    assert date.fromisoformat(report["week"]).weekday() == 0
    assert report["week"] == monday(29).isoformat()
    portfolio = report["portfolio"]
    assert isinstance(portfolio["buyers"], int) and portfolio["buyers"] == 7
    assert isinstance(portfolio["revenue_13w"], float)
    assert 0 <= portfolio["top_20pct_share"] <= 1
    assert portfolio["concentration_alerts"] == ["BIG"]
    assert isinstance(portfolio["concentration_warnings"], list)
    assert len(report["buyers"]) == 7
    for buyer in report["buyers"]:
        for key in ("buyer_id", "name", "owner"):
            assert isinstance(buyer[key], str)
        assert buyer["phase"] in PHASES
        assert isinstance(buyer["health"], int) and 0 <= buyer["health"] <= 100
        assert isinstance(buyer["health_change"], int)
        assert buyer["band"] in BANDS
        assert set(buyer["components"]) == COMPONENTS
        for value in buyer["components"].values():
            assert value is None or (isinstance(value, int) and 0 <= value <= 100)
        assert set(buyer["trust"]) == {"incidents", "level"}
        assert isinstance(buyer["trust"]["incidents"], int)
        assert buyer["trust"]["level"] in LEVELS
        assert isinstance(buyer["revenue_share"], float) and 0 <= buyer["revenue_share"] <= 1
        assert buyer["concentration"] in {"ok", "warn", "alert"}
        for warning in buyer["warnings"]:
            assert set(warning) == {"code", "detail"}
            assert warning["code"] in CODES and isinstance(warning["detail"], str)
        assert isinstance(buyer["ltv"], float)


def test_json_keeps_hostile_text_literal(report: dict) -> None:
    by_id = {b["buyer_id"]: b for b in report["buyers"]}
    for bid, name in HOSTILE.items():
        assert by_id[bid]["name"] == name
        assert by_id[bid]["owner"] == name


def test_table_prints_markup_names_exactly_as_typed(db: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(db), "report", "--format", "table")
    assert result.exit_code == 0
    assert "[bold red]x[/]" in result.stdout
    assert "=cmd|' /C calc'!A0" in result.stdout


def test_csv_report_defuses_formula_cells(db: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(db), "report", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_id = {r["buyer_id"]: r for r in rows}
    assert set(by_id) == {*HOSTILE, "BIG", "LATE"}
    for bid, name in HOSTILE.items():
        for column in ("name", "owner"):
            cell = by_id[bid][column]
            assert not cell.startswith(("=", "+", "-", "@")), cell
            assert cell.endswith(name)
    assert by_id["MARKUP"]["name"] == "[bold red]x[/]"
    for row in rows:
        for column, cell in row.items():
            if column not in ("health_change",):
                assert not cell.startswith(("=", "+", "@")), (column, cell)


def test_explain_prints_components_warnings_and_literal_name(db: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(db), "explain", "MARKUP")
    assert result.exit_code == 0
    assert "[bold red]x[/]" in result.stdout
    for component in COMPONENTS:
        assert component in result.stdout
    late = run(runner, "--db", str(db), "explain", "LATE", "--format", "json")
    assert late.exit_code == 0
    data = json.loads(late.stdout)
    assert data["buyer_id"] == "LATE"
    assert "payment_late" in [w["code"] for w in data["warnings"]]


def test_week_option_travels_back_in_time(db: Path, runner: CliRunner, report: dict) -> None:
    thursday = monday(12) + timedelta(days=3)
    result = run(runner, "--db", str(db), "report", "--format", "json", "--week", str(thursday))
    assert result.exit_code == 0
    earlier = json.loads(result.stdout)
    assert earlier["week"] == monday(12).isoformat() != report["week"]
    late_now = next(b for b in report["buyers"] if b["buyer_id"] == "LATE")
    late_then = next(b for b in earlier["buyers"] if b["buyer_id"] == "LATE")
    assert "competitor_mention" in [w["code"] for w in late_now["warnings"]]
    assert "competitor_mention" not in [w["code"] for w in late_then["warnings"]]


# --- exit codes -----------------------------------------------------------------


def test_import_of_missing_folder_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(tmp_path / "x.db"), "import", str(tmp_path / "nowhere"))
    assert_user_error(result, "nowhere")


def test_import_of_bad_csv_exits_1_naming_file_line_column(
    tmp_path: Path, runner: CliRunner
) -> None:
    p = Portfolio()
    p.healthy("A")
    p.add("deliveries.csv", buyer_id="A", date=AS_OF, leads="many", revenue=1)
    folder = p.write(tmp_path / "bad")
    line = len(p.rows["deliveries.csv"]) + 1
    result = run(runner, "--db", str(tmp_path / "x.db"), "import", str(folder))
    assert_user_error(result, "deliveries.csv", f"line {line}", "leads")


def test_bad_week_exits_1(db: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(db), "report", "--week", "last tuesday")
    assert_user_error(result, "--week")


def test_week_without_data_exits_1(db: Path, runner: CliRunner) -> None:
    result = run(runner, "--db", str(db), "report", "--week", "1999-01-01")
    assert_user_error(result, "no data")


def test_explain_unknown_buyer_exits_1(db: Path, runner: CliRunner) -> None:
    assert_user_error(run(runner, "--db", str(db), "explain", "NOBODY"), "NOBODY")


def test_report_without_a_database_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    assert_user_error(run(runner, "--db", str(tmp_path / "none.db"), "report"), "none.db")


def test_database_path_that_is_a_folder_exits_1(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTHDESK_DB", str(tmp_path))
    assert_user_error(run(runner, "report"), str(tmp_path))


def test_db_option_naming_a_folder_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    assert_user_error(run(runner, "--db", str(tmp_path), "report"), str(tmp_path))


def test_database_file_that_is_not_sqlite_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database\n" * 100)
    assert_user_error(run(runner, "--db", str(junk), "report"), "junk.db")


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[weights\nvolume = 1", ("not valid TOML",)),
        ("[weights]\nvolumee = 0.3\n", ("weights.volumee",)),
        ('[weights]\nvolume = "high"\n', ("weights.volume",)),
        ("[bands]\nhealthy = 70.5\n", ("bands.healthy",)),
        ("weights = 3\n", ("weights",)),
    ],
)
def test_invalid_config_exits_1_naming_the_key(
    db: Path, tmp_path: Path, runner: CliRunner, toml: str, words: tuple[str, ...]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    assert_user_error(run(runner, "--db", str(db), "--config", str(path), "report"), *words)
    assert_user_error(run(runner, "--config", str(path), "config"), *words)


def test_missing_config_file_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    assert_user_error(run(runner, "--config", str(tmp_path / "no.toml"), "config"), "no.toml")


def test_unknown_option_is_a_usage_error_exit_2(runner: CliRunner) -> None:
    assert run(runner, "report", "--colour", "red").exit_code == 2
    assert run(runner, "--frobnicate").exit_code == 2
    assert run(runner, "report", "--format", "xml").exit_code == 2


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += _commands(command, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("path", _commands(main), ids=lambda p: " ".join(p) or "healthdesk")
def test_help_on_every_command(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = run(runner, *path, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_every_documented_command_is_registered() -> None:
    assert {"import", "report", "explain", "config"} <= set(main.commands)


# --- config ---------------------------------------------------------------------


def test_config_prints_toml_that_round_trips(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "config")
    assert result.exit_code == 0
    tomllib.loads(result.stdout)
    printed = tmp_path / "printed.toml"
    printed.write_text(result.stdout, encoding="utf-8")
    assert load_config(printed) == Config()


def test_config_prints_the_active_overrides(tmp_path: Path, runner: CliRunner) -> None:
    custom = tmp_path / "custom.toml"
    custom.write_text(
        'owner = "Ann \\"the\\" Lead"\n[concentration]\nwarn = 0.15\n'
        "[money]\nmonthly_churn = 0.03\n[checkins]\ndays = [30, 60]\n",
        encoding="utf-8",
    )
    result = run(runner, "--config", str(custom), "config")
    assert result.exit_code == 0
    printed = tmp_path / "printed.toml"
    printed.write_text(result.stdout, encoding="utf-8")
    assert load_config(printed) == load_config(custom)
    assert load_config(printed).concentration.warn == 0.15


def test_config_next_to_the_database_is_read(
    db: Path, tmp_path: Path, runner: CliRunner, folder: Path
) -> None:
    """Five equal buyers hold 20% each: ok by default, warnings with warn = 0.15."""
    p = Portfolio()
    for i in range(5):
        p.healthy(f"E{i}")
    home = tmp_path / "home"
    path = home / "hd.db"
    assert run(runner, "--db", str(path), "import", str(p.write(tmp_path / "csv"))).exit_code == 0
    before = json.loads(run(runner, "--db", str(path), "report", "--format", "json").stdout)
    assert before["portfolio"]["concentration_warnings"] == []
    (home / "healthdesk.toml").write_text("[concentration]\nwarn = 0.15\n", encoding="utf-8")
    after = json.loads(run(runner, "--db", str(path), "report", "--format", "json").stdout)
    assert after["portfolio"]["concentration_warnings"] == [f"E{i}" for i in range(5)]


# --- processes ------------------------------------------------------------------

PROBE = (
    "import sys\n"
    "from healthdesk.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "else:\n"
    "    code = 0\n"
    "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
    "print('TEXTUAL:', len(loaded), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _probe(*args: str, env_db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HEALTHDESK_DB": str(env_db)}
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [("--help",), ("report", "--format", "json"), ("report",), ("config",)],
    ids=" ".join,
)
def test_headless_commands_import_no_textual(db: Path, args: tuple[str, ...]) -> None:
    proc = _probe(*args, env_db=db)
    assert proc.returncode == 0, proc.stderr
    assert "TEXTUAL: 0" in proc.stderr


def test_installed_entry_point_reports_json(db: Path) -> None:
    env = {**os.environ, "HEALTHDESK_DB": str(db)}
    proc = subprocess.run(
        ["uv", "run", "--quiet", "healthdesk", "report", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["buyers"]) == 7


def test_user_error_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    proc = _probe("import", str(tmp_path / "missing"), env_db=tmp_path / "hd.db")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "missing" in proc.stderr
