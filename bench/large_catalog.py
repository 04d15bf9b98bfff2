"""Check benchmark: ``site-builder check`` on one translation cache of N keys (default 100,000).

A project is generated in a temporary folder: one annotated source whose comment sections make
N notes keys (paragraphs with inline code, math placeholders, links and emphasis, the mix of the
real caches), and its Japanese cache with every key translated (a few values carry mistakes that
``check`` must report: a lost placeholder, a bidi control, a class outside the allowlist).
Timed: the ``check`` command itself, run in-process through the CLI's ``main`` (loading the
corpus, splitting the source, reading the cache, every check): on the project, on the project
again (units from the build cache), and on the cache file alone (``check FILE``: no sources).

Each check's wall and CPU seconds (children included) go to stderr: on a shared machine the
CPU figure is the one to compare. Run: ``python bench/large_catalog.py [--keys N] [--keep DIR]
[--profile] [--jobs N]``. The last line printed
is one JSON object: {"keys", "project_s", "project_warm_s", "file_s", "findings", "keys_per_s", "jobs"}
(``project_warm_s``: the same check again, the source's units read from the build cache).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from site_builder.adapters.cli import main
from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import catalog_path, save_catalog
from site_builder.config import SiteConfig
from site_builder.model import UnitKind
from site_builder.render.placeholders import find_placeholders

_NOTES = ("# Step {n}: the coupling `b_{n}` is updated by the agreement $a_{{ij}}$ of\n"
          "# [capsule {n}](https://example.org/{n}) and **its** output $v_j$.\n")


_MAX_FILE_BYTES = 100_000_000


def write_project(root: Path, keys: int) -> SiteConfig:
    """A source with about ``keys`` notes units, and a ja cache translating every key."""
    source = root / "src" / "big.py"
    source.parent.mkdir(parents=True)
    lines = ['"""\n---\ntitle: Big module\n---\n\n# Big module\n"""\n']
    for n in range(keys - 2):  # the title and the module docstring are keys too
        lines.append(_NOTES.format(n=n) + f"x_{n} = {n}\n\n")
    source.write_text("".join(lines), encoding="utf-8")
    # One source of ~16 MB holds the 100,000 units: over the default max_file_bytes (5 MB), so
    # the benchmark raises it (a real corpus spreads such a cache over many files).
    config = SiteConfig(source_dir=root / "src", translations_dir=root / "translations", languages=("en", "ja"),
                        max_file_bytes=_MAX_FILE_BYTES)
    corpus = load_corpus(config, [])
    [file] = corpus.files
    entries = {}
    for index, unit in enumerate(file.units):
        if unit.kind is not UnitKind.NOTES:
            entries[unit.key] = "大きなモジュール"
            continue
        if not unit.key.startswith("<p>"):  # the module docstring's heading
            entries[unit.key] = unit.key.replace("Big module", "大きなモジュール")
            continue
        if index % 4:  # most translations keep the key's tags in order (96% of the project's own)
            value = re.sub(r"(<[^>]*>)|[A-Za-z]+", lambda m: m.group(1) or "訳", unit.key)
        else:  # the rest move a link or emphasis, as Japanese word order asks
            kept = " ".join(f"<span translate=no>_^_{k}_^_</span>" for k in find_placeholders(unit.key))
            href = re.search(r'href="([^"]*)"', unit.key).group(1)
            value = f'<p><a href="{href}">カプセル</a> の結合 {kept} を<strong>更新</strong>する。</p>\n'
        if index % 1000 == 1:
            value = value.replace("_^_0_^_", "_^_9_^_")  # a mistake check must find
        entries[unit.key] = value
    save_catalog(catalog_path(config.translations_dir, file.source.id, "ja"), entries)
    (root / "mkdocs.yml").write_text("site_name: Big\nplugins:\n  - site_builder:\n      source_dir: src\n"
                                     "      translations_dir: translations\n      languages: [en, ja]\n"
                                     f"      max_file_bytes: {_MAX_FILE_BYTES}\n",
                                     encoding="utf-8")
    return config


def _cpu() -> float:
    """CPU seconds of this process and its (forked, finished) children: the machine may be shared."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_check(argv: list[str]) -> tuple[float, int]:
    out = io.StringIO()
    start, cpu = time.perf_counter(), _cpu()
    with contextlib.redirect_stdout(out):
        main(["check", "--format", "json", *argv])
    wall = time.perf_counter() - start
    print(f"  check {' '.join(argv)}: {wall:.2f} s wall, {_cpu() - cpu:.2f} s CPU", file=sys.stderr)
    return wall, len(json.loads(out.getvalue()))


def run(keys: int, keep: Path | None, profile: bool, jobs: int) -> dict[str, object]:
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="site-builder-check-"))
    try:
        if not (root / "mkdocs.yml").exists():
            write_project(root, keys)
        config_argv = ["--config", str(root / "mkdocs.yml"), "--jobs", str(jobs)]
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        project_s, findings = timed_check(config_argv)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        warm_s, _ = timed_check(config_argv)  # the source's units now come from the build cache
        file_s, _ = timed_check(["--jobs", str(jobs), str(root / "translations")])
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return {"keys": keys, "project_s": round(project_s, 2), "project_warm_s": round(warm_s, 2),
            "file_s": round(file_s, 2),
            "findings": findings, "keys_per_s": round(keys / project_s), "jobs": jobs}


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--profile", action="store_true", help="print a profile of the project check")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="check --jobs (default: the cores this process may use)")
    args = parser.parse_args()
    result = run(args.keys, args.keep, args.profile, args.jobs)
    print(f"check of {result['keys']:,} keys: project {result['project_s']} s "
          f"(again, units cached: {result['project_warm_s']} s), "
          f"file alone {result['file_s']} s, {result['findings']} findings")
    print(json.dumps(result))


if __name__ == "__main__":
    cli()
