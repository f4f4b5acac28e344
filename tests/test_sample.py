"""Tests for the seeded sample portfolio (healthdesk.sample).

The story checks recompute each warning from the CSVs alone with the thresholds the
scoring engine uses (recent = last 4 weeks, baseline = the 12 before, ...), so a change
to the generator that breaks a story is caught without importing the engine.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from healthdesk.sample import generate, story_map

END = date(2026, 11, 22)
END_DT = datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC)
ACCEPTABLE = {"invalid_contact", "duplicate", "filter_mismatch", "geographic"}
COLUMNS = {  # exactly as DATA.md names them
    "buyers": "buyer_id name started_on vertical owner payment_terms_days "
    "contracted_weekly_leads gross_margin status churned_on",
    "deliveries": "buyer_id date leads revenue cost product",
    "returns": "buyer_id date leads reason status",
    "invoices": "invoice_id buyer_id issued_on due_on amount paid_on",
    "touchpoints": "buyer_id at direction channel replied_at kind request_type note",
    "incidents": "incident_id buyer_id opened_at category severity summary resolved_at "
    "confirmed_at",
    "contacts": "buyer_id name role level primary started_on ended_on introduced",
    "surveys": "buyer_id date score",
}
# Every event date is on or before the last day. due_on is a contractual term, not an
# event: an invoice issued 2026-11-01 on Net-30 is legitimately due 2026-12-01.
DATE_COLUMNS = {"started_on", "churned_on", "date", "issued_on", "paid_on", "ended_on"}
DATETIME_COLUMNS = {"at", "replied_at", "opened_at", "resolved_at", "confirmed_at"}
# What each story must trigger as of the week 2026-11-16 (and nothing else).
EXPECTED = {
    "steady": set(),
    "star": set(),
    "honeymoon": set(),
    "concentration_alert": {"concentration_alert"},
    "concentration_warn": {"concentration_warn"},
    "volume_gradual": {"volume_decline"},
    "volume_abrupt": {"volume_decline"},
    "stopped": {"volume_decline", "stopped"},
    "payment_late": {"payment_late"},
    "terms_slip": {"terms_slip"},
    "returns_rising": {"returns_rising"},
    "reply_drop": {"engagement_drop"},
    "silent": {"engagement_drop"},
    "escalation": {"complaint_escalation"},
    "complaints": {"complaint_escalation"},
    "competitor": {"competitor_mention"},
    "turnover_left": {"contact_turnover"},
    "turnover_unintroduced": {"contact_turnover"},
    "checkin_overdue": {"checkin_overdue"},
    "trust_1": {"trust_1"},
    "trust_2": {"trust_2"},
    "trust_3": {"trust_3"},
    "trust_5": {"trust_5"},
    "expanding": {"expansion"},
    "drift_a": {"volume_decline", "payment_late", "engagement_drop"},
    "drift_b": {"volume_decline", "payment_late", "competitor_mention"},
}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def weeks_back(day: str) -> int:
    """1 for the last week (2026-11-16..22), 2 for the one before, ..."""
    return (END - date.fromisoformat(day)).days // 7 + 1


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder)
    return folder


def signals(folder: Path) -> dict[str, set[str]]:
    """Recompute every buyer's warnings from the CSVs (small reference implementation)."""
    buyers = {b["buyer_id"]: b for b in read(folder, "buyers")}
    weekly: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    returned: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    revenue: dict[str, float] = defaultdict(float)
    new_products: dict[str, set[str]] = defaultdict(set)
    old_products: dict[str, set[str]] = defaultdict(set)
    for r in read(folder, "deliveries"):
        k = weeks_back(r["date"])
        weekly[r["buyer_id"]][k] += int(r["leads"])
        if k <= 13:
            revenue[r["buyer_id"]] += float(r["revenue"])
            new_products[r["buyer_id"]].add(r["product"])
        else:
            old_products[r["buyer_id"]].add(r["product"])
    for r in read(folder, "returns"):
        if r["reason"] in ACCEPTABLE and r["status"] in ("accepted", "pending"):
            returned[r["buyer_id"]][weeks_back(r["date"])] += int(r["leads"])
    grouped: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for name in ("invoices", "touchpoints", "incidents", "contacts"):
        for r in read(folder, name):
            grouped[name][r["buyer_id"]].append(r)
    total = sum(revenue.values())
    out: dict[str, set[str]] = {}
    for bid, buyer in buyers.items():
        found: set[str] = set()
        w, ret = weekly[bid], returned[bid]
        recent, base = sum(w[k] for k in range(1, 5)), sum(w[k] for k in range(5, 17))
        if base and recent / 4 <= 0.8 * base / 12:
            found.add("volume_decline")
        if base and not any(w[k] for k in (1, 2, 3)):
            found.add("stopped")
        if recent and base:
            rate_now = sum(ret[k] for k in range(1, 5)) / recent
            rate_base = sum(ret[k] for k in range(5, 17)) / base
            if rate_now >= rate_base + 0.03 and rate_now >= 1.5 * rate_base:
                found.add("returns_rising")
        invoices = grouped["invoices"][bid]
        for inv in invoices:
            paid = date.fromisoformat(inv["paid_on"]) if inv["paid_on"] else END
            if (paid - date.fromisoformat(inv["due_on"])).days > 15:
                found.add("payment_late")
        paid_recent = sorted(
            (date.fromisoformat(inv["issued_on"]), date.fromisoformat(inv["paid_on"]))
            for inv in invoices
            if inv["paid_on"] and date.fromisoformat(inv["issued_on"]) >= END - timedelta(weeks=26)
        )
        days = [(paid - issued).days for issued, paid in paid_recent]
        if len(days) >= 4 and sum(days[-3:]) / 3 - sum(days[:-3]) / len(days[:-3]) >= 10:
            found.add("terms_slip")
        touches = grouped["touchpoints"][bid]
        age = {id(t): (END_DT - when(t["at"])).days for t in touches}
        outbound = [t for t in touches if t["direction"] == "outbound"]
        now = [t for t in outbound if age[id(t)] < 56]
        before = [t for t in outbound if 56 <= age[id(t)] < 112]
        if now and before:
            rate_now = sum(bool(t["replied_at"]) for t in now) / len(now)
            rate_before = sum(bool(t["replied_at"]) for t in before) / len(before)
            if rate_before - rate_now >= 0.3:
                found.add("engagement_drop")
        heard = [when(t["at"]) for t in touches if t["direction"] == "inbound"]
        heard += [when(t["replied_at"]) for t in outbound if t["replied_at"]]
        silent = bool(heard) and (END_DT - max(heard)).days >= 30
        if silent and sum(when(t["at"]) > max(heard) for t in outbound) >= 2:
            found.add("engagement_drop")
        kinds = [(t["kind"], age[id(t)]) for t in touches]
        complaints_now = sum(k == "complaint" and a < 56 for k, a in kinds)
        complaints_before = sum(k == "complaint" and 56 <= a < 112 for k, a in kinds)
        if any(k == "escalation" and a < 28 for k, a in kinds) or (
            complaints_now >= 2 and complaints_now > complaints_before
        ):
            found.add("complaint_escalation")
        if any(k == "competitor_mention" and a < 56 for k, a in kinds):
            found.add("competitor_mention")
        for c in grouped["contacts"][bid]:
            left = c["primary"] == "true" and c["ended_on"]
            if left and (END - date.fromisoformat(c["ended_on"])).days <= 91:
                found.add("contact_turnover")
            fresh = (END - date.fromisoformat(c["started_on"])).days <= 91
            if fresh and c["introduced"] == "false":
                found.add("contact_turnover")
        started = date.fromisoformat(buyer["started_on"])
        check_ins = [when(t["at"]).date() for t in touches if t["kind"] == "check_in"]
        for milestone in (30, 90, 180):
            due = started + timedelta(days=milestone)
            recent_due = END - timedelta(days=200) < due < END - timedelta(days=7)
            if recent_due and not any(d >= due - timedelta(days=14) for d in check_ins):
                found.add("checkin_overdue")
        counting = sum(
            (END - when(i["opened_at"]).date()).days <= 180
            and not (i["resolved_at"] and i["confirmed_at"])
            for i in grouped["incidents"][bid]
        )
        if counting:
            found.add(f"trust_{counting}")
        share = revenue[bid] / total
        if share > 0.25:
            found.add("concentration_alert")
        elif share > 0.20:
            found.add("concentration_warn")
        contracted = int(buyer["contracted_weekly_leads"] or 0)
        added = old_products[bid] and new_products[bid] - old_products[bid]
        if added and contracted and recent / 4 >= 1.1 * contracted:
            found.add("expansion")
        if buyer["status"] != "churned":
            out[bid] = found
    return out


def test_deterministic_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert generate(first) == generate(second)
    for name in COLUMNS:
        assert (first / f"{name}.csv").read_bytes() == (second / f"{name}.csv").read_bytes()
    other = tmp_path / "c"
    generate(other, seed=8)
    assert (other / "deliveries.csv").read_bytes() != (first / "deliveries.csv").read_bytes()


def test_headers_counts_and_format(sample: Path, tmp_path: Path) -> None:
    counts = generate(tmp_path)
    for name, columns in COLUMNS.items():
        raw = (sample / f"{name}.csv").read_bytes()
        assert b"\r" not in raw
        text = raw.decode("utf-8")
        assert text.splitlines()[0] == ",".join(columns.split())
        assert counts[f"{name}.csv"] == len(read(sample, name)) > 0
    money = re.compile(r"^\d+\.\d\d$")
    for r in read(sample, "deliveries"):
        assert money.match(r["revenue"]) and money.match(r["cost"]) and r["product"]
        assert int(r["leads"]) >= 0 and date.fromisoformat(r["date"]).weekday() < 5
    for r in read(sample, "invoices"):
        assert money.match(r["amount"]) and re.match(r"^INV-\d{5}$", r["invoice_id"])


def check_consistency(folder: Path, buyers: int, last_day: date) -> None:
    ids = [b["buyer_id"] for b in read(folder, "buyers")]
    width = max(3, len(str(buyers)))
    assert ids == [f"B{n:0{width}d}" for n in range(1, buyers + 1)]
    names = [b["name"] for b in read(folder, "buyers")]
    assert len(set(names)) == len(names)
    known = set(ids)
    for name in COLUMNS:
        rows = read(folder, name)
        for r in rows:
            assert r["buyer_id"] in known
            for column in DATE_COLUMNS & r.keys():
                if r[column]:
                    assert date.fromisoformat(r[column]) <= last_day, (name, r)
            for column in DATETIME_COLUMNS & r.keys():
                if r[column]:
                    assert r[column].endswith("Z")
                    assert when(r[column]).date() <= last_day, (name, r)
    for name in ("deliveries", "returns", "touchpoints", "contacts", "surveys"):
        rows = [tuple(r.values()) for r in read(folder, name)]
        assert len(set(rows)) == len(rows), f"{name}: identical rows collapse on import"
    for name, key in (("invoices", "invoice_id"), ("incidents", "incident_id")):
        keys = [r[key] for r in read(folder, name)]
        assert len(set(keys)) == len(keys)
    terms = {b["buyer_id"]: int(b["payment_terms_days"]) for b in read(folder, "buyers")}
    for inv in read(folder, "invoices"):
        issued = date.fromisoformat(inv["issued_on"])
        assert issued.day == 1
        assert date.fromisoformat(inv["due_on"]) == issued + timedelta(terms[inv["buyer_id"]])
        assert not inv["paid_on"] or inv["paid_on"] >= inv["issued_on"]
    for c in read(folder, "contacts"):
        assert c["level"] in ("operational", "management", "executive")


def test_consistency_default(sample: Path) -> None:
    check_consistency(sample, 60, END)
    deliveries = read(sample, "deliveries")
    assert max(r["date"] for r in deliveries) <= "2026-11-22"
    assert min(r["date"] for r in deliveries) >= "2024-11-25"  # 104 weeks


def test_larger_portfolio(tmp_path: Path) -> None:
    counts = generate(tmp_path, buyers=300, weeks=60, seed=3)
    assert counts["buyers.csv"] == 300
    check_consistency(tmp_path, 300, END)
    assert min(r["date"] for r in read(tmp_path, "deliveries")) >= "2025-09-29"
    found = signals(tmp_path)
    stories = story_map(300)
    for bid, got in found.items():
        if stories[bid] in ("steady", "star"):
            assert got == set(), (bid, got)


def test_other_window_never_reads_clock(tmp_path: Path) -> None:
    generate(tmp_path, buyers=20, weeks=30, last_week=date(2025, 6, 2))
    check_consistency(tmp_path, 20, date(2025, 6, 8))
    assert max(r["date"] for r in read(tmp_path, "deliveries")) >= "2025-06-02"


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, last_week=date(2026, 11, 17))
    with pytest.raises(ValueError):
        generate(tmp_path, buyers=0)


def test_every_story_triggers_exactly_its_signal(sample: Path) -> None:
    stories = story_map(60)
    found = signals(sample)
    for bid, got in found.items():
        assert got == EXPECTED[stories[bid]], (bid, stories[bid], got)
    present = set(stories.values())
    assert present >= set(EXPECTED) | {"churned"}
    healthy = sum(1 for bid, got in found.items() if not got)
    assert healthy > len(found) / 2


def test_concentration_and_top_share(sample: Path) -> None:
    revenue: dict[str, float] = defaultdict(float)
    for r in read(sample, "deliveries"):
        if weeks_back(r["date"]) <= 13:
            revenue[r["buyer_id"]] += float(r["revenue"])
    shares = sorted((v / sum(revenue.values()) for v in revenue.values()), reverse=True)
    assert shares[0] > 0.25 and 0.20 < shares[1] < 0.25 and shares[2] < 0.20
    top = round(0.2 * len(shares))
    assert 0.70 <= sum(shares[:top]) <= 0.85


def test_story_evidence(sample: Path) -> None:
    stories = {v: k for k, v in story_map(60).items() if v not in ("steady", "star", "churned")}
    late = [
        inv
        for inv in read(sample, "invoices")
        if inv["paid_on"]
        and (date.fromisoformat(inv["paid_on"]) - date.fromisoformat(inv["due_on"])).days > 15
        and inv["buyer_id"] == stories["payment_late"]
    ]
    assert late
    stopped = [r for r in read(sample, "deliveries") if r["buyer_id"] == stories["stopped"]]
    assert all(r["leads"] == "0" for r in stopped if weeks_back(r["date"]) <= 3)
    assert sum(int(r["leads"]) for r in stopped if 5 <= weeks_back(r["date"]) <= 16) > 0
    terminal = [
        i
        for i in read(sample, "incidents")
        if i["buyer_id"] == stories["trust_5"]
        and (END - when(i["opened_at"]).date()).days <= 180
        and not (i["resolved_at"] and i["confirmed_at"])
    ]
    assert len(terminal) == 5
    buyers = {b["buyer_id"]: b for b in read(sample, "buyers")}
    newcomer = buyers[stories["honeymoon"]]
    assert (END - date.fromisoformat(newcomer["started_on"])).days < 31
    churned = [b for b in buyers.values() if b["status"] == "churned"]
    assert len(churned) == 6 and all(b["churned_on"] for b in churned)
    for b in churned:
        last = max(r["date"] for r in read(sample, "deliveries") if r["buyer_id"] == b["buyer_id"])
        gap = (date.fromisoformat(b["churned_on"]) - date.fromisoformat(last)).days
        assert 0 <= gap <= 35
