"""The score's foresight: rhythm, zero activity as evidence, and the backtest that grades
health on what happened next (real CSV → import → stored scores → backtest)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import AS_OF, WEEKS, Portfolio, build_report, import_into, monday, report_json

from healthdesk import engine, foresight
from healthdesk.cli import main
from healthdesk.config import Config, Weights, load_config
from healthdesk.domain import backtest as bt
from healthdesk.domain.weeks import last_day
from healthdesk.sample.generator import generate
from healthdesk.store.db import open_db

# --- the score ------------------------------------------------------------------


def test_zero_activity_is_evidence_not_missing_data(tmp_path: Path) -> None:
    p = Portfolio()
    for bid in ("A", "B", "C"):
        p.healthy(bid)
    p.buyer("Z")  # bought for a while, then nothing for the last 16 weeks
    p.deliveries("Z", [100] * (WEEKS - 16) + [0] * 16)
    p.invoices("Z")
    p.touches("Z")
    rep = build_report(p, tmp_path)
    zero, active = rep["by_id"]["Z"], rep["by_id"]["A"]
    assert zero["components"]["volume"] == 0  # scored, not left out
    assert zero["components"]["rhythm"] is not None and zero["components"]["rhythm"] < 10
    assert zero["health"] < active["health"]
    assert zero["band"] == "at_risk"


def _silent(every: int) -> list[int]:
    """Leads every ``every`` weeks, the last of them 3 weeks before the as-of week."""
    last = WEEKS - 4
    return [100 if k <= last and (last - k) % every == 0 else 0 for k in range(WEEKS)]


def test_weekly_buyer_silent_three_weeks_is_riskier_than_a_monthly_one(tmp_path: Path) -> None:
    p = Portfolio()
    for bid in ("A", "B", "C"):
        p.healthy(bid)
    for bid, every in (("WEEKLY", 1), ("MONTHLY", 4)):
        p.buyer(bid)
        p.deliveries(bid, _silent(every))
        p.invoices(bid)
        p.touches(bid)
    rep = build_report(p, tmp_path)
    weekly, monthly = rep["by_id"]["WEEKLY"], rep["by_id"]["MONTHLY"]
    assert weekly["components"]["rhythm"] < monthly["components"]["rhythm"]
    assert weekly["health"] < monthly["health"]
    assert weekly["band"] == "at_risk"  # stopped against its own rhythm
    assert monthly["band"] != "at_risk"  # three quiet weeks is its rhythm
    rhythm = next(c for c in weekly["explain"]["components"] if c["name"] == "rhythm")
    assert "3 weeks since its last leads" in rhythm["evidence"]
    assert "chance it is still buying" in rhythm["evidence"]


def test_four_open_incidents_put_a_buyer_at_risk(tmp_path: Path) -> None:
    p = Portfolio()
    for bid in ("A", "B", "C", "T"):
        p.healthy(bid)
    for n in range(4):
        p.add(
            "incidents.csv",
            incident_id=f"INC-{n}",
            buyer_id="T",
            opened_at=(AS_OF - timedelta(days=20 + n)).isoformat() + "T10:00:00Z",
        )
    t = build_report(p, tmp_path)["by_id"]["T"]
    assert t["trust"]["level"] == 25
    assert t["band"] == "at_risk"


def test_capped_buyers_keep_their_order_instead_of_piling_on_the_cap(tmp_path: Path) -> None:
    """Two buyers under the same warning cap but different raw health stay apart."""
    p = Portfolio()
    for bid in ("A", "B", "C"):
        p.healthy(bid)
    for bid, nps in (("GLAD", 10), ("SOUR", 2)):
        p.buyer(bid)
        p.deliveries(bid)
        p.touches(bid)
        p.invoices(bid, late=25)
        p.add("surveys.csv", buyer_id=bid, date=monday(WEEKS - 3), score=nps)
    rep = build_report(p, tmp_path)
    fast, slow = rep["by_id"]["GLAD"], rep["by_id"]["SOUR"]
    assert fast["explain"]["cap"] is not None and slow["explain"]["cap"] is not None
    assert fast["explain"]["raw"] > slow["explain"]["raw"]
    assert fast["health"] > slow["health"]


# --- the backtest's arithmetic ----------------------------------------------------


def test_auc_and_top_precision_match_their_definitions() -> None:
    rng = np.random.default_rng(3)
    risk = rng.integers(0, 12, 400).astype(float)  # many ties
    churned = rng.random(400) < risk / 14
    c, s = risk[churned], risk[~churned]
    brute = ((c[:, None] > s[None, :]).sum() + 0.5 * (c[:, None] == s[None, :]).sum()) / (
        c.size * s.size
    )
    assert bt.auc(risk, churned) == pytest.approx(brute)
    order = np.argsort(-risk, kind="stable")
    k = 40
    cut = risk[order[k - 1]]
    above = churned[risk > cut].sum()
    tied = risk == cut
    need = k - (risk > cut).sum()
    expected = (above + churned[tied].mean() * need) / k
    assert bt.top_precision(risk, churned) == pytest.approx(expected)
    assert bt.tie_share(np.array([1.0, 1, 1, 2])) == 0.75


def test_bootstrap_interval_brackets_the_figure_and_repeats() -> None:
    rng = np.random.default_rng(1)
    risk = rng.random(500)
    churned = rng.random(500) < risk * 0.5
    w = bt.resample_weights(500, 100, 7)
    one, two = bt.figures(risk, churned, w), bt.figures(risk, churned, w)
    assert one == two
    assert one.auc_low < one.auc < one.auc_high
    assert one.precision_low <= one.precision <= one.precision_high


# --- backtest on a generated book --------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("book")
    generate(tmp / "csv", buyers=240, weeks=80, seed=5)
    path = tmp / "book.db"
    import_into(path, tmp / "csv")
    db = open_db(path)
    try:
        engine.ensure_scored(db, Config())
    finally:
        db.close()
    return path


def _labels_by_hand(path: Path, week: int, horizon_weeks: int, active: int) -> dict[str, bool]:
    """Who was in the population at ``week`` and whether it churned, straight from SQL."""
    con = sqlite3.connect(path)
    out = {}
    for (buyer,) in con.execute("SELECT buyer_id FROM weekly_scores WHERE week = ?", (week,)):
        before = con.execute(
            "SELECT COUNT(*) FROM deliveries WHERE buyer_id = ? AND leads > 0"
            " AND week BETWEEN ? AND ?",
            (buyer, week - active + 1, week),
        ).fetchone()[0]
        if not before:
            continue
        after = con.execute(
            "SELECT COUNT(*) FROM deliveries WHERE buyer_id = ? AND leads > 0"
            " AND week BETWEEN ? AND ?",
            (buyer, week + 1, week + horizon_weeks),
        ).fetchone()[0]
        churned_on = con.execute(
            "SELECT churned_on FROM buyers WHERE buyer_id = ?", (buyer,)
        ).fetchone()[0]
        left = False
        if churned_on:
            day = date.fromisoformat(churned_on).toordinal()
            left = last_day(week) < day <= last_day(week) + 90
        out[buyer] = after == 0 or left
    con.close()
    return out


def test_backtest_labels_and_grades_what_happened_next(book: Path) -> None:
    config = Config()
    labelled = foresight.label(open_db(book), config)
    result = foresight.grade(labelled, config)
    assert result.churned > 0
    lab = labelled[len(labelled) // 2]
    by_hand = _labels_by_hand(book, lab.week, 13, config.backtest.active_weeks)
    con = sqlite3.connect(book)
    ids = [
        r[0]
        for r in con.execute(
            "SELECT buyer_id FROM weekly_scores WHERE week = ? ORDER BY buyer_id", (lab.week,)
        )
    ]
    health = dict(
        con.execute("SELECT buyer_id, health FROM weekly_scores WHERE week = ?", (lab.week,))
    )
    con.close()
    in_pop = [b for b, keep in zip(ids, lab.in_population, strict=True) if keep]
    assert set(in_pop) == set(by_hand)
    churned = {
        b: bool(c) for b, c, keep in zip(ids, lab.churned, lab.in_population, strict=True) if keep
    }
    assert churned == by_hand
    week = next(w for w in result.weeks if w.week == lab.week)
    risk = np.array([-health[b] for b in in_pop], dtype=float)
    outcome = np.array([by_hand[b] for b in in_pop])
    assert week.scores["health"].auc == pytest.approx(bt.auc(risk, outcome))


def test_backtest_beats_both_baselines_on_a_generated_book(book: Path) -> None:
    result = foresight.backtest(open_db(book), Config())
    health = result.mean["health"]
    assert health.auc > result.mean["recency"].auc
    assert health.auc > result.mean["trend"].auc
    assert health.lift > 1


def test_scores_of_a_week_never_read_the_future(tmp_path: Path) -> None:
    """Add facts dated after week k only (leads stop, replies stop, an incident, a late
    invoice, a churn date): every stored score of week k and before stays the same."""
    k = WEEKS - 8

    def book(future: bool) -> Portfolio:
        p = Portfolio()
        for bid in ("A", "B", "C"):
            p.healthy(bid)
        extra = {"status": "churned", "churned_on": monday(WEEKS - 1)} if future else {}
        p.buyer("D", **extra)
        p.deliveries("D", [100] * (k + 1) + ([0] if future else [100]) * (WEEKS - k - 1))
        p.invoices("D", weeks=k + 1)
        p.touches("D", reply_until=k + 1 if future else None)
        if future:
            p.invoices("D", first_week=k + 1, late=30)
            p.add(
                "incidents.csv",
                incident_id="LATER",
                buyer_id="D",
                opened_at=monday(k + 2).isoformat() + "T09:00:00Z",
            )
        return p

    stored = {}
    for future in (False, True):
        path = tmp_path / f"{future}.db"
        import_into(path, book(future).write(tmp_path / f"csv-{future}"))
        db = open_db(path)
        engine.ensure_scored(db, Config())
        week_k = engine.latest_week(db) - (WEEKS - 1 - k)
        db.close()
        con = sqlite3.connect(path)
        stored[future] = con.execute(
            "SELECT * FROM weekly_scores WHERE week <= ? ORDER BY week, buyer_id", (week_k,)
        ).fetchall()
        con.close()
    assert stored[False] and stored[False] == stored[True]


def test_backtest_cli_prints_table_and_json(book: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["--db", str(book), "backtest"])
    assert table.exit_code == 0, table.output
    assert "AUC" in table.output and "baseline: days since last delivery" in table.output
    assert "lift by decile" in table.output
    out = runner.invoke(main, ["--db", str(book), "backtest", "--format", "json", "--every", "4"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data["mean"]) >= {"health", "rhythm", "volume", "recency", "trend"}
    assert all(w["population"] > 0 for w in data["by_week"])
    assert len(data["lift_by_decile"]) == 10
    bad = runner.invoke(main, ["--db", str(book), "backtest", "--from", "not-a-date"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_backtest_says_when_there_is_no_full_horizon(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    path = tmp_path / "short.db"
    folder = p.write(tmp_path / "csv")
    import_into(path, folder)
    out = CliRunner().invoke(
        main, ["--db", str(path), "backtest", "--from", str(monday(WEEKS - 2))]
    )
    assert out.exit_code == 1
    assert "full 90-day horizon" in out.output


def test_calibrate_proposal_round_trips_through_config(book: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    proposal = tmp_path / "proposal.toml"
    copy = tmp_path / "book.db"
    shutil.copy(book, copy)
    out = runner.invoke(main, ["--db", str(copy), "calibrate", "--every", "2", "-o", str(proposal)])
    assert out.exit_code == 0, out.output
    assert "proposed" in out.output and "held out" in out.output
    config = load_config(proposal)
    assert isinstance(config.weights, Weights)
    assert sum(vars(config.weights).values()) == pytest.approx(1.0, abs=1e-3)
    again = runner.invoke(main, ["--db", str(copy), "calibrate", "-o", str(proposal)])
    assert again.exit_code == 1 and "already exists" in again.output
    used = runner.invoke(
        main, ["--db", str(copy), "--config", str(proposal), "backtest", "--format", "json"]
    )
    assert used.exit_code == 0, used.output
    assert json.loads(used.output)["mean"]["health"]["auc"] is not None


def test_calibration_never_changes_the_config_or_the_scores(book: Path, tmp_path: Path) -> None:
    copy = tmp_path / "book.db"
    shutil.copy(book, copy)
    con = sqlite3.connect(copy)
    before = con.execute("SELECT SUM(health), COUNT(*) FROM weekly_scores").fetchone()
    con.close()
    out = CliRunner().invoke(main, ["--db", str(copy), "calibrate", "--every", "3"])
    assert out.exit_code == 0, out.output
    con = sqlite3.connect(copy)
    assert con.execute("SELECT SUM(health), COUNT(*) FROM weekly_scores").fetchone() == before
    con.close()
    assert not (copy.parent / "healthdesk.toml").exists()


def test_report_json_lists_rhythm_among_components(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    path = tmp_path / "r.db"
    import_into(path, p.write(tmp_path / "csv"))
    buyer = report_json(path)["buyers"][0]
    assert "rhythm" in buyer["components"]


# --- segments -----------------------------------------------------------------------


def _two_verticals(tmp_path: Path) -> Path:
    p = Portfolio()
    for bid, vertical in (("S1", "Solar"), ("S2", "Solar"), ("M1", "loan"), ("M2", "loan")):
        p.buyer(bid, vertical=vertical)
        p.deliveries(bid, [100] * (WEEKS - 4) + [70] * 4)  # the same 30% drop for all
        p.invoices(bid)
        p.touches(bid)
    path = tmp_path / "seg.db"
    import_into(path, p.write(tmp_path / "csv"))
    return path


def test_segment_weights_and_thresholds_apply_to_that_vertical_only(tmp_path: Path) -> None:
    path = _two_verticals(tmp_path)
    config_file = tmp_path / "healthdesk.toml"
    config_file.write_text(
        "[segments.solar.weights]\nvolume = 0.6\n[segments.solar.volume]\ndecline_ratio = 0.6\n"
    )
    config = load_config(config_file)
    rep = report_json(path, config=config)
    by_id = {b["buyer_id"]: b for b in rep["buyers"]}
    solar, mortgage = by_id["S1"], by_id["M1"]
    assert solar["explain"]["profile"] == "segment solar"
    assert mortgage["explain"]["profile"] == "default"
    weights = {c["name"]: c["weight"] for c in solar["explain"]["components"]}
    book = {c["name"]: c["weight"] for c in mortgage["explain"]["components"]}
    assert weights["volume"] > book["volume"]
    # a 30% drop is a decline at the book's 80% line, not at the segment's 60% line
    assert "volume_decline" in [w["code"] for w in mortgage["warnings"]]
    assert "volume_decline" not in [w["code"] for w in solar["warnings"]]
    out = CliRunner().invoke(
        main, ["--db", str(path), "--config", str(config_file), "explain", "S1"]
    )
    assert out.exit_code == 0 and "scoring profile: segment solar" in out.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[segments.sollar.weights]\nvolume = 0.5\n", "segments.sollar': no buyer has vertical"),
        ("[segments.solar.weights]\nvolume = -1\n", "weights.volume"),
        ("[segments.solar.weights]\nvolum = 1\n", "segments.solar.weights.volum"),
        ("[segments.solar.bands]\nhealthy = 80\n", "segments.solar.bands"),
        ("[segments.solar]\nweights = 3\n", "segments.solar.weights"),
    ],
)
def test_bad_segments_are_errors_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _two_verticals(tmp_path)
    config_file = tmp_path / "bad.toml"
    config_file.write_text(text)
    con = sqlite3.connect(path)
    before = con.execute("SELECT COUNT(*), SUM(health) FROM weekly_scores").fetchone()
    con.close()
    out = CliRunner().invoke(main, ["--db", str(path), "--config", str(config_file), "report"])
    assert out.exit_code == 1
    assert message in out.output and "Traceback" not in out.output
    con = sqlite3.connect(path)
    assert con.execute("SELECT COUNT(*), SUM(health) FROM weekly_scores").fetchone() == before
    con.close()


def test_segments_survive_the_config_printout(tmp_path: Path) -> None:
    path = _two_verticals(tmp_path)
    config_file = tmp_path / "healthdesk.toml"
    config_file.write_text("[segments.solar.weights]\nvolume = 0.6\n")
    out = CliRunner().invoke(main, ["--db", str(path), "--config", str(config_file), "config"])
    assert out.exit_code == 0
    printed = tmp_path / "printed.toml"
    printed.write_text(out.output)
    assert load_config(printed) == load_config(config_file)
