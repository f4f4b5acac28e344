"""Scoring benchmark: import and score a 5,000-buyer × 156-week portfolio.

Prints wall time and peak memory per phase, and ratios against a floor measured in
the same run on the same file: a raw SQLite ``GROUP BY buyer_id, week`` over the
deliveries, invoices and touchpoints (fetching the rows into Python). Not a test:
the figures go in the closing note. Each phase runs in a fresh process so its peak
memory (ru_maxrss) is its own.

    uv run python benchmarks/scoring.py [--buyers 5000] [--weeks 156] [--seed 7]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import sqlite3
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
BUYER_REPORTS = 5
"""Buyers timed by the buyer_report phase, spread over the id range."""

FLOOR_QUERIES = (
    "SELECT buyer_id, week, SUM(leads), SUM(revenue) FROM deliveries GROUP BY buyer_id, week",
    "SELECT buyer_id, (due_day - 1) / 7 AS week, SUM(amount), MAX(COALESCE(paid_day, 0) - due_day)"
    " FROM invoices GROUP BY buyer_id, week",
    "SELECT buyer_id, week, COUNT(*), SUM(replied_at IS NOT NULL) FROM touchpoints"
    " GROUP BY buyer_id, week",
)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(folder: str, buyers: int, weeks: int, seed: int) -> tuple[float, float]:
    from healthdesk.sample import generate

    start = time.perf_counter()
    generate(Path(folder), buyers=buyers, weeks=weeks, seed=seed)
    return time.perf_counter() - start, _peak_mib()


def _import(folder: str, db_path: str) -> tuple[float, float]:
    from healthdesk.ingest.importer import import_folder
    from healthdesk.store.db import open_db

    start = time.perf_counter()
    db = open_db(Path(db_path), create=True)
    import_folder(db, Path(folder))
    db.close()
    return time.perf_counter() - start, _peak_mib()


def _floor(db_path: str) -> tuple[float, float]:
    conn = sqlite3.connect(db_path)
    start = time.perf_counter()
    for query in FLOOR_QUERIES:
        conn.execute(query).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, _peak_mib()


def _score(db_path: str, last_week_only: bool) -> tuple[float, float]:
    from healthdesk import engine
    from healthdesk.config import Config
    from healthdesk.store.db import open_db

    db = open_db(Path(db_path))
    config = Config()
    start = time.perf_counter()
    if last_week_only:
        engine.rescore(db, config, engine.latest_week(db))
    else:
        engine.rescore(db, config)
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed, _peak_mib()


def _report(db_path: str) -> tuple[float, float]:
    from healthdesk import engine
    from healthdesk.config import Config
    from healthdesk.store.db import open_db

    db = open_db(Path(db_path))
    start = time.perf_counter()
    engine.report(db, Config())
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed, _peak_mib()


def _buyer_reports(db_path: str) -> tuple[float, float]:
    """Mean seconds of ``engine.buyer_report`` (the console's account explanation) for
    a few buyers of the latest week, after one warm-up call."""
    from healthdesk import engine
    from healthdesk.config import Config
    from healthdesk.store import scores
    from healthdesk.store.db import open_db

    db = open_db(Path(db_path))
    config = Config()
    week = engine.latest_week(db)
    listed = sorted(scores.revenue(db, week))
    picks = [listed[int(k * (len(listed) - 1) / (BUYER_REPORTS - 1))] for k in range(BUYER_REPORTS)]
    engine.buyer_report(db, config, picks[0], week)
    start = time.perf_counter()
    for buyer_id in picks:
        engine.buyer_report(db, config, buyer_id, week)
    elapsed = (time.perf_counter() - start) / len(picks)
    db.close()
    return elapsed, _peak_mib()


def run(func, *args) -> tuple[float, float]:
    """Run ``func`` in a fresh process; (seconds, peak MiB of that process)."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(func, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = WORK / f"portfolio-{args.buyers}x{args.weeks}-s{args.seed}"
    db_path = WORK / f"bench-{args.buyers}x{args.weeks}.db"
    WORK.mkdir(exist_ok=True)
    rows: list[tuple[str, float, float]] = []
    if not (folder / "buyers.csv").exists():
        shutil.rmtree(folder, ignore_errors=True)
        rows.append(
            ("generate CSV", *run(_generate, str(folder), args.buyers, args.weeks, args.seed))
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    rows.append(("import (validate + write)", *run(_import, str(folder), str(db_path))))
    floor = min(run(_floor, str(db_path))[0] for _ in range(3))
    rows.append(("floor: raw GROUP BY (best of 3)", floor, 0.0))
    full = run(_score, str(db_path), False)
    rows.append(("score every week", *full))
    one = run(_score, str(db_path), True)
    rows.append(("rescore the latest week", *one))
    rows.append(("report, latest week (in memory)", *run(_report, str(db_path))))
    explain = run(_buyer_reports, str(db_path))
    rows.append((f"buyer_report, mean of {BUYER_REPORTS}", *explain))
    size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    print(f"portfolio: {args.buyers} buyers × {args.weeks} weeks, CSV {size:.0f} MiB")
    print(f"{'phase':34} {'seconds':>8} {'peak MiB':>9} {'× floor':>8}")
    for name, seconds, peak in rows:
        print(f"{name:34} {seconds:8.2f} {peak:9.0f} {seconds / floor:8.2f}")
    print(f"scoring ÷ floor: {full[0] / floor:.2f} (goal ≤ 3)")
    print(f"one-week rescore ÷ full score: {one[0] / full[0]:.1%} (goal ≤ 10%)")
    print(
        f"buyer_report: {explain[0] * 1000:.1f} ms a buyer, {explain[0] / floor:.3f} × floor"
        " (goal < 100 ms)"
    )


if __name__ == "__main__":
    main()
