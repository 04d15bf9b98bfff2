"""Measure how many of our unit keys an existing translation corpus already has.

A development script, not part of the package. Point it at a folder laid out like the
public corpus (``<corpus>/labml_nn/<path>.py`` sources and ``<corpus>/translate_cache/
<path>.<lang>.json`` caches); for every cache whose source is there it parses the source
with our core, builds the units and looks each key up in the cache: exactly, then after
whitespace normalisation. Misses are listed with the closest cache key and a diff, and
classed as ``render`` (same words, different markup or spacing: our renderer is wrong) or
``drift`` (different words: the source changed after the cache was made).

    python tools/corpus_fidelity.py --corpus /tmp/corpus            # summary + misses
    python tools/corpus_fidelity.py --corpus /tmp/corpus --only mha  # one file, all diffs
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.catalog.units import split_units
from site_builder.errors import SiteBuilderError
from site_builder.source.parse import parse_file

_TAG = re.compile(r"<[^>]+>|_\^_\d+_\^_")
_HREF = re.compile(r'href="[^"]*"')


def normalize(key: str) -> str:
    return " ".join(key.split())


def words(key: str) -> str:
    return " ".join(_TAG.sub(" ", key).split())


@dataclass
class FileResult:
    cache: Path
    units: int = 0
    exact: int = 0
    normalized: int = 0
    misses: list[tuple[str, str | None, str]] = field(default_factory=list)
    """(our key, closest cache key, 'render' | 'drift')."""
    unused: list[str] = field(default_factory=list)
    error: str = ""


def check_file(cache: Path, source: Path, root: Path) -> FileResult:
    result = FileResult(cache)
    keys = json.loads(cache.read_text(encoding="utf-8"))
    by_normal = {normalize(key): key for key in keys}
    try:
        units = split_units(parse_file(source, root))
    except SiteBuilderError as err:
        result.error = str(err)
        return result
    used: set[str] = set()
    for unit in units:
        result.units += 1
        if unit.key in keys:
            result.exact += 1
            used.add(unit.key)
        elif normalize(unit.key) in by_normal:
            result.normalized += 1
            used.add(by_normal[normalize(unit.key)])
            result.misses.append((unit.key, by_normal[normalize(unit.key)], "space"))
        else:
            result.misses.append(_miss(unit.key, keys))
    result.unused = [key for key in keys if key not in used]
    return result


def _miss(key: str, keys: dict[str, str]) -> tuple[str, str | None, str]:
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.5)
    closest = close[0] if close else None
    if closest is None or words(closest) != words(key):
        kind = "drift"
    elif _HREF.sub("", closest) == _HREF.sub("", key):
        kind = "drift"  # only a link target changed: the source was edited after the cache
    else:
        kind = "render"
    return key, closest, kind


def source_for(cache: Path, caches: Path, sources: Path) -> Path | None:
    stem = cache.relative_to(caches).as_posix()
    base = stem.rsplit(".", 2)[0]  # drop ".<lang>.json"
    for suffix in (".py", ".md"):
        candidate = sources / (base + suffix)
        if candidate.exists():
            return candidate
    return None


def show_diff(ours: str, theirs: str | None) -> str:
    if theirs is None:
        return f"    ours:   {ours!r}\n    (no close key in the cache)"
    matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
    lines = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            lines.append(f"    {op:7} cache {theirs[max(0, a1 - 25):a2 + 25]!r}\n"
                         f"            ours  {ours[max(0, b1 - 25):b2 + 25]!r}")
    return "\n".join(lines[:6])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus"))
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--only", help="only caches whose path contains this text")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    parser.add_argument("--unused", action="store_true", help="also list cache keys no unit matched")
    args = parser.parse_args(argv)
    caches, sources = args.corpus / "translate_cache", args.corpus / "labml_nn"
    totals = {"files": 0, "units": 0, "exact": 0, "normalized": 0, "render": 0, "drift": 0}
    for cache in sorted(caches.rglob(f"*.{args.lang}.json")):
        if args.only and args.only not in cache.as_posix():
            continue
        source = source_for(cache, caches, sources)
        if source is None:
            continue
        result = check_file(cache, source, sources)
        totals["files"] += 1
        totals["units"] += result.units
        totals["exact"] += result.exact
        totals["normalized"] += result.exact + result.normalized
        for _, _, kind in result.misses:
            totals[kind] = totals.get(kind, 0) + 1
        if not args.quiet:
            _report(result, source, args.unused)
    units = max(totals["units"], 1)
    comparable = max(units - totals["drift"], 1)
    print(f"\n{totals['files']} files, {totals['units']} units: "
          f"exact {totals['exact']} ({100 * totals['exact'] / units:.1f}%), "
          f"normalised {totals['normalized']} ({100 * totals['normalized'] / units:.1f}%); "
          f"misses: render {totals['render']}, drift {totals['drift']}, space-only {totals.get('space', 0)}\n"
          f"without drifted units ({comparable}): exact {100 * totals['exact'] / comparable:.1f}%, "
          f"normalised {100 * totals['normalized'] / comparable:.1f}%")
    return 0


def _report(result: FileResult, source: Path, unused: bool) -> None:
    share = 100 * result.exact / max(result.units, 1)
    print(f"{source.name:>14} {result.cache.parent.name:>24}: {result.exact}/{result.units} exact "
          f"({share:.0f}%), +{result.normalized} normalised" + (f"  ERROR {result.error}" if result.error else ""))
    for ours, theirs, kind in result.misses:
        print(f"  [{kind}]")
        print(show_diff(ours, theirs))
    if unused:
        for key in result.unused:
            print(f"  [unused] {key[:150]!r}")


if __name__ == "__main__":
    sys.exit(main())
