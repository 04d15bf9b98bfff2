"""Source-stage benchmark: peak memory and time of reading one source, by size and shape.

Each case writes one Python file and reads it in a fresh interpreter (``--case``), through
everything a build does with a source before rendering it: ``parse_file`` (decoding, the
token stream, sections, the compile check), ``split_units`` and ``index_names``. That process
reports its CPU time and the growth of its peak resident memory (``ru_maxrss``) over what the
interpreter held once the modules were imported. Shapes, each of the same content (a list of
``1``s) from 10 KB to 1 MB:

* ``one-line``: ``x = [1, 1, ...]`` on a single line (past ``max_line_chars`` the page is
  kept without code navigation; ``--limit`` raises the limit so the names stage runs too);
* ``one-statement``: the same list, one item per line: one statement over many lines;
* ``docstring``: the same bytes as one module docstring over many lines (notes);
* ``ordinary``: the same items as ordinary statements of about 70 characters, one per line.

Printed: a table of seconds and MB per case, each shape's ratio to ``ordinary`` at the same
size, and its growth from the smallest to the largest size next to the growth of the size
(linear: the two are about equal; quadratic: the first is the square of the second). The last
line printed is one JSON object with every figure.

Run: ``python bench/sources.py [--sizes 10,30,100,300,1000] [--limit]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = ("one-line", "one-statement", "docstring", "ordinary")


def source_text(shape: str, size: int) -> str:
    """About ``size`` bytes of Python in ``shape`` (see the module docstring)."""
    items = max(1, size // 3)
    if shape == "one-line":
        return "x = [" + "1, " * items + "1]\n"
    if shape == "one-statement":
        return "x = [\n" + "1,\n" * items + "1]\n"
    if shape == "docstring":
        line = "Words of a long note, " * 3 + "\n"
        return '"""\n' + line * max(1, size // len(line)) + '"""\n'
    per_line = 22  # "x_12345 = [1, 1, ... 1]" about 70 characters
    rows = max(1, items // per_line)
    return "".join(f"x_{row} = [" + "1, " * (per_line - 1) + "1]\n" for row in range(rows))


def run_case(path: Path, limit: bool) -> dict[str, float]:
    """In this process: read ``path`` as a build does; CPU seconds and peak RSS growth (MB)."""
    from site_builder.catalog.units import split_units
    from site_builder.names.index import index_names
    from site_builder.source.parse import parse_file

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    extra = {"max_line_chars": 10_000_000} if limit else {}
    source = parse_file(path, path.parent, **extra)
    units = split_units(source)
    index = index_names([source])
    seconds = time.process_time() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": round(seconds, 4), "peak_mb": round((after - before) / 1024, 1),
            "units": len(units), "linked": index.stats.linked, "findings": len(source.findings)}


def measure(shape: str, size_kb: int, limit: bool, folder: Path) -> dict[str, object]:
    path = folder / f"{shape}-{size_kb}.py"
    text = source_text(shape, size_kb * 1000)
    path.write_text(text, encoding="utf-8")
    args = [sys.executable, __file__, "--case", str(path)] + (["--limit"] if limit else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"shape": shape, "kb": size_kb, "bytes": len(text.encode()), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,30,100,300,1000", help="sizes in KB, comma-separated")
    parser.add_argument("--limit", action="store_true", help="raise max_line_chars: names run on long lines too")
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case is not None:
        print(json.dumps(run_case(args.case, args.limit)))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            for shape in SHAPES:
                rows.append(measure(shape, size, args.limit, Path(folder)))
    ordinary = {row["kb"]: row for row in rows if row["shape"] == "ordinary"}
    print(f"{'shape':<14} {'KB':>6} {'seconds':>9} {'peak MB':>8} {'x ordinary s':>13} {'x ordinary MB':>14}")
    for row in rows:
        base = ordinary[row["kb"]]
        row["time_ratio"] = round(row["seconds"] / base["seconds"], 2) if base["seconds"] else None
        row["memory_ratio"] = round(row["peak_mb"] / base["peak_mb"], 2) if base["peak_mb"] > 0 else None
        print(f"{row['shape']:<14} {row['kb']:>6} {row['seconds']:>9.3f} {row['peak_mb']:>8.1f} "
              f"{row['time_ratio'] if row['time_ratio'] is not None else '-':>13} "
              f"{row['memory_ratio'] if row['memory_ratio'] is not None else '-':>14}")
    growth = {}
    smallest, largest = min(sizes), max(sizes)
    print(f"\ngrowth from {smallest} KB to {largest} KB (size x{largest / smallest:g}):")
    for shape in SHAPES:
        first = next(r for r in rows if r["shape"] == shape and r["kb"] == smallest)
        last = next(r for r in rows if r["shape"] == shape and r["kb"] == largest)
        time_growth = round(last["seconds"] / first["seconds"], 1) if first["seconds"] else None
        growth[shape] = {"time": time_growth, "peak_mb_small": first["peak_mb"], "peak_mb_large": last["peak_mb"]}
        print(f"  {shape:<14} time x{time_growth}, peak {first['peak_mb']} MB -> {last['peak_mb']} MB")
    print(json.dumps({"limit_raised": args.limit, "sizes_kb": sizes, "cases": rows, "growth": growth}))


if __name__ == "__main__":
    main()
