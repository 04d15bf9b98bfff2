"""Dev tool: make the WOFF2 math font the site ships from an OpenType/TrueType STIX Two Math.

The font is converted as it is (same glyphs, same MATH table, same names): a change of container
only, so the result stays the OFL-licensed STIX Two Math. WOFF2 is about half the size of the
TrueType file and every browser that draws MathML reads it.

Where to get the input offline: the ``ziamath`` wheel on PyPI bundles
``ziamath/fonts/STIXTwoMath-Regular.ttf``::

    pip download --no-deps -d /tmp/fonts ziamath
    unzip -o /tmp/fonts/ziamath-*.whl 'ziamath/fonts/*' -d /tmp/fonts
    python tools/make_math_font.py /tmp/fonts/ziamath/fonts/STIXTwoMath-Regular.ttf

Needs fontTools and brotli (``pip install '.[fonts]'``). This tool is not part of a build.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

from site_builder.fileio import write_atomic

ASSETS = Path(__file__).resolve().parent.parent / "site_builder" / "assets" / "fonts"


def to_woff2(source: Path) -> bytes:
    """The font at ``source`` in a WOFF2 container, unchanged otherwise."""
    font = TTFont(source)
    if "MATH" not in font:
        raise SystemExit(f"{source}: no MATH table; this is not an OpenType math font")
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("font", type=Path, help="STIXTwoMath-Regular.ttf or .otf")
    parser.add_argument("--out", type=Path, default=ASSETS / "STIXTwoMath-Regular.woff2")
    args = parser.parse_args(argv)
    data = to_woff2(args.font)
    write_atomic(args.out, data)
    print(f"{args.out}: {len(data):,} bytes (from {args.font.stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
