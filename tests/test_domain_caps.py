"""Caps keep the band honest: a live warning sign in a buyer's own behaviour holds it
below healthy, while portfolio-side signals (concentration, our overdue check-in) do not."""

from __future__ import annotations

from pathlib import Path

from healthdesk.config import Bands, Config
from tests.helpers import Portfolio, build_report


def _late_payer_and_control() -> Portfolio:
    p = Portfolio()
    for filler in ("F1", "F2", "F3", "F4"):  # keep every share under 20%
        p.healthy(filler)
    p.healthy("B1")
    p.buyer("B2")
    p.deliveries("B2", 100)
    p.touches("B2")
    p.invoices("B2", late=20)
    return p


def test_one_warning_sign_holds_an_otherwise_fine_buyer_at_watch(tmp_path: Path) -> None:
    report = build_report(_late_payer_and_control(), tmp_path)
    control, late = report["by_id"]["B1"], report["by_id"]["B2"]
    assert control["band"] == "healthy" and control["warnings"] == []
    assert [w["code"] for w in late["warnings"]] == ["payment_late"]
    assert late["band"] == "watch"
    bands = Config().bands
    raw = late["explain"]["raw"]
    soft = bands.warning_cap * (bands.cap_floor + (1 - bands.cap_floor) * raw / 100)
    assert late["health"] == round(soft) < bands.healthy
    assert late["explain"]["cap"] == late["health"]
    assert late["explain"]["cap_reason"].startswith("warning signs hold it below healthy")


def test_warning_cap_is_configuration(tmp_path: Path) -> None:
    config = Config(bands=Bands(warning_cap=100))
    late = build_report(_late_payer_and_control(), tmp_path, config)["by_id"]["B2"]
    assert late["band"] == "healthy"
    assert late["explain"]["cap"] is None


def test_concentration_alone_does_not_hold_a_buyer_down(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("BIG", leads=1000)
    for small in ("S1", "S2", "S3"):
        p.healthy(small)
    big = build_report(p, tmp_path)["by_id"]["BIG"]
    assert [w["code"] for w in big["warnings"]] == ["concentration"]
    assert big["band"] == "healthy"
