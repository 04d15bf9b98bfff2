"""Masking: the one left-to-right scan that finds math, fences, doctests and code spans."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.render import masking

#: The scan's first test (a match starts at a line start or at ``\``, a backtick or ``$``).
START_TEST = r"(?:(?=[\\$`])|^)(?:"


def scan_without_start_test() -> re.Pattern[str]:
    assert masking._SCAN.pattern.startswith(START_TEST) and masking._SCAN.pattern.endswith(")")
    return re.compile(masking._SCAN.pattern[len(START_TEST):-1], masking._SCAN.flags)


def matches(pattern: re.Pattern[str], text: str) -> list[tuple[str | None, int, int]]:
    return [(match.lastgroup, match.start(), match.end()) for match in pattern.finditer(text)]


PIECES = ["$x$", "$$y$$", "$", "`", "``", "`code`", "\\", "\\$", "\\`", "```", "~~~", "```py\n", ">>> ", ">>>",
          "...", "\\begin{align}", "\\end{align}", "\\begin{align*}", "\\end{align*}", " ", "  ", "\t", "\n",
          "\n\n", "word", "x_1", "*", "#", "> "]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24))
def test_the_start_test_keeps_every_match_of_the_scan(pieces):
    text = "".join(pieces)
    assert matches(masking._SCAN, text) == matches(scan_without_start_test(), text)


def test_tokens_are_found_at_a_line_start_after_indentation_and_mid_line():
    text = "text $a$ and `b`\n  ```python\n  code\n  ```\n    >>> 1\n    1\n\n\\begin{align}x\\end{align}\n"
    assert [kind for kind, _, _ in matches(masking._SCAN, text)] == ["inline", "span", "fence", "doctest", "align"]
