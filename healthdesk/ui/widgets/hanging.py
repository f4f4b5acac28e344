"""Text whose long lines wrap under their own start, not back at the margin.

A wrapped evidence sentence or bullet that runs back to column 0 reads as a new line
at 80 columns; each block here is a prefix (a bullet, a label, an indent) and a body
that wraps in the width left beside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widget import Widget

Block = tuple[Content, Content]
"""(prefix, body): the body wraps under itself, indented by the prefix's width."""


def line(body: Content | str = "") -> Block:
    """A block with no prefix: wraps at the margin like plain text."""
    return Content(""), body if isinstance(body, Content) else Content(body)


class Hanging(Widget):
    """Lines of text whose wrapped continuations are indented under their first line."""

    DEFAULT_CSS = "Hanging { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._blocks: list[Block] = []

    def update(self, blocks: Iterable[Block]) -> None:
        self._blocks = list(blocks)
        self.refresh(layout=True)

    @property
    def content(self) -> Content:
        """The text unwrapped, one block a line (what tests and screen readers want)."""
        return Content("\n").join(prefix + body for prefix, body in self._blocks)

    def _lines(self, width: int) -> list[Content]:
        out: list[Content] = []
        for prefix, body in self._blocks:
            indent = prefix.cell_length
            wrapped = body.wrap(max(width - indent, 8))
            out.append(prefix + wrapped[0])
            out += [Content(" " * indent) + part for part in wrapped[1:]]
        return out

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_region.width))
