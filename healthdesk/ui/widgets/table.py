"""A virtual table: renders only the rows on screen, so 5,000 buyers cost what 30 do.

The stock ``DataTable`` measures every cell on the UI thread when rows are added
(seconds at 10k rows); this one keeps the caller's list and formats a row when its
line is painted (Textual line API). Sorting and filtering happen on that list in
the screen; ``set_rows`` keeps the cursor on the same row key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

R = TypeVar("R")
Cell = tuple[str, str]
"""A cell's text and its tone: "" or one of ``TONES``."""
TONES = ("good", "warn", "bad", "dim", "accent")


def safe(text: str) -> str:
    """Data text for a terminal cell: control characters become visible, never act."""
    if text.isprintable():
        return text
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "�" for ch in text)


@dataclass(frozen=True)
class Column(Generic[R]):
    """How one column reads, formats and sorts a row."""

    key: str
    label: str
    width: int
    cell: Callable[[R], Cell] | Callable[[R, int], Cell]
    sort: Callable[[R], Any] | None = None
    right: bool = False
    flex: bool = False
    """A flex column shares the width left over (never less than ``width``)."""
    max_width: int | None = None
    """A flex column grows no wider than this; the rest goes to the other flex ones."""
    sized: bool = False
    """``cell`` takes the column's width as a second argument (bars, charts)."""


class VirtualTable(ScrollView, Generic[R], can_focus=True):
    """Rows of any type, a fixed header line, a row cursor and Enter to select."""

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        scrollbar-gutter: stable;
        & > .vtable--header { background: $panel; color: $foreground; text-style: bold; }
        & > .vtable--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .vtable--good { color: $text-success; }
        & > .vtable--warn { color: $text-warning; }
        & > .vtable--bad { color: $text-error; text-style: bold; }
        & > .vtable--dim { color: $text-muted; }
        & > .vtable--accent { color: $text-accent; }
        & > .vtable--empty { color: $text-muted; text-style: italic; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--empty",
        *(f"vtable--{t}" for t in TONES),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("home,g", "jump(0)", "First row", show=False, id="table.first"),
        Binding("end,G", "jump(-1)", "Last row", show=False, id="table.last"),
        Binding("enter", "select", "Open", id="table.select"),
    ]

    cursor: reactive[int] = reactive(0, layout=False, always_update=True)

    class Selected(Message):
        """Enter (or a click on the cursor row) on a row."""

        def __init__(self, table: VirtualTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: VirtualTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column[R]],
        key: Callable[[R], str],
        *,
        empty: str = "nothing to show",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.key = key
        self.empty = empty
        self.rows: list[R] = []
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._widths = [c.width for c in self.columns]
        self._strips: dict[tuple[str, bool], Strip] = {}
        self._base: Style | None = None
        self._tones: dict[str, Style] = {}

    @property
    def row(self) -> R | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if self.rows else None

    def set_rows(self, rows: list[R], keep: str | None = None) -> None:
        """Show ``rows``; the cursor stays on the row with key ``keep`` (default: the
        current one) if it is still there, else on the same position."""
        keep = keep if keep is not None else (self.key(self.row) if self.row else None)
        self.rows = rows
        self._strips.clear()
        where = self.cursor
        if keep is not None:
            where = next((i for i, r in enumerate(rows) if self.key(r) == keep), where)
        self._layout()
        self.cursor = min(max(where, 0), max(len(rows) - 1, 0))
        self.refresh()

    def move_to(self, key: str) -> bool:
        """Put the cursor on the row with ``key``; False when it is not shown."""
        for i, r in enumerate(self.rows):
            if self.key(r) == key:
                self.cursor = i
                return True
        return False

    def cycle_sort(self, step: int) -> None:
        """Sort by the next (or previous) sortable column; past the last, the given order."""
        keys = [None, *(c.key for c in self.columns if c.sort is not None)]
        self.sort_key = keys[(keys.index(self.sort_key) + step) % len(keys)]
        self.sort_reverse = False

    def ordered(self, rows: list[R]) -> list[R]:
        """``rows`` in the table's sort order (unsorted: as given, or reversed)."""
        column = next((c for c in self.columns if c.key == self.sort_key), None)
        if column is None or column.sort is None:
            return rows[::-1] if self.sort_reverse else rows
        return sorted(rows, key=column.sort, reverse=self.sort_reverse)

    def validate_cursor(self, value: int) -> int:
        return min(max(value, 0), max(len(self.rows) - 1, 0))

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if self.rows and old != new:
            self.post_message(self.Highlighted(self, self.rows[new]))

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(self.scrollable_content_region.height - 2, 1)

    def action_jump(self, where: int) -> None:
        self.cursor = where if where >= 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.row is not None:
            self.post_message(self.Selected(self, self.row))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            if index == self.cursor:
                self.action_select()
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self._scroll_to_cursor()
        self.refresh()

    def _layout(self) -> None:
        """Fit flex columns into the width; wider than the screen scrolls sideways."""
        width = self.scrollable_content_region.width or self.size.width
        widths = [c.width for c in self.columns]
        spare = max(width - sum(widths) - len(widths) + 1, 0)
        capped = [i for i, c in enumerate(self.columns) if c.flex and c.max_width]
        free = [i for i, c in enumerate(self.columns) if c.flex and not c.max_width]
        for i in capped:
            share = spare // (len(capped) + len(free))
            grow = min(share, (self.columns[i].max_width or 0) - widths[i])
            widths[i] += grow
            spare -= grow
        for n, i in enumerate(free):
            grow = spare // (len(free) - n)
            widths[i] += grow
            spare -= grow
        if widths != self._widths:
            self._strips.clear()
        self._widths = widths
        total = sum(self._widths) + len(self.columns) - 1
        self.virtual_size = Size(total, len(self.rows) + 1)

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height - 1
        if height <= 0:
            return
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._tones.clear()
        self._strips.clear()

    def _style(self, name: str) -> Style:
        """A component class's style, kept until the CSS changes: looking one up costs
        ~60 µs, and a painted screen of rows asks for hundreds."""
        style = self._tones.get(name)
        if style is None:
            style = self._tones[name] = self.get_component_rich_style(
                f"vtable--{name}", partial=True
            )
        return style

    def _cells(self, cells: Sequence[Cell], base: Style, line: Style | None) -> list[Segment]:
        segments: list[Segment] = []
        for i, ((text, tone), column, width) in enumerate(
            zip(cells, self.columns, self._widths, strict=True)
        ):
            text = safe(text)
            if cell_len(text) > width:
                text = _cut(text, width, keep_end=column.right)
            pad = " " * (width - cell_len(text))
            text = pad + text if column.right else text + pad
            style = base + self._style(tone) if tone else base
            if line is not None:
                style += line
            if i:
                segments.append(Segment(" ", base if line is None else base + line))
            segments.append(Segment(text, style))
        return segments

    def _header(self) -> list[Cell]:
        out = []
        for c, width in zip(self.columns, self._widths, strict=True):
            mark = ""
            if c.key == self.sort_key:
                mark = "▼" if self.sort_reverse else "▲"
            elif self.sort_key is None and self.sort_reverse and c is self.columns[0]:
                mark = "↕"
            out.append((c.label[: max(width - len(mark), 0)] + mark, ""))
        return out

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if y == 0:
            header = base + self._style("header")
            segments = self._cells(self._header(), header, None)
            strip = Strip(segments).crop(scroll_x, scroll_x + width)
            return strip.extend_cell_length(width, header)
        index = scroll_y + y - 1
        if not self.rows:
            text = f" {self.empty}" if y == 1 else ""
            return Strip([Segment(text, base + self._style("empty"))]).extend_cell_length(
                width, base
            )
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        on_cursor = index == self.cursor
        key = (self.key(row), on_cursor)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 4 * max(self.size.height, 10):
                self._strips.clear()
            strip = self._strips[key] = self._row_strip(row, base, on_cursor)
        fill = base + self._style("cursor") if on_cursor else base
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, fill)

    def _row_strip(self, row: R, base: Style, on_cursor: bool) -> Strip:
        line = self._style("cursor") if on_cursor else None
        cells = [
            # ``sized`` says which of the two signatures ``cell`` has; no checker can tell.
            c.cell(row, w) if c.sized else c.cell(row)  # type: ignore[call-arg]
            for c, w in zip(self.columns, self._widths, strict=True)
        ]
        return Strip(self._cells(cells, base, line))


def _cut(text: str, width: int, keep_end: bool) -> str:
    """Shorten to ``width`` cells with an ellipsis; right-aligned cells (numbers, trends)
    keep their end, the most recent part of a trend."""
    if width <= 1:
        return "…"[:width]
    if keep_end:
        tail = text[::-1]
        return "…" + set_cell_size(tail, width - 1)[::-1]
    return set_cell_size(text, width - 1) + "…"
