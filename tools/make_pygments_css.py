"""Dev tool: write ``site_builder/assets/pygments.css`` from ``highlight.pygments_css()``.

Run it after changing the Pygments styles or the gutter rules in highlight.py;
tests/test_highlight.py fails while the shipped file and the function disagree.
"""

from __future__ import annotations

from pathlib import Path

from site_builder.fileio import write_atomic
from site_builder.render.highlight import pygments_css

TARGET = Path(__file__).resolve().parent.parent / "site_builder" / "assets" / "pygments.css"

if __name__ == "__main__":
    write_atomic(TARGET, pygments_css())
    print(f"wrote {TARGET}")
