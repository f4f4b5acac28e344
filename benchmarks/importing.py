"""Import benchmark (issue 12): ``healthdesk import FOLDER`` of a new book against the
sqlite3 shell's ``.import --csv`` of the same CSV files.

The floor is the ``sqlite3`` command-line shell loading every CSV file of the folder
into plain tables (TEXT columns named by the header, no keys, no checks) of a fresh
database file, in one process; when the shell is not installed, Python's sqlite3 with
``csv.reader`` and ``executemany`` stands in (the output says which). Then, each in a
fresh process and on a fresh database: ``healthdesk import`` as the user runs it (the
CLI: validate, write, record, rescore), the same import timed by phase in-process
(``import_folder`` vs ``rescore_after_import``), and a re-import of the same folder
(every row unchanged). Runs are repeated and the best is kept; ratios are to the best
floor of the same run. Not a test: the figures go in the README and commit messages.

    uv run python benchmarks/importing.py [--buyers 2000] [--weeks 104] [--seed 7]
                                          [--repeat 3] [--folder DIR]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
ENTRY = str(Path(sys.executable).parent / "healthdesk")
"""The installed ``healthdesk`` script of this environment (what ``uv run`` starts)."""


def _fresh(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def _csvs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv"))


def floor_shell(folder: Path, db_path: Path) -> float:
    """Seconds for one ``sqlite3`` process to ``.import --csv`` every file."""
    _fresh(db_path)
    script = "".join(f".import --csv '{p}' {p.stem}\n" for p in _csvs(folder))
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(db_path)], input=script, text=True, check=True)
    return time.perf_counter() - start


def floor_python(folder: Path, db_path: Path) -> float:
    """The stand-in floor: csv.reader + executemany into TEXT tables, one transaction."""
    _fresh(db_path)
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    with conn:
        for p in _csvs(folder):
            with p.open(newline="", encoding="utf-8-sig") as f:
                reader = csv.reader(f)
                header = next(reader)
                cols = ", ".join(f'"{h}"' for h in header)
                conn.execute(f'CREATE TABLE "{p.stem}" ({cols})')
                marks = ", ".join("?" * len(header))
                conn.executemany(f'INSERT INTO "{p.stem}" VALUES ({marks})', reader)
    conn.close()
    return time.perf_counter() - start


def cli_import(folder: Path, db_path: Path, fresh: bool = True) -> float:
    """Seconds of ``healthdesk --db DB import FOLDER`` as a user runs it (a new process)."""
    if fresh:
        _fresh(db_path)
    command = [ENTRY, "--db", str(db_path), "import", str(folder)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"import failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def _phases(folder: str, db_path: str) -> tuple[float, float, float]:
    """(import_folder, rescore_after_import, total) seconds, in this process."""
    from healthdesk import engine
    from healthdesk.config import Config
    from healthdesk.ingest.importer import import_folder
    from healthdesk.store.db import open_db

    _fresh(Path(db_path))
    start = time.perf_counter()
    db = open_db(Path(db_path), create=True)
    result = import_folder(db, Path(folder))
    imported = time.perf_counter()
    engine.rescore_after_import(db, Config(), result.first_day)
    db.close()
    end = time.perf_counter()
    return imported - start, end - imported, end - start


def _spawned(func, *args):
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(func, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="A DATA.md folder instead of a sample.")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    folder = args.folder or WORK / f"portfolio-{args.buyers}x{args.weeks}-s{args.seed}"
    if not (folder / "buyers.csv").exists():
        from healthdesk.sample import generate

        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, buyers=args.buyers, weeks=args.weeks, seed=args.seed)
    rows = sum(sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in _csvs(folder))
    size = sum(p.stat().st_size for p in _csvs(folder)) / 2**20
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        scratch = Path(tmp)
        floor_db, db = scratch / "floor.db", scratch / "import.db"
        shell = shutil.which("sqlite3") is not None
        measure_floor = floor_shell if shell else floor_python
        floors, clis, phases, again = [], [], [], []
        for _ in range(args.repeat):  # interleaved, so a noisy spell hits both
            floors.append(measure_floor(folder, floor_db))
            clis.append(cli_import(folder, db))
            again.append(cli_import(folder, db, fresh=False))
            phases.append(_spawned(_phases, str(folder), str(db)))
        python_floor = min(floor_python(folder, floor_db) for _ in range(2))
    floor = min(floors)
    method = "sqlite3 shell .import --csv" if shell else "Python csv.reader + executemany"
    print(f"book: {folder.name}, {rows:,} rows, CSV {size:.0f} MiB")
    print(f"floor: {method} into a fresh file, best of {len(floors)}")
    print(f"{'phase':40} {'best s':>7} {'all runs':>24} {'× floor':>8}")

    def line(name: str, runs: list[float]) -> None:
        shown = " ".join(f"{r:.2f}" for r in runs)
        print(f"{name:40} {min(runs):7.2f} {shown:>24} {min(runs) / floor:8.2f}")

    line(f"floor ({method.split()[0]})", floors)
    line("floor (Python csv + executemany)", [python_floor])
    line("healthdesk import, new book (CLI)", clis)
    line("  of which import_folder (in-process)", [p[0] for p in phases])
    line("  of which rescore (in-process)", [p[1] for p in phases])
    line("healthdesk import, same folder again", again)
    print(f"new-book import ÷ floor: {min(clis) / floor:.2f} (goal ≤ 3)")


if __name__ == "__main__":
    main()
