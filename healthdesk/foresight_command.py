"""``healthdesk backtest`` and ``healthdesk calibrate``: how far to trust the ranking.

Registered by ``cli._register``; they import no Textual and only read the database.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import click

from .cli_support import Context, friendly, parse_week

NAMES = {
    "health": "health",
    "recency": "baseline: days since last delivery",
    "trend": "baseline: 4 vs 8 weeks",
}


def _num(x: float, fmt: str = ".3f") -> Any:
    return None if x is None or not math.isfinite(x) else round(x, 4) if fmt else x


def _figures_json(f: Any) -> dict[str, Any]:
    return {k: _num(v) for k, v in dataclasses.asdict(f).items()}


def backtest_json(result: Any) -> dict[str, Any]:
    """The backtest as plain JSON values (NaN as null)."""
    from .domain.weeks import label

    return {
        "horizon_days": result.horizon_days,
        "active_weeks": result.active_weeks,
        "weeks": len(result.weeks),
        "churn_events": result.churned,
        "churned_buyers": result.churners,
        "tie_share": _num(result.tie_share),
        "mean": {name: _figures_json(f) for name, f in result.mean.items()},
        "lift_by_decile": [_num(x) for x in result.deciles],
        "notes": result.notes,
        "by_week": [
            {
                "week": label(w.week),
                "population": w.population,
                "churned": w.churned,
                "churn_rate": _num(w.churn_rate),
                "tie_share": _num(w.tie_share),
                "scores": {name: _figures_json(f) for name, f in w.scores.items()},
            }
            for w in result.weeks
        ],
    }


def _cell(x: float, fmt: str = ".3f") -> str:
    return "—" if not math.isfinite(x) else format(x, fmt)


def _interval(lo: float, hi: float) -> str:
    return "" if not math.isfinite(lo) else f"{lo:.3f}–{hi:.3f}"


def print_backtest(result: Any) -> None:
    """The mean figures per score, the weeks, the deciles and any caution, as tables."""
    from rich.console import Console
    from rich.table import Table

    from .domain.weeks import label

    console = Console()
    console.print(
        f"Backtest: {len(result.weeks)} as-of weeks, {result.churned} churned buyer-weeks"
        f" ({result.churners} buyers); churned ="
        f" no leads (or churned_on) within {result.horizon_days} days among buyers that took"
        f" leads in the {result.active_weeks} weeks before"
    )
    table = Table("score", "AUC", "95% interval", "top 10% precision", "95% interval", "lift")
    for name, f in result.mean.items():
        table.add_row(
            NAMES.get(name, name),
            _cell(f.auc),
            _interval(f.auc_low, f.auc_high),
            _cell(f.precision),
            _interval(f.precision_low, f.precision_high),
            _cell(f.lift, ".2f"),
        )
    console.print(table)
    weeks = Table("week", "buyers", "churned", "rate", "health AUC", "top 10%", "lift", "tied")
    for w in result.weeks:
        h = w.scores["health"]
        weeks.add_row(
            label(w.week),
            str(w.population),
            str(w.churned),
            _cell(w.churn_rate, ".1%"),
            _cell(h.auc),
            _cell(h.precision),
            _cell(h.lift, ".2f"),
            _cell(w.tie_share, ".1%"),
        )
    console.print(weeks)
    console.print(
        "lift by decile of health (riskiest first): "
        + "  ".join(_cell(x, ".2f") for x in result.deciles)
    )
    console.print(f"share of buyers tied at the most common health: {result.tie_share:.1%}")
    for note in result.notes:
        console.print(f"note: {note}")


def _range(week_from: str | None, week_to: str | None) -> tuple[int | None, int | None]:
    return parse_week(week_from), parse_week(week_to)


RANGE_OPTIONS = [
    click.option("--horizon", type=click.IntRange(7, 3650), help="Days after each week (90)."),
    click.option("--from", "week_from", help="First as-of week (any date in it)."),
    click.option("--to", "week_to", help="Last as-of week (any date in it)."),
    click.option("--every", type=click.IntRange(1, 520), default=1, show_default=True),
]


def _with_range(func: Any) -> Any:
    for option in reversed(RANGE_OPTIONS):
        func = option(func)
    return func


@click.command()
@_with_range
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
@friendly
def backtest(
    context: Context,
    horizon: int | None,
    week_from: str | None,
    week_to: str | None,
    every: int,
    fmt: str,
) -> None:
    """How well the stored scores ranked the buyers who later left (AUC, top 10%)."""
    from . import foresight

    first, last = _range(week_from, week_to)
    result = context.read(
        lambda db, config: foresight.backtest(db, config, first, last, every, horizon)
    )
    if fmt == "json":
        click.echo(json.dumps(backtest_json(result), indent=2))
    else:
        print_backtest(result)


@click.command()
@_with_range
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the TOML here.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.pass_obj
@friendly
def calibrate(
    context: Context,
    horizon: int | None,
    week_from: str | None,
    week_to: str | None,
    every: int,
    output: Path | None,
    force: bool,
) -> None:
    """Propose weights that rank this book's past churners better (never applied)."""
    from . import foresight
    from .config import to_toml
    from .exports.files import write_atomic

    first, last = _range(week_from, week_to)

    def run(db: Any, config: Any) -> tuple[Any, Any]:
        labelled = foresight.label(db, config, first, last, every, horizon)
        return foresight.calibrate(labelled, config), config

    result, config = context.read(run)
    proposal = dataclasses.replace(config, weights=result.after)
    print_calibration(result)
    text = (
        "# Weights proposed by `healthdesk calibrate`; use with --config or copy into\n"
        "# healthdesk.toml. Nothing was changed.\n" + to_toml(proposal)
    )
    if output is None:
        click.echo("\n" + text, nl=False)
    else:
        write_atomic(output, text, force=force)
        click.echo(f"proposal written to {output}")


def print_calibration(result: Any) -> None:
    """Weights and figures, before and after, on the fitted and held-out weeks."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    weights = Table("component", "weight now", "proposed")
    before, after = dataclasses.asdict(result.before), dataclasses.asdict(result.after)
    for name in before:
        weights.add_row(name, f"{before[name]:.3f}", f"{after[name]:.3f}")
    console.print(weights)
    figures = Table("weeks", "AUC now", "AUC proposed", "top 10% now", "top 10% proposed")
    for title, (now, new), count in (
        ("fitted", result.fitted, result.fit_weeks),
        ("held out (later)", result.held_out, result.held_weeks),
    ):
        figures.add_row(
            f"{title}: {count}",
            _cell(now.auc),
            _cell(new.auc),
            _cell(now.precision),
            _cell(new.precision),
        )
    console.print(figures)
