"""The cast of the sample portfolio: which buyer tells which story, and its profile.

Why stories: the sample exists to show (and test) every signal of the scoring engine.
Each story buyer is crafted so that, as of the last week (default 2026-11-16..22), it
triggers exactly its own signal; everyone else is "steady" and must trigger nothing.
Thresholds assumed (recent = last 4 weeks, baseline = the 12 before):

- volume_gradual: 4-week steps 100% -> 80% -> 62% -> 45% over the last 16 weeks.
- volume_abrupt: cut to 30% for the last 3 weeks.  stopped: zero leads the last 3 weeks.
- payment_late: Net-30; the October invoice is paid 18 days after its due date.
- terms_slip: Net-15 paying at ~14 days, then 26, 28, 29 days after issue (never more than
  15 days past due, so only the slip fires, not payment_late).
- returns_rising: acceptable returns 4% of leads in the baseline, 11% recently.
- reply_drop: answers every outbound until 8 weeks ago, then ~1 in 5, slowly.
- silent: no reply and no inbound contact for the last 60 days.
- escalation: an escalation call 12 days before the end.  complaints: two complaints in
  the last 8 weeks, none in the 8 before.  competitor: a competitor price quote 20 days ago.
- turnover_left: the primary contact left 35 days ago (successor introduced);
  turnover_unintroduced: a new executive appeared 24 days ago, never introduced.
- checkin_overdue: started 106 days ago, had the 30-day check-in, never the 90-day one.
- trust_1/2/3/5: that many incidents in the last 180 days not both resolved and confirmed.
- concentration_alert / concentration_warn: ~28% / ~22% of trailing-13-week revenue
  (exact only at <= 60 buyers; at larger sizes they are simply very large buyers).
- honeymoon: started 20 days ago, at ~25% of contract.
- drift_a (started 167 days ago): unpaid invoice 37 days past due, volume slide, silence.
  drift_b (139 days ago): late payment, unpaid invoice, abrupt volume cut, competitor quote.
- expanding: a second product from 10 weeks ago, total ~130% of contract.
- star: early payer, fast replies, NPS 9-10.  churned: left in the past after a decline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from healthdesk.sample.names import NameBook

STEADY = "steady"
STAR = "star"
CONC_ALERT = "concentration_alert"
CONC_WARN = "concentration_warn"
VOL_GRADUAL = "volume_gradual"
VOL_ABRUPT = "volume_abrupt"
STOPPED = "stopped"
PAY_LATE = "payment_late"
TERMS_SLIP = "terms_slip"
RETURNS_RISING = "returns_rising"
REPLY_DROP = "reply_drop"
SILENT = "silent"
ESCALATION = "escalation"
COMPLAINTS = "complaints"
COMPETITOR = "competitor"
TURNOVER_LEFT = "turnover_left"
TURNOVER_NEW = "turnover_unintroduced"
CHECKIN_OVERDUE = "checkin_overdue"
TRUST_1 = "trust_1"
TRUST_2 = "trust_2"
TRUST_3 = "trust_3"
TRUST_5 = "trust_5"
HONEYMOON = "honeymoon"
DRIFT_A = "drift_a"
DRIFT_B = "drift_b"
EXPANDING = "expanding"
CHURNED = "churned"

# story -> (hand-picked name, vertical) for the first block of 60 buyers.
STORY_NAMES: dict[str, tuple[str, str]] = {
    CONC_ALERT: ("Titan National Insurance Call Center", "auto_insurance"),
    CONC_WARN: ("Mammoth Medicare Direct Call Center", "medicare"),
    VOL_GRADUAL: ("Ebbing Tide Mortgage Group", "mortgage"),
    VOL_ABRUPT: ("Sudden Valley Solar", "solar"),
    STOPPED: ("Stillwater Home Services", "home_services"),
    PAY_LATE: ("Lateridge Final Expense Agency", "final_expense"),
    TERMS_SLIP: ("Slipstream Medicare Partners", "medicare"),
    RETURNS_RISING: ("Boomerang Solar Energy", "solar"),
    REPLY_DROP: ("Quiet Harbor Auto Insurance", "auto_insurance"),
    SILENT: ("Silent Oak Law Group", "legal"),
    ESCALATION: ("Escalante Mortgage Partners", "mortgage"),
    COMPLAINTS: ("Grievewood Home Services", "home_services"),
    COMPETITOR: ("Rivalton Auto Insurance Agency", "auto_insurance"),
    TURNOVER_LEFT: ("Turnstile Insurance Group", "auto_insurance"),
    TURNOVER_NEW: ("Stranger Creek Solar", "solar"),
    CHECKIN_OVERDUE: ("Overlook Mortgage Partners", "mortgage"),
    TRUST_1: ("Singleton Home Services", "home_services"),
    TRUST_2: ("Twin Rivers Legal", "legal"),
    TRUST_3: ("Wavering Oaks Solar", "solar"),
    TRUST_5: ("Brinkman Medicare Advisors", "medicare"),
    HONEYMOON: ("Fresh Start Final Expense Group", "final_expense"),
    DRIFT_A: ("Driftwood Medicare Partners", "medicare"),
    DRIFT_B: ("Castaway Auto Insurance Agency", "auto_insurance"),
    EXPANDING: ("Expanse Insurance Group", "auto_insurance"),
}
STAR_NAMES = (
    ("North Star Auto Insurance Agency", "auto_insurance"),
    ("Polaris Medicare Partners", "medicare"),
    ("Lodestar Law Group", "legal"),
    ("Bright Star Home Services", "home_services"),
    ("Evening Star Mortgage", "mortgage"),
)
CHURNED_NAMES = (
    ("Farewell Bay Mortgage", "mortgage"),
    ("Departure Point Solar", "solar"),
    ("Sunset Final Expense Agency", "final_expense"),
    ("Bygone Auto Insurance Agency", "auto_insurance"),
    ("Exodus Injury Law", "legal"),
    ("Last Call Home Services", "home_services"),
)

# One block of 60 slots; larger portfolios repeat it, smaller ones take its first slots.
_BLOCK: list[str] = [
    *STORY_NAMES.keys(),
    *([STAR] * len(STAR_NAMES)),
    *([CHURNED] * len(CHURNED_NAMES)),
]
_BLOCK += [STEADY] * (60 - len(_BLOCK))
# A fixed, seed-independent shuffle (this variant keeps churned buyers apart and story
# buyers in short runs), so story buyer ids are the same for every seed.
random.Random("healthdesk-sample-layout-10").shuffle(_BLOCK)
BLOCK: tuple[str, ...] = tuple(_BLOCK)

# Stories whose volume, payments or contact make them unhappy (low NPS, no new products).
TROUBLED = frozenset(
    {VOL_GRADUAL, VOL_ABRUPT, STOPPED, ESCALATION, COMPLAINTS, TRUST_5, DRIFT_A, DRIFT_B}
)

VERTICALS: tuple[str, ...] = (
    "auto_insurance", "medicare", "mortgage", "solar", "legal", "home_services",
    "final_expense",
)  # fmt: skip
VERTICAL_WEIGHTS = (25, 20, 12, 12, 10, 13, 8)
PRICE_RANGE: dict[str, tuple[float, float]] = {
    "auto_insurance": (25, 45), "medicare": (35, 60), "mortgage": (40, 80),
    "solar": (50, 90), "legal": (80, 250), "home_services": (20, 40),
    "final_expense": (25, 40),
}  # fmt: skip
PRODUCTS: dict[str, tuple[str, str]] = {
    "auto_insurance": ("auto-exclusive", "auto-live-transfer"),
    "medicare": ("medicare-advantage", "medicare-supplement"),
    "mortgage": ("mortgage-refinance", "mortgage-purchase"),
    "solar": ("solar-residential", "solar-appointments"),
    "legal": ("legal-personal-injury", "legal-mass-tort"),
    "home_services": ("home-roofing", "home-hvac"),
    "final_expense": ("final-expense-inbound", "final-expense-transfer"),
}  # fmt: skip
OWNERS = ("alice", "bruno", "chen", "dana", "eli")


@dataclass
class Buyer:
    """Everything the event generators need to know about one buyer."""

    index: int
    buyer_id: str
    name: str
    story: str
    vertical: str
    owner: str
    started_on: date
    terms: int
    contracted: int  # steady-state weekly leads (also the contract, when shown)
    show_contracted: bool
    fill: float  # steady volume as a share of contract
    price_cents: int
    margin: float
    show_margin: bool
    churned_on: date | None
    stop_on: date | None  # first day without deliveries (churned buyers)
    fast: bool  # replies within hours rather than within a day or two
    surveyed: bool
    return_rate: float
    products: tuple[str, str]


def story_for(index: int) -> str:
    """The story of the buyer at 0-based `index`: the block repeats every 60 buyers."""
    return BLOCK[index % len(BLOCK)]


def _started_on(story: str, end: date, first: date, rng: random.Random) -> date:
    """Fixed start dates for lifecycle stories; otherwise established or spread out."""
    fixed = {HONEYMOON: 20, CHECKIN_OVERDUE: 106, DRIFT_A: 167, DRIFT_B: 139}
    if story in fixed:
        return end - timedelta(days=fixed[story])
    if story == STEADY and rng.random() < 0.45:
        span = (end - timedelta(days=50) - first).days
        if span > 0:
            return first + timedelta(days=rng.randrange(span))
    # Established: at least ~14 months before the end, possibly before the data starts.
    return end - timedelta(days=rng.randint(420, 1400))


def make_buyer(
    index: int, total: int, end: date, first: date, rng: random.Random, names: NameBook
) -> Buyer:
    """Draw one buyer's profile; story buyers in the first block get their fixed names."""
    story = story_for(index)
    width = max(3, len(str(total)))
    fixed: tuple[str, str] | None = None
    if index < len(BLOCK):
        if story in STORY_NAMES:
            fixed = STORY_NAMES[story]
        elif story in (STAR, CHURNED):
            rank = BLOCK[:index].count(story)
            fixed = (STAR_NAMES if story == STAR else CHURNED_NAMES)[rank]
    if fixed is not None:
        name, vertical = names.reserve(fixed[0]), fixed[1]
    else:
        vertical = rng.choices(VERTICALS, weights=VERTICAL_WEIGHTS)[0]
        name = names.buyer_name(vertical)
    low, high = PRICE_RANGE[vertical]
    price_cents = round(rng.uniform(low, high) * 2) * 50  # whole or half dollars
    # Long-tailed sizes: most buyers take 60-300 leads a week, a few take thousands.
    contracted = int(min(4000, max(60, rng.lognormvariate(5.0, 0.85))))
    if story in (CONC_ALERT, CONC_WARN):
        contracted = rng.randint(4000, 7000)
    terms = rng.choices((15, 30, 7, 45), weights=(45, 40, 5, 10))[0]
    terms = {TERMS_SLIP: 15, DRIFT_A: 15, PAY_LATE: 30, DRIFT_B: 30}.get(story, terms)
    started = _started_on(story, end, first, rng)
    churned_on = stop_on = None
    if story == CHURNED:
        lo = first + timedelta(weeks=20)
        hi = end - timedelta(weeks=10)
        days = max(1, (hi - lo).days)
        churned_on = lo + timedelta(days=rng.randrange(days))
        stop_on = churned_on - timedelta(weeks=rng.randint(0, 4))
        started = min(started, churned_on - timedelta(days=400))
    showcase = story != STEADY
    return Buyer(
        index=index,
        buyer_id=f"B{index + 1:0{width}d}",
        name=name,
        story=story,
        vertical=vertical,
        owner=rng.choice(OWNERS),
        started_on=started,
        terms=terms,
        contracted=contracted,
        show_contracted=showcase or rng.random() < 0.85,
        fill=1.0 if story == EXPANDING else rng.uniform(0.9, 1.04),
        price_cents=price_cents,
        margin=round(rng.uniform(0.2, 0.3), 2),
        show_margin=showcase or rng.random() < 0.85,
        churned_on=churned_on,
        stop_on=stop_on,
        fast=story in (STAR, CONC_ALERT, CONC_WARN) or rng.random() < 0.3,
        surveyed=story in (STAR, CONC_ALERT, CONC_WARN) or rng.random() < 0.5,
        return_rate=0.04 if story == RETURNS_RISING else rng.uniform(0.03, 0.07),
        products=PRODUCTS[vertical],
    )
