"""Installed from its wheel (not a clone), healthdesk keeps its database in the user's
data directory and builds the bundled sample there on first run; the wheel carries
the sample and the built-in profiles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv, "build", "--wheel", "-o", str(out), str(ROOT)], check=True, capture_output=True
    )
    return next(out.glob("healthdesk-*.whl"))


def test_the_wheel_ships_the_sample_and_the_builtin_profiles(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "healthdesk/data/sample/buyers.csv" in names
    assert "healthdesk/ingest/profiles/salesforce.toml" in names
    assert not any(n.endswith(".db") for n in names)


def test_installed_it_builds_the_sample_in_the_user_data_dir(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a wheel is installed by unpacking it
    env = {k: v for k, v in os.environ.items() if k != "HEALTHDESK_DB"}
    env.update(PYTHONPATH=str(site), XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path))
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = "import sys; from healthdesk.cli import main; sys.argv[0] = 'healthdesk'; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "report", "--format", "json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["portfolio"]["buyers"] == 54
    assert (tmp_path / "xdg" / "healthdesk" / "healthdesk.db").is_file()
    assert not (site / "data").exists()
    profiles = subprocess.run(
        [
            sys.executable,
            "-c",
            "from healthdesk.ingest.profiles import builtin_names as b; print(b())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "phonexa" in profiles.stdout
