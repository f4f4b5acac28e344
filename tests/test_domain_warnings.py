"""Each DATA.md warning code fires on a buyer built to show it, names its evidence,
and stays silent on steady control buyers. One portfolio, imported once, goes
through the real CSV importer, SQLite store and engine report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import AS_OF, WEEKS, Portfolio, build_report, codes, detail, monday

from healthdesk.domain.signals import CODES

CONTROLS = [f"C{i}" for i in range(6)]
NEW_START = AS_OF - timedelta(days=50)
NEW_WEEK = (NEW_START - monday(0)).days // 7


def _portfolio() -> Portfolio:
    p = Portfolio()
    for c in CONTROLS:
        p.healthy(c)
    p.add("contacts.csv", buyer_id="C0", name="Sam Ruiz", primary=True, started_on="2024-01-01")
    p.add("surveys.csv", buyer_id="C1", date=monday(25), score=9)

    p.buyer("PAYLATE")
    p.deliveries("PAYLATE")
    p.touches("PAYLATE")
    p.invoices("PAYLATE", late=16)

    p.buyer("PAYEDGE")
    p.deliveries("PAYEDGE")
    p.touches("PAYEDGE")
    p.invoices("PAYEDGE", late=15)

    p.healthy("UNPAID")
    p.add(
        "invoices.csv",
        invoice_id="INV-OPEN-1",
        buyer_id="UNPAID",
        issued_on=AS_OF - timedelta(days=35),
        due_on=AS_OF - timedelta(days=20),
        amount=5000,
    )

    p.buyer("SLIP")
    p.deliveries("SLIP")
    p.touches("SLIP")
    p.invoices("SLIP", terms=15, weeks=17)
    p.invoices("SLIP", terms=30, first_week=20)

    p.buyer("DECLINE")
    p.deliveries("DECLINE", [100] * (WEEKS - 4) + [70] * 4)
    p.invoices("DECLINE")
    p.touches("DECLINE")

    for bid, reason in (("RETURNS", "invalid_contact"), ("RETREJECT", "not_converted")):
        p.healthy(bid)
        p.returns(bid, [2] * (WEEKS - 4) + [8] * 4, reason=reason)

    p.buyer("SILENT")
    p.deliveries("SILENT")
    p.invoices("SILENT")
    p.touches("SILENT", reply_until=21)

    p.buyer("DROP")
    p.deliveries("DROP")
    p.invoices("DROP")
    p.touches("DROP", unanswered={23, 25, 27, 29})

    p.healthy("ESCALATE")
    p.add(
        "touchpoints.csv",
        buyer_id="ESCALATE",
        at=f"{monday(28)}T15:00:00Z",
        direction="inbound",
        kind="escalation",
        note="VP called about lead quality",
    )

    p.healthy("COMPLAIN")
    for k in (24, 27):
        p.add(
            "touchpoints.csv",
            buyer_id="COMPLAIN",
            at=f"{monday(k)}T15:00:00Z",
            direction="inbound",
            kind="complaint",
            note=f"bad leads in week {k}",
        )

    p.healthy("COMPETE")
    p.add(
        "touchpoints.csv",
        buyer_id="COMPETE",
        at=f"{monday(27)}T15:00:00Z",
        direction="inbound",
        kind="competitor_mention",
        note="testing LeadCo at $45",
    )

    p.healthy("TURNOVER")
    p.add(
        "contacts.csv",
        buyer_id="TURNOVER",
        name="Pat Lee",
        primary=True,
        started_on="2024-01-01",
        ended_on=monday(25),
    )

    for bid in ("NEWBUYER", "NEWCHECKED"):
        p.buyer(bid, started_on=NEW_START)
        p.deliveries(bid, 40, first_week=NEW_WEEK + 1)
        p.touches(bid, first_week=NEW_WEEK + 1)
    p.add(
        "touchpoints.csv",
        buyer_id="NEWCHECKED",
        at=f"{NEW_START + timedelta(days=28)}T11:00:00Z",
        direction="outbound",
        kind="check_in",
        replied_at=f"{NEW_START + timedelta(days=28)}T12:00:00Z",
    )

    p.healthy("BIG", leads=1000)
    return p


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return build_report(_portfolio(), tmp_path_factory.mktemp("warnings"))


@pytest.fixture(scope="module")
def by_id(report: dict) -> dict:
    return report["by_id"]


@pytest.mark.parametrize("buyer_id", CONTROLS)
def test_steady_control_buyer_has_no_warnings(by_id: dict, buyer_id: str) -> None:
    assert by_id[buyer_id]["warnings"] == []
    assert by_id[buyer_id]["concentration"] == "ok"


def test_invoice_paid_sixteen_days_late_is_payment_late_naming_the_invoice(by_id: dict) -> None:
    buyer = by_id["PAYLATE"]
    assert "payment_late" in codes(buyer)
    text = detail(buyer, "payment_late")
    assert "16 days after due" in text
    assert text.startswith("INV-PAYLATE-")


def test_invoice_paid_exactly_fifteen_days_late_is_not_payment_late(by_id: dict) -> None:
    assert "payment_late" not in codes(by_id["PAYEDGE"])


def test_unpaid_invoice_past_due_counts_as_late_by_days_outstanding(by_id: dict) -> None:
    buyer = by_id["UNPAID"]
    assert "payment_late" in codes(buyer)
    assert detail(buyer, "payment_late").startswith("INV-OPEN-1 unpaid, 20 days past due")


def test_terms_drifting_from_net15_to_net30_is_terms_slip(by_id: dict) -> None:
    buyer = by_id["SLIP"]
    assert codes(buyer) == ["terms_slip"]
    assert "from 15 to 30" in detail(buyer, "terms_slip")


def test_thirty_percent_volume_drop_is_volume_decline_with_numbers(by_id: dict) -> None:
    buyer = by_id["DECLINE"]
    assert "volume_decline" in codes(buyer)
    text = detail(buyer, "volume_decline")
    assert "down 30%" in text
    assert "70/week" in text and "100/week" in text


def test_accepted_returns_rising_is_returns_rising_with_rates(by_id: dict) -> None:
    buyer = by_id["RETURNS"]
    assert codes(buyer) == ["returns_rising"]
    text = detail(buyer, "returns_rising")
    assert "8.0%" in text and "2.0%" in text


def test_returns_with_rejectable_reason_do_not_count_against_quality(by_id: dict) -> None:
    assert "returns_rising" not in codes(by_id["RETREJECT"])
    assert by_id["RETREJECT"]["components"]["returns"] == by_id["C0"]["components"]["returns"]


def test_weeks_of_unanswered_outreach_is_engagement_drop_naming_the_silence(by_id: dict) -> None:
    buyer = by_id["SILENT"]
    assert "engagement_drop" in codes(buyer)
    last_reply = monday(20) + timedelta(days=1)
    days = (AS_OF - last_reply).days
    assert f"for {days} days" in detail(buyer, "engagement_drop")
    assert str(last_reply) in detail(buyer, "engagement_drop")


def test_reply_rate_halving_is_engagement_drop_with_rates(by_id: dict) -> None:
    buyer = by_id["DROP"]
    assert codes(buyer) == ["engagement_drop"]
    assert "50.0% from 100.0%" in detail(buyer, "engagement_drop")


def test_escalation_to_management_is_complaint_escalation_with_date_and_note(by_id: dict) -> None:
    buyer = by_id["ESCALATE"]
    assert codes(buyer) == ["complaint_escalation"]
    text = detail(buyer, "complaint_escalation")
    assert str(monday(28)) in text and "VP called about lead quality" in text


def test_complaints_becoming_frequent_is_complaint_escalation(by_id: dict) -> None:
    buyer = by_id["COMPLAIN"]
    assert codes(buyer) == ["complaint_escalation"]
    text = detail(buyer, "complaint_escalation")
    assert "2 complaints" in text and "bad leads in week 27" in text


def test_competitor_mention_names_the_day_and_note(by_id: dict) -> None:
    buyer = by_id["COMPETE"]
    assert codes(buyer) == ["competitor_mention"]
    text = detail(buyer, "competitor_mention")
    assert str(monday(27)) in text and "testing LeadCo at $45" in text


def test_primary_contact_leaving_is_contact_turnover_naming_the_person(by_id: dict) -> None:
    buyer = by_id["TURNOVER"]
    assert codes(buyer) == ["contact_turnover"]
    assert detail(buyer, "contact_turnover") == f"primary contact Pat Lee left on {monday(25)}"


def test_new_buyer_without_30_day_check_in_is_checkin_overdue(by_id: dict) -> None:
    buyer = by_id["NEWBUYER"]
    assert "checkin_overdue" in codes(buyer)
    due = NEW_START + timedelta(days=30)
    assert detail(buyer, "checkin_overdue") == f"30-day check-in was due {due}; none logged"


def test_new_buyer_with_logged_check_in_is_not_overdue(by_id: dict) -> None:
    assert "checkin_overdue" not in codes(by_id["NEWCHECKED"])


def test_buyer_with_a_third_of_revenue_is_a_concentration_alert(report: dict) -> None:
    buyer = report["by_id"]["BIG"]
    assert buyer["concentration"] == "alert"
    assert codes(buyer) == ["concentration"]
    assert f"{buyer['revenue_share'] * 100:.1f}%" in detail(buyer, "concentration")
    assert "25%" in detail(buyer, "concentration")
    assert report["portfolio"]["concentration_alerts"] == ["BIG"]
    assert report["portfolio"]["concentration_warnings"] == []


def test_every_data_md_warning_code_is_raised_somewhere(report: dict) -> None:
    raised = {w["code"] for b in report["buyers"] for w in b["warnings"]}
    assert raised == set(CODES)


def test_warning_details_are_sentences_not_placeholders(report: dict) -> None:
    for buyer in report["buyers"]:
        for warning in buyer["warnings"]:
            assert warning["detail"].strip()
            assert "nan" not in warning["detail"].lower().split()
