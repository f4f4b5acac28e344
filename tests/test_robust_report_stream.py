"""``report --format json`` is written buyer by buyer; ``--no-explain`` leaves each
buyer's explanation out and nothing else."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

from click.testing import CliRunner
from robust_helpers import sample_folder

from healthdesk import cli, render
from healthdesk.cli_support import Context
from healthdesk.engine import report


def _json(db: Path, *extra: str) -> str:
    done = CliRunner().invoke(cli.main, ["--db", str(db), "report", "--format", "json", *extra])
    assert done.exit_code == 0, done.output
    return done.stdout


def test_streamed_json_is_the_report_and_no_explain_drops_only_explain(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    done = CliRunner().invoke(cli.main, ["--db", str(db), "import", str(sample_folder(tmp_path))])
    assert done.exit_code == 0, done.output
    full = _json(db)
    rep = Context(db, None).read(report)
    assert full == render.as_json(rep) + "\n"  # byte for byte the one-piece JSON
    lean = json.loads(_json(db, "--no-explain"))
    whole = json.loads(full)
    assert all("explain" in b for b in whole["buyers"])
    for b in whole["buyers"]:
        del b["explain"]
    assert lean == whole and lean["buyers"]


def test_a_report_without_buyers_streams_valid_json(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    done = CliRunner().invoke(cli.main, ["--db", str(db), "import", str(sample_folder(tmp_path))])
    assert done.exit_code == 0, done.output
    rep = dataclasses.replace(Context(db, None).read(report), buyers=[])
    out = io.StringIO()
    render.write_json(rep, out)
    assert out.getvalue() == render.as_json(rep) + "\n"
    assert json.loads(out.getvalue())["buyers"] == []
