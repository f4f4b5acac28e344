"""A source that has gone quiet while the buyer still buys is stale, not bad behaviour:
a billing export cut off months ago must not read as unpaid invoices, a CRM log that
stops must not read as silence (issue 9, freshness)."""

from __future__ import annotations

from pathlib import Path

from helpers import Portfolio, import_into, monday, report_json


def _book(tmp_path: Path) -> Path:
    p = Portfolio()
    for c in ("C0", "C1", "C2"):
        p.healthy(c)
    # Billing export cut off at week 6: the last invoice is still unpaid in it.
    p.buyer("OLDBILL")
    p.deliveries("OLDBILL", 100)
    p.invoices("OLDBILL", weeks=7)
    p.rows["invoices.csv"][-1]["paid_on"] = None
    p.touches("OLDBILL")
    # The CRM log stops at week 8 while the buyer keeps buying.
    p.buyer("OLDCRM")
    p.deliveries("OLDCRM", 100)
    p.invoices("OLDCRM")
    p.touches("OLDCRM", weeks=8)
    import_into(tmp_path / "db.sqlite", p.write(tmp_path / "csv"))
    return tmp_path / "db.sqlite"


def _component(buyer: dict, name: str) -> dict:
    return next(c for c in buyer["explain"]["components"] if c["name"] == name)


def test_stale_billing_and_crm_are_left_out_and_named(tmp_path: Path) -> None:
    rep = {b["buyer_id"]: b for b in report_json(_book(tmp_path))["buyers"]}
    bill, crm, fresh = rep["OLDBILL"], rep["OLDCRM"], rep["C0"]
    assert bill["components"]["payment"] is None
    assert _component(bill, "payment")["evidence"].startswith("stale: no invoice issued since")
    assert not {"payment_late", "terms_slip"} & {w["code"] for w in bill["warnings"]}
    assert crm["components"]["engagement"] is None
    assert _component(crm, "engagement")["evidence"].startswith("stale: no touchpoint logged")
    assert "engagement_drop" not in {w["code"] for w in crm["warnings"]}
    assert fresh["components"]["payment"] is not None
    assert fresh["components"]["engagement"] is not None
    assert bill["band"] == crm["band"] == "healthy"  # an old export is not a bad buyer


def test_the_same_buyer_is_not_stale_while_its_data_was_current(tmp_path: Path) -> None:
    early = {b["buyer_id"]: b for b in report_json(_book(tmp_path), monday(9))["buyers"]}
    assert early["OLDBILL"]["components"]["payment"] is not None
    assert early["OLDCRM"]["components"]["engagement"] is not None
