"""The config's ``[keys]`` table checked against the console's bindings, for Textual's
keymap (``App.set_keymap``): every ``Binding`` in the console has an ``id``.

A typo must not leave a key silently unmapped, so an unknown binding id, a key name
Textual does not know, or a key another binding of the same screen already uses is a
``ConfigError`` naming the table's key."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache

from textual.binding import Binding
from textual.keys import REPLACED_KEYS, Keys, _normalize_key_list, key_to_character

from ..config import ConfigError, _toml_value

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
NAMED = {k.value for k in Keys} | set(REPLACED_KEYS)  # "slash", "minus", …


def _owners() -> Iterator[tuple[str, list[Binding]]]:
    """Each console class with bindings of its own: (qualified name, its bindings)."""
    import healthdesk.ui as ui

    for info in pkgutil.walk_packages(ui.__path__, f"{ui.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                own = value.__dict__.get("BINDINGS", [])
                bindings = [b for b in own if isinstance(b, Binding) and b.id]
                if bindings:
                    yield f"{value.__module__}.{value.__qualname__}", bindings


@cache
def bindings() -> dict[str, list[Binding]]:
    """The console's bindings with an id, grouped by the class (a screen, a widget, the
    app) that declares them."""
    return dict(_owners())


def binding_ids() -> set[str]:
    return {b.id for group in bindings().values() for b in group if b.id}


def valid_key(key: str) -> bool:
    """Whether Textual can bind ``key``: a character, a named key (``escape``, ``f1``,
    ``question_mark``), either after modifiers (``ctrl+f``)."""
    *mods, name = key.split("+")
    if not name or any(m not in MODIFIERS for m in mods):
        return False
    return len(name) == 1 or name in NAMED or key_to_character(name) is not None


def _split(keys: str) -> list[str]:
    return _normalize_key_list(keys).split(",")  # as Textual reads them: "?" → "question_mark"


def check(keys: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """``keys`` (the config's pairs) as a keymap, or a ``ConfigError`` naming the key."""
    keymap = dict(keys)
    known = binding_ids()
    for binding, value in keymap.items():
        path = f"keys.{_toml_value(binding)}"
        if binding not in known:
            near = difflib.get_close_matches(binding, sorted(known), n=1)
            hint = f"did you mean {near[0]!r}?" if near else "the ids are in the README"
            raise ConfigError(f"config key '{path}' names no console binding ({hint})")
        bad = [k for k in value.split(",") if not valid_key(k.strip())]
        if bad:
            raise ConfigError(f"config key '{path}': {bad[0]!r} is not a key name")
    for group in bindings().values():
        taken: dict[str, str] = {}
        for b in group:
            assert b.id is not None
            now = _split(keymap[b.id]) if b.id in keymap else _split(b.key)
            for key in now:
                other = taken.setdefault(key, b.id)
                if other != b.id and (b.id in keymap or other in keymap):
                    clash = b.id if b.id in keymap else other
                    raise ConfigError(
                        f"config key 'keys.{_toml_value(clash)}': {key!r} is already the key"
                        f" of {other if clash == b.id else b.id} on the same screen"
                    )
    return keymap
