"""Code-navigation benchmark: name resolution (ours with ast vs jedi) and its cost in a full build.

1. Resolution: ``site_builder.names.index.index_names`` over every ``.py`` under ``SOURCES``
   (e.g. labml-nn 0.5.1's unpacked wheel: ``pip download labml-nn==0.5.1 --no-deps``), timed,
   with the share of names resolved. With ``--jedi N``, jedi (if installed) resolves every
   name reference of N files picked at random (seed 1) with ``Script.goto(follow_imports=True)``
   against the same folder as its project; its time per file is printed, and how many
   references landed in the corpus, elsewhere (torch, builtins, locals) or nowhere.
2. With ``--build CONFIG``: the full MkDocs build of CONFIG (all its languages), each in a
   fresh interpreter, alternating code navigation off (an empty NameIndex: no links, no card
   files) and on, ``--repeat`` times each; the least CPU time of each kind is compared, and the page
   ``--page`` (site path) is weighed in both.

Run: ``python bench/names.py SOURCES [--jedi N] [--build mkdocs.yml --page capsule_networks/index.html]``.
The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from site_builder.names.index import index_names
from site_builder.source.discover import find_sources
from site_builder.source.parse import parse_file


def resolve_ours(root: Path) -> dict[str, object]:
    sources = [parse_file(path, root) for path in find_sources(root, ("**/*.py",))]
    start = time.process_time()
    index = index_names(sources)
    seconds = time.process_time() - start
    stats = index.stats
    return {"files": len(sources), "ours_s": round(seconds, 2), "linked": stats.linked,
            "candidates": stats.candidates, "local": stats.local, "external": stats.external,
            "share": round(stats.linked / stats.candidates, 3) if stats.candidates else None}


def resolve_jedi(root: Path, count: int) -> dict[str, object]:
    import jedi

    files = sorted(root.rglob("*.py"))
    sample = random.Random(1).sample(files, min(count, len(files)))
    project = jedi.Project(str(root), smart_sys_path=False)
    inside = elsewhere = nowhere = 0
    start = time.perf_counter()
    for path in sample:
        script = jedi.Script(path.read_text(encoding="utf-8"), path=str(path), project=project)
        for name in script.get_names(all_scopes=True, definitions=False, references=True):
            try:
                found = script.goto(name.line, name.column, follow_imports=True)
            except Exception:  # jedi raises on some constructs; count as not found
                found = []
            if not found:
                nowhere += 1
            elif any(d.module_path and str(d.module_path).startswith(str(root)) for d in found):
                inside += 1
            else:
                elsewhere += 1
    seconds = time.perf_counter() - start
    return {"jedi_files": len(sample), "jedi_s": round(seconds, 1),
            "jedi_s_per_file": round(seconds / max(len(sample), 1), 2),
            "jedi_in_corpus": inside, "jedi_elsewhere": elsewhere, "jedi_nowhere": nowhere}


def build_once(config: Path, site_dir: Path, navigation: bool) -> float:
    """One full build in a fresh interpreter (no cache warmed by the other build): its CPU
    seconds, which other jobs on a shared machine disturb far less than wall time."""
    code = (
        "import sys, time\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        "from site_builder.adapters.mkdocs import language_build\n"
        "from site_builder.names.model import NameIndex\n"
        "if sys.argv[3] == 'off':\n"
        "    language_build.SharedBuild.name_index = lambda self, announce: NameIndex()\n"
        "start = time.process_time()\n"
        "build(load_config(sys.argv[1], site_dir=sys.argv[2]))\n"
        "print(time.process_time() - start)\n")
    done = subprocess.run([sys.executable, "-c", code, str(config), str(site_dir),
                           "on" if navigation else "off"], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def compare_builds(config: Path, page: str, repeat: int) -> dict[str, object]:
    """Builds alternate off, on, off, on... so load from elsewhere on the machine hits both."""
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as folder:
        off, on = Path(folder) / "off", Path(folder) / "on"
        for _ in range(repeat):
            for navigation, site in ((False, off), (True, on)):
                times[navigation].append(build_once(config, site, navigation))
        off_s, on_s = min(times[False]), min(times[True])
        figures: dict[str, object] = {"build_off_cpu_s": [round(t, 1) for t in times[False]],
                                      "build_on_cpu_s": [round(t, 1) for t in times[True]],
                                      "build_slower": round(on_s / off_s - 1, 3)}
        if page and (off / page).exists():
            before, after = (off / page).stat().st_size, (on / page).stat().st_size
            figures.update(page=page, page_off_bytes=before, page_on_bytes=after,
                           page_heavier=round(after / before - 1, 3))
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", type=Path)
    parser.add_argument("--jedi", type=int, default=0, help="files to resolve with jedi (0: skip)")
    parser.add_argument("--build", type=Path, help="an mkdocs.yml to build with navigation off and on")
    parser.add_argument("--page", default="capsule_networks/index.html")
    parser.add_argument("--repeat", type=int, default=2, help="builds of each kind (the least CPU counts)")
    args = parser.parse_args()
    figures = resolve_ours(args.sources)
    print(f"ours: {figures['files']} files in {figures['ours_s']} s, "
          f"{figures['linked']} of {figures['candidates']} names resolved")
    if args.jedi:
        figures.update(resolve_jedi(args.sources, args.jedi))
        print(f"jedi: {figures['jedi_files']} files in {figures['jedi_s']} s "
              f"({figures['jedi_s_per_file']} s per file)")
    if args.build:
        figures.update(compare_builds(args.build, args.page, args.repeat))
        print(f"build (CPU s): {figures['build_off_cpu_s']} off, {figures['build_on_cpu_s']} on")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
