"""How much of a real folder of caches ``check --fix`` mends, and whether any translator text is lost.

Copies the folder, counts the findings per kind with ``site-builder check FILE...``, runs
``check --fix`` on the copy and counts again; then compares every changed value's visible text
(punctuation and spacing set aside, placeholders as one mark each) before and after, and that
each rewritten file is in the exact cache format. The original folder is never written.

    python3 bench/fix_real.py CACHES_DIR
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from site_builder.catalog.store import dump_catalog
from site_builder.render.htmltree import visible_text
from site_builder.translators.checks import check_cache_files, expand_cache_paths
from site_builder.translators.fixes.files import apply_plan, plan_files

KINDS = ("text-after-block", "outside-block", "nested-link")
_PUNCTUATION = re.compile(r"[\s。、，．,.;:；：！？!?]")


def findings_by_kind(folder: Path) -> Counter[str]:
    findings, _ = check_cache_files([folder])
    return Counter(finding.check for finding in findings)


def text_of(value: str) -> str:
    return _PUNCTUATION.sub("", visible_text(value, placeholders="\x00"))


def main(folder: Path) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy)
        before = findings_by_kind(copy)
        started = time.perf_counter()
        plans, errors = plan_files([copy])
        for plan in plans:
            apply_plan(plan)
        seconds = time.perf_counter() - started
        after = findings_by_kind(copy)
        files = values = changed = lost = misformatted = 0
        for original in expand_cache_paths([folder]):
            fixed = copy / original.relative_to(folder)
            old, text = json.loads(original.read_text()), fixed.read_text()
            new = json.loads(text)
            files += 1
            misformatted += text != original.read_text() and text != dump_catalog(new)
            for key, value in old.items():
                values += 1
                if new.get(key) != value:
                    changed += 1
                    lost += text_of(new.get(key, "")) != text_of(value)
    print(f"{files} caches ({len(errors)} unreadable), {values} values, {changed} mended in {seconds:.1f} s")
    for kind in KINDS:
        share = f"{(before[kind] - after[kind]) / before[kind]:.0%}" if before[kind] else "-"
        print(f"{kind:18} {before[kind]:5} -> {after[kind]:5}  removed {share}")
    print(f"values whose visible text changed: {lost}; files not in the cache format: {misformatted}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
