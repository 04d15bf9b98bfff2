"""HTML tree benchmark: our ``render.htmltree`` parser against Beautiful Soup on the same values.

Why it exists: ``render/htmltree.py`` parses every translated value on every build (the
fallback check) and every key and value on ``site-builder check``. Beautiful Soup is the
maintained library for HTML trees; this measures what building on it would cost.

Inputs: every key and value of the project's caches (``translations/**/*.json``, sidecars
included), and a synthetic set of ``--synthetic`` values (default 20,000) made from them
(each real value with a numbered paragraph, a link and a placeholder added, so no two are
equal). Each set is parsed ``--repeat`` times (best time kept) by:

* ``htmltree``: ``parse_html`` (our tree builder on the standard library's ``html.parser``),
  which also lists nested links, blocks inside paragraphs and unbalanced tags;
* ``htmltree.html_problem``: what the build calls per translated value;
* ``bs4``: ``BeautifulSoup(value, "html.parser")``: the tree only, with no problem report
  (Beautiful Soup repairs unclosed and stray tags silently, so the report would need a
  second pass on top of this time);
* ``bs4 + get_text``: the tree and its visible text (what ``visible_text`` needs).

Run: ``python bench/htmltree.py [--synthetic N] [--repeat R]``. The last line printed is one
JSON object with the seconds per set and parser, and the ratio bs4 / htmltree.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bs4 import BeautifulSoup

from site_builder.render.htmltree import html_problem, parse_html

ROOT = Path(__file__).resolve().parents[1]


def project_values() -> list[str]:
    """Every string key and value of the project's translation caches and sidecars."""
    values: list[str] = []
    for path in sorted((ROOT / "translations").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in data.items() if isinstance(data, dict) else ():
            values.append(key)
            if isinstance(value, str):
                values.append(value)
            elif isinstance(value, dict):
                values += [v for v in value.values() if isinstance(v, str)]
    return [value for value in values if value]


def synthetic_values(real: Sequence[str], count: int) -> list[str]:
    """``count`` distinct values built from the real ones."""
    return [f'{real[n % len(real)]}<p>Value {n} with <a href="#s{n}">a link</a> and '
            f"<span translate=no>_^_{n % 7}_^_</span>.</p>\n" for n in range(count)]


def best_time(parse: Callable[[str], object], values: Sequence[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for value in values:
            parse(value)
        best = min(best, time.perf_counter() - start)
    return best


PARSERS: dict[str, Callable[[str], object]] = {
    "htmltree": parse_html,
    "htmltree.html_problem": html_problem,
    "bs4": lambda value: BeautifulSoup(value, "html.parser"),
    "bs4 + get_text": lambda value: BeautifulSoup(value, "html.parser").get_text(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    real = project_values()
    sets = {"project": real, "synthetic": synthetic_values(real, args.synthetic)}
    report: dict[str, object] = {}
    for set_name, values in sets.items():
        chars = sum(map(len, values))
        times = {name: best_time(parse, values, args.repeat) for name, parse in PARSERS.items()}
        for name, seconds in times.items():
            print(f"{set_name:9} {len(values):6} values {chars:9} chars  {name:22} {seconds:8.3f} s")
        report[set_name] = {"values": len(values), "chars": chars,
                            **{name: round(seconds, 4) for name, seconds in times.items()},
                            "ratio_bs4": round(times["bs4"] / times["htmltree"], 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
