"""Touchpoints, contacts, incidents and surveys: the relationship side of the sample.

Why the guard rails: ordinary buyers must not trip any warning by chance, so their
random events are bounded by construction — at most one missed reply per 16 weeks (and
none in the last 16), at least 20 weeks between complaints, no escalation in the last 10
weeks, no competitor mention in the last 12, every incident resolved and confirmed, every
check-in on time.
Story buyers (see `stories`) add their one deliberate deviation on top.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from healthdesk.sample import stories as s
from healthdesk.sample.commerce import Calendar, pick
from healthdesk.sample.names import person_name

ROUTINE_NOTES = (
    "Weekly volume and quality recap", "Shared acceptance stats for the week",
    "Checked daily caps and filters", "Sent updated return-rate summary",
    "Confirmed next week's volume plan", "Asked for feedback on lead quality",
)  # fmt: skip
REQUESTS = {  # request_type: (channel, response minutes range, notes)
    "urgent_quality": ("call", (15, 60), ("Batch with disconnected numbers this morning",)),
    "billing": ("email", (60, 480), ("Question about last invoice total", "Needs a PO number")),
    "volume": ("email", (60, 1440), ("Asked to raise the daily cap", "Wants to pause weekends")),
    "product": ("call", (120, 1440), ("Asked about live transfers", "Interested in a new state")),
    "contract": ("email", (240, 2880), ("Asked about renewal terms",)),
}  # fmt: skip
REQUEST_TYPES = tuple(REQUESTS)
REQUEST_CUM = (15, 40, 70, 85, 100)  # weights 15 25 30 15 15
INCIDENTS = {
    "quality": ("Batch of leads with disconnected phone numbers",
                "Leads outside the agreed age filter", "Duplicate leads across two days"),
    "delivery": ("Posting endpoint rejected leads for six hours", "Cap overrun on Monday"),
    "billing": ("Invoice included returned leads",),
    "compliance": ("Missing consent records for a batch",),
}  # fmt: skip
ROLES = {
    "operational": ("Lead Operations Manager", "Call Center Manager", "Intake Supervisor"),
    "management": ("Marketing Director", "Head of Acquisition", "Sales Manager"),
    "executive": ("VP Sales", "COO", "Managing Partner"),
}
QUIET_DAYS = {s.SILENT: 60, s.DRIFT_A: 45}  # days without any reply or inbound contact
CHURN_QUIET_DAYS = 84
"""A buyer that is leaving answers ever less in its last 12 weeks (DOMAIN: the signs
show 30-90 days ahead)."""
Touch = tuple[str, str, str, str, str, str, str, str]


def _weekday(d: date) -> date:
    """Move a weekend date back to Friday (never forward, so it stays inside windows)."""
    return d - timedelta(days=max(0, d.weekday() - 4))


def _between(rnd: random.Random, lo: int, hi: int) -> int:
    """Like `randint` (inclusive) but cheaper; this runs ~10^6 times at benchmark size."""
    return lo + int(rnd.random() * (hi - lo + 1))


class _Replies:
    """Decides whether and when the buyer answers our outbound touchpoints."""

    def __init__(self, buyer: s.Buyer, cal: Calendar, rng: random.Random) -> None:
        self.buyer, self.cal, self.end, self.rng = buyer, cal, cal.end, rng
        self.last_miss: date | None = None
        self.late_count = 0

    def reply(self, d: date, at: int) -> str:
        """Reply timestamp for an outbound touchpoint at minute `at`, or "" for none."""
        b, rng, story = self.buyer, self.rng, self.buyer.story
        hours = rng.uniform(0.5, 6) if b.fast else rng.uniform(2, 44)
        if story in (s.SILENT, s.DRIFT_A) and d > self.end - timedelta(days=QUIET_DAYS[story]):
            return ""
        if story == s.REPLY_DROP and d > self.end - timedelta(days=56):
            self.late_count += 1
            if self.late_count % 4 != 1:  # answers one outbound in four, slowly
                return ""
            hours = rng.uniform(50, 70)
        elif b.churned_on is not None and (b.churned_on - d).days <= CHURN_QUIET_DAYS:
            if rng.random() >= 0.4:
                return ""
            hours = rng.uniform(30, 70)
        elif (
            rng.random() < 0.06
            and d < self.end - timedelta(days=112)  # keep the two 8-week windows clean
            and (self.last_miss is None or (d - self.last_miss).days > 112)
        ):
            self.last_miss = d
            return ""
        when = at + int(hours * 60)
        if when > self.cal.last_minute:
            when = at + _between(rng, 20, 120)
        return self.cal.stamp(when) if when <= self.cal.last_minute else ""


def contacts(buyer: s.Buyer, cal: Calendar, rng: random.Random) -> tuple[list[tuple], list[date]]:
    """Contact rows and the dates a new contact was introduced (for touchpoints)."""
    end, start = cal.end, buyer.started_on
    rows: list[tuple] = []
    intros: list[date] = []
    levels = ("operational", "management", "executive")
    first_level = rng.choices(levels, (3, 6, 1))[0]
    primary_start = start
    gap = (end - timedelta(days=150) - max(start + timedelta(days=100), cal.first_week)).days
    changed: date | None = None
    if buyer.story == s.TURNOVER_LEFT:
        changed = end - timedelta(days=35)
    elif buyer.story == s.STEADY and gap > 0 and rng.random() < 0.2:
        changed = max(start + timedelta(days=100), cal.first_week) + timedelta(
            days=rng.randrange(gap)
        )
    if changed is not None:  # an earlier primary left; the successor was introduced
        rows.append((person_name(rng), rng.choice(ROLES[first_level]), first_level,
                     "true", start.isoformat(), changed.isoformat(), "true"))  # fmt: skip
        primary_start = changed + timedelta(days=5 if buyer.story == s.TURNOVER_LEFT else 0)
        intros.append(primary_start)
    rows.append((person_name(rng), rng.choice(ROLES[first_level]), first_level, "true",
                 primary_start.isoformat(), "", "true"))  # fmt: skip
    for _ in range(rng.choices((0, 1, 2), (3, 4, 3))[0]):
        level = rng.choice(levels)
        rows.append((person_name(rng), rng.choice(ROLES[level]), level, "false",
                     start.isoformat(), "", "true"))  # fmt: skip
    if buyer.story == s.TURNOVER_NEW:  # appeared on the buyer's side, never introduced
        rows.append((person_name(rng), "VP Procurement", "executive", "false",
                     (end - timedelta(days=24)).isoformat(), "", "false"))  # fmt: skip
    return [(buyer.buyer_id, *row) for row in _distinct_names(rows)], intros


def _distinct_names(rows: list[tuple]) -> list[tuple]:
    """Contacts are keyed on (buyer, name): give a repeated name an initial, without
    drawing from the random stream (so other buyers' data stays as it was)."""
    seen: set[str] = set()
    out = []
    for row in rows:
        name = row[0]
        for initial in "ABCDEFGH":
            if name not in seen:
                break
            first, _, last = row[0].partition(" ")
            name = f"{first} {initial}. {last}"
        seen.add(name)
        out.append((name, *row[1:]))
    return out


def touchpoints(
    buyer: s.Buyer, cal: Calendar, rng: random.Random, intros: list[date]
) -> list[Touch]:
    """All touchpoints of one buyer, sorted by time."""
    end, story = cal.end, buyer.story
    t0 = max(buyer.started_on, cal.first_week)
    t1 = min(end, buyer.churned_on or end)
    if t0 > t1:
        return []
    out: list[tuple[date, str, str, str, str]] = []  # (day, channel, kind, note)
    cadence = rng.choice((7, 10, 14))
    d = t0 + timedelta(days=rng.randint(1, cadence))
    while d <= t1:
        channel = "call" if rng.random() < 0.25 else "email"
        note = ROUTINE_NOTES[int(rng.random() * len(ROUTINE_NOTES))]
        out.append((_weekday(d), channel, "routine", note, ""))
        d += timedelta(days=max(5, cadence + _between(rng, -2, 2)))
    if buyer.contracted >= 300:
        d = t0 + timedelta(days=45)
        while d <= t1:
            out.append((_weekday(d), "meeting", "review", "Quarterly business review", ""))
            d += timedelta(weeks=13)
    milestones = (30,) if story == s.CHECKIN_OVERDUE else (30, 90, 180)
    for days in milestones:
        d = _weekday(buyer.started_on + timedelta(days=days))
        if t0 <= d <= t1:
            out.append((d, "call", "check_in", f"{days}-day check-in", ""))
    rows: list[Touch] = []
    replies = _Replies(buyer, cal, rng)
    for d, channel, kind, note, _ in sorted(out):
        at = cal.index(d) * 1440 + _between(rng, 13 * 60, 21 * 60)
        rows.append((buyer.buyer_id, cal.stamp(at), "outbound", channel, replies.reply(d, at),
                     kind, "", note))  # fmt: skip
    rows.extend(_inbound(buyer, cal, rng, t0, t1, intros))
    rows.sort()
    return rows


def _inbound(
    buyer: s.Buyer, cal: Calendar, rng: random.Random, t0: date, t1: date, intros: list[date]
) -> list[Touch]:
    """Requests, complaints, mentions and introductions from the buyer's side."""
    end, story = cal.end, buyer.story
    quiet_from = end - timedelta(days=QUIET_DAYS[story]) if story in QUIET_DAYS else None
    events: list[tuple[date, str, str, str, str, tuple[int, int]]] = []
    d = t0 + timedelta(days=rng.randint(10, 40))
    while d <= t1:
        rtype = pick(rng.random, REQUEST_TYPES, REQUEST_CUM)
        channel, span, notes = REQUESTS[rtype]
        events.append((d, channel, "request", rtype, rng.choice(notes), span))
        d += timedelta(days=_between(rng, 21, 60))
    if story not in (s.COMPLAINTS, s.ESCALATION):
        d = t0 + timedelta(days=rng.randint(60, 400))
        while d <= t1:
            events.append((d, "email", "complaint", "", "Unhappy with contact rates", (60, 600)))
            d += timedelta(days=rng.randint(150, 400))
    if rng.random() < 0.15:
        d = t0 + timedelta(days=rng.randrange(max(1, (t1 - t0).days)))
        if d <= end - timedelta(days=70):
            events.append((d, "call", "escalation", "", "Ops lead escalated a bad batch",
                           (30, 120)))  # fmt: skip
    if rng.random() < 0.1:
        d = t0 + timedelta(days=rng.randrange(max(1, (t1 - t0).days)))
        if d <= end - timedelta(days=84):
            note = "Said another vendor is testing cheaper leads"
            events.append((d, "call", "competitor_mention", "", note, (240, 1440)))
    quote = f"${buyer.price_cents * 0.85 / 100:.0f}/lead"
    fixed = {
        s.ESCALATION: [(35, "call", "complaint", "Contact rates down on last two batches"),
                       (12, "call", "escalation", "Their COO called about lead quality")],
        s.COMPLAINTS: [(40, "email", "complaint", "Too many leads outside the filter"),
                       (15, "email", "complaint", "Again leads outside the age filter")],
        s.COMPETITOR: [(20, "call", "competitor_mention",
                        f"Mentioned a quote from another vendor at {quote}")],
        s.DRIFT_B: [(25, "email", "competitor_mention", f"Another vendor offered {quote}")],
    }.get(story, [])  # fmt: skip
    for days, channel, kind, note in fixed:
        events.append((end - timedelta(days=days), channel, kind, "", note, (30, 240)))
    for d in intros:
        events.append((d, "email", "new_contact", "", "Introduced their new lead buyer", (60, 600)))
    if buyer.churned_on is not None:
        events.append((buyer.churned_on - timedelta(days=14), "email", "request", "contract",
                       "Gave notice to end the agreement", (240, 1440)))  # fmt: skip
    rows: list[Touch] = []
    for d, channel, kind, rtype, note, (lo, hi) in events:
        d = _weekday(d)
        if not t0 <= d <= t1 or (quiet_from is not None and d > quiet_from):
            continue
        at = cal.index(d) * 1440 + _between(rng, 14 * 60, 22 * 60)
        answer = at + _between(rng, lo, hi)
        replied = cal.stamp(answer) if answer <= cal.last_minute else ""
        rows.append((buyer.buyer_id, cal.stamp(at), "inbound", channel, replied, kind, rtype, note))
    return rows


def incidents(buyer: s.Buyer, cal: Calendar, rng: random.Random, next_id: list[int]) -> list[tuple]:
    """Quality incidents: resolved-and-confirmed ones for everybody, open ones for stories."""
    end = cal.end
    t0 = max(buyer.started_on, cal.first_week)
    t1 = min(end, buyer.churned_on or end)
    plan: list[tuple[date, str]] = []  # (opened, state: open / unconfirmed / confirmed)
    d = t0 + timedelta(days=rng.randint(30, 300))
    while d <= t1:
        plan.append((d, "confirmed"))
        d += timedelta(days=rng.randint(120, 400))
    fixed = {
        s.TRUST_1: ((25, "open"),),
        s.TRUST_2: ((30, "open"), (80, "unconfirmed")),
        s.TRUST_3: ((20, "open"), (65, "unconfirmed"), (110, "unconfirmed"),
                    (140, "confirmed"), (230, "open")),
        s.TRUST_5: ((12, "open"), (40, "open"), (70, "unconfirmed"), (100, "unconfirmed"),
                    (150, "open"), (300, "confirmed")),
    }.get(buyer.story, ())  # fmt: skip
    plan.extend((end - timedelta(days=days), state) for days, state in fixed)
    rows: list[tuple] = []
    for opened, state in sorted(plan):
        if opened < cal.first_week:
            continue
        at = cal.index(opened) * 1440 + _between(rng, 13 * 60, 22 * 60)
        resolved = at + _between(rng, 1, 10) * 1440 + _between(rng, 0, 600)
        confirmed = resolved + _between(rng, 1, 5) * 1440
        if state == "confirmed" and confirmed // 1440 >= cal.index(end):
            continue  # would still be open at the end: keep ordinary buyers clean
        category = rng.choices(tuple(INCIDENTS), (70, 15, 10, 5))[0]
        severity = rng.choices(("low", "medium", "high"), (4, 4, 2))[0]
        rows.append((f"INC-{next_id[0]:05d}", buyer.buyer_id, cal.stamp(at), category, severity,
                     rng.choice(INCIDENTS[category]),
                     "" if state == "open" else cal.stamp(resolved),
                     cal.stamp(confirmed) if state == "confirmed" else ""))  # fmt: skip
        next_id[0] += 1
    return rows


def surveys(buyer: s.Buyer, cal: Calendar, rng: random.Random) -> list[tuple]:
    """Quarterly NPS answers for surveyed buyers; troubled stories score low lately."""
    if not buyer.surveyed:
        return []
    lo = max(buyer.started_on + timedelta(days=45), cal.first_week)
    hi = min(cal.end, buyer.churned_on or cal.end)
    unhappy_from = hi - timedelta(days=120)
    troubled = buyer.story in s.TROUBLED or buyer.story == s.CHURNED
    rows = []
    for year in range(lo.year, hi.year + 1):
        for month in (2, 5, 8, 11):
            d = date(year, month, 15)
            if not lo <= d <= hi:
                continue
            if buyer.story == s.STAR:
                score = rng.randint(9, 10)
            elif troubled and d >= unhappy_from:
                score = rng.randint(3, 6)
            else:
                score = rng.choices((6, 7, 8, 9, 10), (1, 3, 5, 6, 4))[0]
            rows.append((buyer.buyer_id, d.isoformat(), score))
    return rows
