"""Buyers named the way other tools name them → our buyer ids.

A billing or lead-platform export names a buyer "ACME Insurance, Inc." where the CRM
said "Acme Insurance LLC": names are compared normalised (case, accents, punctuation,
"&"/"and", legal suffixes such as Inc, LLC, Ltd, Corp, Agency dropped), then through
the stored alias table (a CRM/billing/platform id, or a name a person confirmed).
An unmatched name is not guessed: the caller reports it with the closest known names
(rapidfuzz), so a person confirms the match once in the profile's ``[aliases]``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process

SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "co",
    "corp",
    "corporation",
    "company",
    "agency",
    "plc",
    "llp",
    "lp",
    "pllc",
    "pc",
    "gmbh",
    "sa",
    "bv",
    "pty",
}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """The comparable form of a company name: "ACME Insurance, Inc." → "acme insurance"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "").replace(".", "")
    words = _NON_WORD.sub(" ", text).split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def derived_id(name: str) -> str:
    """A stable buyer id for a buyer known only by name: the same name (as normalised)
    always gives the same id, so next week's export finds the same buyer."""
    key = normalise(name) or name
    return "N-" + hashlib.sha1(key.encode()).hexdigest()[:10].upper()


class Resolver:
    """Resolve buyer references (our id, an alias, a name) to buyer ids."""

    def __init__(self, buyers: Iterable[tuple[str, str]], aliases: dict[str, str]) -> None:
        self.ids: set[str] = set()
        self.names: dict[str, str] = {}  # normalised name or alias → buyer id
        self.shown: dict[str, str] = {}  # buyer id → a display name
        for buyer_id, name in buyers:
            self.add_buyer(buyer_id, name)
        for alias, buyer_id in aliases.items():
            self.names.setdefault(alias, buyer_id)
        self.learned: dict[str, str] = {}

    def add_buyer(self, buyer_id: str, name: str | None) -> None:
        self.ids.add(buyer_id)
        if name:
            self.names.setdefault(normalise(name), buyer_id)
            self.shown.setdefault(buyer_id, name)

    def alias(self, text: str, buyer_id: str) -> None:
        """Remember ``text`` (a name or another tool's id) as ``buyer_id``."""
        key = normalise(text) or text
        if self.names.get(key) != buyer_id:
            self.names[key] = buyer_id
            self.learned[key] = buyer_id

    def resolve(self, text: str) -> str | None:
        if text in self.ids:
            return text
        return self.names.get(normalise(text) or text)

    def closest(self, text: str, limit: int = 3) -> list[str]:
        """The known buyers whose names look most like ``text``, best first."""
        if not self.names:
            return []
        keys = list(self.names)
        found = process.extract(normalise(text), keys, scorer=fuzz.WRatio, limit=limit * 3)
        out: list[str] = []
        for key, score, _ in found:
            buyer_id = self.names[key]
            shown = f"{self.shown.get(buyer_id, key)} ({buyer_id}, {score:.0f}%)"
            if score >= 50 and shown not in out:
                out.append(shown)
        return out[:limit]
