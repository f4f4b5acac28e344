"""CPU-heavy work the console runs in a separate process, never on its own GIL.

``engine.buyer_report`` scores the whole week in memory (seconds at 5,000 buyers);
in a thread it would starve the UI thread of the GIL and freeze the keys. This
module imports no Textual, so the spawned process starts light.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..domain.report import BuyerReport


def explain(db_path: Path, config: Config, buyer_id: str, week: int) -> BuyerReport | None:
    """The buyer's full report for ``week``; None when it is not in the portfolio then."""
    from .. import engine
    from ..store.db import open_db

    db = open_db(db_path)
    try:
        return engine.buyer_report(db, config, buyer_id, week)
    except KeyError:
        return None
    finally:
        db.close()


def warm() -> None:
    """Import what ``explain`` needs, so the first account does not wait for it."""
    from .. import engine  # noqa: F401
    from ..store import db  # noqa: F401
