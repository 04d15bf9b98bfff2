"""How many injected defects ``check --fix`` mends, on the project's own Japanese caches.

Each clean value is damaged the ways machine translation damages them (``。`` moved after the
closing block tag; a placeholder or link left after it; one link nested inside the next, with
or without text of its own; placeholders percent-encoded) and the damaged value is repaired.
Prints, per defect, how many repairs removed the finding and confirms no visible text changed.

    python3 bench/fix_rate.py [translations folder]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from site_builder.catalog.store import list_caches, load_catalog
from site_builder.translators.checks import check_value
from site_builder.translators.fixes.values import fix_value, text_signature

LINK = re.compile(r'(<a href="[^"]*">)(.*?)</a>', re.DOTALL)


def damaged(value: str) -> dict[str, str]:
    variants = {}
    if value.rstrip().endswith("。</p>"):
        end = value.rstrip()
        variants["text-after-block"] = end[:-5] + "</p>。" + value[len(end):]
        placeholder = re.search(r"(<span translate=no>_\^_\d+_\^_</span>)。</p>$", end)
        if placeholder:
            variants["outside-block"] = end[:placeholder.start()] + "</p>。" + placeholder.group(1) + value[len(end):]
    links = list(LINK.finditer(value))
    if len(links) >= 2:
        first, second = links[0], links[1]
        between = value[first.end():second.start()]
        if "<" not in between:
            opening_a, text_a = first.group(1), first.group(2)
            opening_b, text_b = second.group(1), second.group(2)
            head, tail = value[:first.start()], value[second.end():]
            variants["nested-link (text around)"] = (head + opening_a + text_a + between + opening_b + text_b
                                                      + "</a></a>" + tail)
            variants["nested-link (direct)"] = (head + opening_a + opening_b + text_a + between + text_b
                                                 + "</a></a>" + tail)
            variants["nested-link (outer unclosed)"] = (head + opening_a + text_a + between + opening_b
                                                         + text_b + "</a>" + tail)
    if "_^_0_^_" in value:
        variants["placeholder-mangled"] = value.replace("<span translate=no>_^_0_^_</span>", "_%5e_0_%5e_")
    return variants


def main(folder: Path) -> None:
    totals: dict[str, list[int]] = {}
    lost = 0
    started = time.perf_counter()
    for path in list_caches(folder, "ja").values():
        for key, value in load_catalog(path, "ja").entries.items():
            for defect, broken in damaged(value).items():
                check = defect.split(" ")[0]
                before = {p.check for p in check_value(key, broken)}
                if check not in before:
                    continue
                fixed = fix_value(key, broken).value
                lost += text_signature(fixed) != text_signature(broken)
                counts = totals.setdefault(defect, [0, 0])
                counts[0] += 1
                counts[1] += check not in {p.check for p in check_value(key, fixed)}
    for defect, (found, mended) in sorted(totals.items()):
        print(f"{defect:28} {mended:4} of {found:4} mended ({100 * mended / found:.0f}%)")
    print(f"values whose visible text changed: {lost}; {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "translations")
