"""`healthdesk map` on folders it has never seen: a DATA.md folder maps onto itself
(and imports through the proposed profile exactly as without one), headers are found
whatever the file is called, near-miss headers are guesses with a confidence, and a
file it cannot place says which table it came nearest to."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from click.testing import CliRunner, Result

from healthdesk.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def test_a_datamd_folder_maps_onto_itself_and_imports_the_same(tmp_path: Path) -> None:
    renamed = tmp_path / "exports"
    renamed.mkdir()
    for path in SAMPLE.glob("*.csv"):  # any file names: tables are found by headers
        shutil.copy(path, renamed / f"export-{path.stem.upper()}-2026.csv")
    profile = tmp_path / "p.toml"
    mapped = run(tmp_path / "m.db", "map", str(renamed), "-o", str(profile))
    assert mapped.exit_code == 0, mapped.output
    tables = tomllib.loads(profile.read_text(encoding="utf-8"))["tables"]
    assert set(tables) == {
        "buyers",
        "deliveries",
        "returns",
        "invoices",
        "touchpoints",
        "incidents",
        "contacts",
        "surveys",
    }
    assert tables["invoices"]["columns"]["paid_on"] == "paid_on"
    via = tmp_path / "via.db"
    plain = tmp_path / "plain.db"
    assert run(via, "import", str(renamed), "--profile", str(profile)).exit_code == 0
    assert run(plain, "import", str(SAMPLE)).exit_code == 0
    a = run(via, "report", "--format", "json").output
    b = run(plain, "report", "--format", "json").output
    assert a == b


def test_near_miss_headers_are_guesses_and_unknown_files_say_what_is_missing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "crm.csv").write_text(
        "Acount Name,Created Date,Account Owner\nAcme,2026-01-05,Dana Lee\n", encoding="utf-8"
    )
    (folder / "mystery.csv").write_text("Colour,Shape\nred,round\n", encoding="utf-8")
    (folder / "bills.csv").write_text("Customer,Amount Due\nAcme,$5.00\n", encoding="utf-8")
    result = run(tmp_path / "m.db", "map", str(folder))
    assert result.exit_code == 0, result.output
    assert "'Acount Name' → name   (guess, 95% like a known header)" in result.output
    assert "mystery.csv: NOT RECOGNISED (headers Colour, Shape)" in result.output
    assert "bills.csv: NOT RECOGNISED" in result.output
    assert "invoices (missing invoice_id, issued_on, due_on)" in result.output


def test_map_refuses_a_folder_without_csv_files(tmp_path: Path) -> None:
    result = run(tmp_path / "m.db", "map", str(tmp_path))
    assert result.exit_code == 1 and "holds no .csv files" in result.output


def test_two_crm_accounts_whose_names_normalise_alike_stay_two_buyers(tmp_path: Path) -> None:
    """ "Brightline Energy" and "Brightline Energy LLC" with their own CRM ids are two
    accounts (a 5,000-buyer book has such pairs): a profile import keeps both, with
    their own contacts, exactly as the plain import does."""
    folder = tmp_path / "crm"
    shutil.copytree(SAMPLE, folder)
    buyers = (folder / "buyers.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = buyers[0].split(","), buyers[1].split(","), buyers[2].split(",")
    name = header.index("name")
    second[name] = first[name] + " LLC"
    buyers[2] = ",".join(second)
    (folder / "buyers.csv").write_text("\n".join(buyers) + "\n", encoding="utf-8")
    profile = tmp_path / "p.toml"
    assert run(tmp_path / "m.db", "map", str(folder), "-o", str(profile)).exit_code == 0
    via, plain = tmp_path / "via.db", tmp_path / "plain.db"
    imported = run(via, "import", str(folder), "--profile", str(profile))
    assert imported.exit_code == 0, imported.output
    assert run(plain, "import", str(folder)).exit_code == 0
    a = run(via, "report", "--format", "json").output
    assert a == run(plain, "report", "--format", "json").output
    assert f'"buyer_id": "{first[0]}"' in a and f'"buyer_id": "{second[0]}"' in a
