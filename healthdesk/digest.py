"""The Monday digest: the week's review as Markdown to mail or post. Built from the
same ``WeeklyReview`` the console and ``healthdesk review`` show, so its counts, queue
and order are theirs. Data text is escaped for Markdown and shown literally.
"""

from __future__ import annotations

from .domain.interventions import ACTIVE, follow_through_summary, in_words
from .domain.responsiveness import late, words
from .domain.review_queue import Reason
from .domain.weeks import day_label, monday
from .exports.files import printable
from .exports.interventions import md_escape
from .store.interventions import task_of
from .weekly_review import WeeklyReview


def digest(review: WeeklyReview, owner: str | None = None) -> str:
    """Markdown: counts, who moved, the queue with its top reason, tasks, concentration
    and our late replies; ``owner`` narrows the accounts (the counts stay the book's)."""
    p = review.report.portfolio
    mine = [b for b in review.report.buyers if owner is None or b.owner == owner]
    before = {b.buyer_id: b.band for b in review.previous}
    lines = [f"# Monday digest, week of {review.report.week}", ""]
    if owner is not None:
        lines += [
            f"Accounts of {md_escape(owner)}; the portfolio figures are the whole book's.",
            "",
        ]
    nrr = "n/a" if p.net_revenue_retention is None else f"{p.net_revenue_retention:.0%}"
    lines += [
        f"- {p.buyers} buyers: healthy {p.bands['healthy']}, watch {p.bands['watch']},"
        f" at risk {p.bands['at_risk']}",
        f"- Revenue at risk (13 weeks): {p.revenue_at_risk_13w:,.0f} of {p.revenue_13w:,.0f}",
        f"- Net revenue retention: {nrr}",
        "",
    ]
    moves = [b for b in mine if b.buyer_id in before and before[b.buyer_id] != b.band]
    new_risk = [b for b in moves if b.band == "at_risk"]
    recovered = [b for b in moves if before[b.buyer_id] == "at_risk"]
    lines += _list(
        "New at risk",
        [f"**{md_escape(b.name)}** ({md_escape(b.buyer_id)}), health {b.health}" for b in new_risk],
    )
    lines += _list(
        "Recovered",
        [
            f"**{md_escape(b.name)}** ({md_escape(b.buyer_id)}), now {in_words(b.band)}"
            for b in recovered
        ],
    )
    lines += _list(
        "Band moves",
        [
            f"{md_escape(b.name)}: {in_words(before[b.buyer_id])} → {in_words(b.band)}"
            for b in moves
        ],
    )
    queue = [q for q in review.queue if owner is None or q.buyer.owner == owner]
    lines += [f"## The review queue ({len(queue)})", ""]
    for n, q in enumerate(queue, start=1):
        b, top = q.buyer, _top(q.item.reasons)
        lines.append(
            f"{n}. **{md_escape(b.name)}** ({md_escape(b.buyer_id)},"
            f" {md_escape(b.owner) or 'unassigned'}, health {b.health}): {md_escape(top.text)}"
        )
    lines += [""] if queue else ["Nothing needs a look this week.", ""]
    tasks = [r for q in review.accounts for r in q.interventions]
    tasks = [r for r in tasks if owner is None or r["owner"] == owner]
    start, end = monday(review.week).isoformat(), monday(review.week + 1).isoformat()
    overdue = [r for r in tasks if task_of(r).overdue(review.week)]
    due = [r for r in tasks if r["status"] in ACTIVE and r["due_on"] and start <= r["due_on"] < end]
    lines += _list("Overdue tasks", [_task(r) for r in overdue])
    lines += _list("Due this week", [_task(r) for r in due])
    shares = [b for b in review.report.buyers if b.concentration != "ok"]
    lines += _list(
        "Concentration",
        [
            f"{md_escape(b.name)}: {b.revenue_share:.0%} of revenue"
            f" ({'alert' if b.concentration == 'alert' else 'warning'})"
            for b in shares
        ],
    )
    ids = {b.buyer_id for b in mine}
    slow = late(r for r in review.replies if owner is None or r.buyer_id in ids)
    names = {b.buyer_id: b.name for b in review.report.buyers}
    lines += _list(
        "Our late replies",
        [
            f"{md_escape(names.get(bid, bid))}: {md_escape(words(r))}"
            for bid, rs in slow.items()
            for r in rs
        ],
    )
    lines += _follow_through(review)
    return printable("\n".join(lines).rstrip("\n") + "\n", keep="\n")


def _follow_through(review: WeeklyReview) -> list[str]:
    """Did acting help? Accounts acted on vs left alone, health since the decision."""
    if not review.follow_ups:
        return []
    summary = follow_through_summary(review.follow_ups)
    acted, rest = summary["acted"], summary["not_acted"]
    return [
        "## Follow-through",
        "",
        f"- Acted on (intervention accepted): {acted['accounts']} accounts, health"
        f" {acted['mean_health_change']:+.1f} on average since the decision",
        f"- Reviewed without action or snoozed: {rest['accounts']} accounts, health"
        f" {rest['mean_health_change']:+.1f}",
        "",
    ]


def _top(reasons: tuple[Reason, ...]) -> Reason:
    """The reason that says what is going on: a warning's evidence before "at risk"."""
    plain = ("at_risk", "health_drop", "band_worse")
    return next((r for r in reasons if r.code not in plain), reasons[0])


def _list(title: str, items: list[str]) -> list[str]:
    return [f"## {title} ({len(items)})", "", *(f"- {i}" for i in items), ""] if items else []


def _task(r: dict) -> str:
    return (
        f"#{r['id']} {md_escape(r['action'])} for **{md_escape(r['name'])}**,"
        f" {md_escape(r['owner'] or '')}, due {day_label(r['due_on'])} ({in_words(r['status'])})"
    )
