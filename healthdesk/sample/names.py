"""Deterministic, realistic names for sample buyers and their contacts.

Why a builder and not a fixed list: the benchmark generates 5000 buyers and every name
must be unique, believable for its vertical (an insurance agency, a law firm, a solar
installer) and identical for the same seed. Names are assembled from word lists with the
caller's `random.Random`; uniqueness is tracked with a set used only for membership tests
(never iterated), so the output does not depend on hash ordering.
"""

from __future__ import annotations

import random

PREFIXES: tuple[str, ...] = (
    "Summit", "Brightline", "Harbor", "Keystone", "Pioneer", "Evergreen", "Liberty",
    "Cascade", "Northgate", "Blue Ridge", "Granite", "Meridian", "Redwood", "Silverline",
    "Crescent", "Lakeshore", "Patriot", "Heritage", "Atlas", "Beacon", "Frontier",
    "Sterling", "Horizon", "Prairie", "Coastal", "Ironwood", "Lighthouse", "Oakmont",
    "Riverbend", "Sunbelt", "Trailhead", "Westfield", "Anchor", "Bayside", "Canyon",
    "Cornerstone", "Copperline", "Eagle Rock", "Fairway", "Foxhall", "Gateway",
    "Golden State", "Greenleaf", "Hillcrest", "Juniper", "Kingsley", "Landmark",
    "Magnolia", "Maple Grove", "Midland", "Millstone", "Monarch", "Mountainview",
    "Oakridge", "Orchard", "Palisade", "Pinnacle", "Quarry", "Ridgeline", "Rockport",
    "Sagebrush", "Seaboard", "Shoreline", "Skyline", "Stonebridge", "Sycamore",
    "Tidewater", "Trinity", "Union Square", "Valley Forge", "Vanguard", "Willow Creek",
    "Windward", "Cedar Point", "Bluewater", "Clearview",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Abbott", "Alvarez", "Bennett", "Brooks", "Caldwell", "Carter", "Chen", "Collins",
    "Delgado", "Dixon", "Ellis", "Evans", "Fischer", "Fletcher", "Garcia", "Gordon",
    "Greene", "Hale", "Harper", "Hayes", "Hughes", "Jensen", "Kaplan", "Keller", "Khan",
    "Lawson", "Lee", "Marsh", "Martinez", "Mendoza", "Morgan", "Murphy", "Nash", "Nguyen",
    "Novak", "Ortiz", "Owens", "Park", "Patel", "Pierce", "Quinn", "Ramirez", "Reyes",
    "Rhodes", "Rivera", "Romero", "Russo", "Santos", "Schultz", "Shah", "Shaw", "Singh",
    "Sullivan", "Tanaka", "Torres", "Turner", "Vaughn", "Walsh", "Warren", "Weber",
    "Whitaker", "Wolfe", "Young", "Zimmerman", "Baxter", "Coleman", "Donovan", "Foster",
)  # fmt: skip

FIRST_NAMES: tuple[str, ...] = (
    "Maria", "James", "Aisha", "Daniel", "Priya", "Michael", "Sofia", "David", "Grace",
    "Carlos", "Emily", "Wei", "Hannah", "Omar", "Laura", "Kevin", "Nina", "Robert",
    "Chloe", "Marcus", "Elena", "Tom", "Fatima", "Brian", "Julia", "Andre", "Megan",
    "Samuel", "Olivia", "Raj", "Rachel", "Luis", "Kim", "Peter", "Tanya", "Victor",
    "Diane", "Jorge", "Sarah", "Ethan", "Leah", "Derek", "Monica", "Hiro", "Paula",
    "Scott", "Yusuf", "Irene", "Caleb", "Teresa",
)  # fmt: skip

CITIES: tuple[str, ...] = (
    "Tampa", "Phoenix", "Dallas", "Denver", "Atlanta", "Charlotte", "Columbus", "Omaha",
    "Tucson", "Boise", "Raleigh", "Austin", "Orlando", "Nashville", "Spokane", "Reno",
    "Richmond", "Toledo", "Fresno", "Tulsa", "Madison", "Savannah", "Albany", "Dayton",
)  # fmt: skip

# Per vertical: name cores and suffixes that a buyer in that vertical would plausibly use.
CORES: dict[str, tuple[str, ...]] = {
    "auto_insurance": ("Auto Insurance", "Insurance Group", "Auto & Home Insurance",
                       "Insurance Brokers", "Insurance Services"),
    "medicare": ("Medicare Partners", "Senior Benefits", "Health Advisors",
                 "Medicare Solutions", "Senior Insurance"),
    "mortgage": ("Mortgage", "Home Loans", "Lending", "Mortgage Bankers", "Funding"),
    "solar": ("Solar", "Solar Energy", "Energy Systems", "Solar Power", "Renewables"),
    "legal": ("Injury Law", "Law Group", "Legal", "Trial Lawyers", "Law Firm"),
    "home_services": ("Home Services", "Roofing & Siding", "HVAC", "Home Improvement",
                      "Windows & Doors", "Plumbing & Heating"),
    "final_expense": ("Final Expense", "Life & Burial", "Family Life Insurance",
                      "Memorial Insurance", "Legacy Life"),
}  # fmt: skip

SUFFIXES: dict[str, tuple[str, ...]] = {
    "auto_insurance": ("Agency", "Partners", "", "LLC", "Call Center"),
    "medicare": ("", "Group", "LLC", "Call Center", "Agency"),
    "mortgage": ("", "Group", "Company", "LLC", "Partners"),
    "solar": ("", "Co.", "Inc.", "Group", "LLC"),
    "legal": ("", "LLP", "PC", "", ""),
    "home_services": ("", "Co.", "Inc.", "Pros", "Group"),
    "final_expense": ("Agency", "Group", "Partners", "", "Call Center"),
}


class NameBook:
    """Hands out unique buyer names; `reserve` registers hand-picked story names first."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def reserve(self, name: str) -> str:
        """Mark a fixed name (a story buyer's) as taken and return it."""
        self._used.add(name)
        return name

    def buyer_name(self, vertical: str) -> str:
        """A fresh name for a buyer in `vertical`; falls back to city-qualified names."""
        for attempt in range(60):
            name = self._compose(vertical)
            if attempt >= 20:
                name = f"{name} of {self._rng.choice(CITIES)}"
            if name not in self._used:
                return self.reserve(name)
        # Practically unreachable; still deterministic and unique.
        base = self._compose(vertical)
        n = 2
        while f"{base} {n}" in self._used:
            n += 1
        return self.reserve(f"{base} {n}")

    def _compose(self, vertical: str) -> str:
        rng = self._rng
        core = rng.choice(CORES[vertical])
        suffix = rng.choice(SUFFIXES[vertical])
        if vertical == "legal" and rng.random() < 0.7:
            first, second = rng.sample(SURNAMES, 2)
            head = f"{first} & {second}"
        else:
            head = rng.choice(PREFIXES)
        return " ".join(part for part in (head, core, suffix) if part)


def person_name(rng: random.Random) -> str:
    """A contact person's full name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
