"""Seeded, deterministic sample portfolio: realistic buyers with every health story.

Used by the CLI (sample data), the tests and the benchmark; see `generator.generate`.
The story each sample buyer tells is documented in `healthdesk.sample.stories`.
"""

from healthdesk.sample.generator import HEADERS, generate, story_map

__all__ = ["HEADERS", "generate", "story_map"]
