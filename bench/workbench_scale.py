"""Workbench at corpus scale: time from ``site-builder translate`` to the first screen, and a save.

A synthetic corpus is written to a temporary folder: ``--files`` sources (default 3,000) of
``--sections`` annotated sections each (default 33, so about 100,000 units), with a Japanese
cache holding about 92% of them; plus, in a second run, one cache of ``--orphans`` keys
(default 100,000) and no sources, the "huge cache" case. For each, the command is started as a
translator starts it (``site-builder translate --no-browser``), and measured:

* ``address``: from starting the command to the address (with its token) being printed;
* ``first_screen``: from starting the command to the editor's first page of units answered
  (``/api/files?partial=1``, then ``/api/units?file=F&limit=20``, as the page asks);
* ``save``: the time a ``PUT /api/units`` of one value takes to answer (median and max of 20);
* ``indexed``: from starting the command until every file is counted (progress, memory,
  search ready), and ``search``: one concordance query over the whole corpus then.

Run: ``python bench/workbench_scale.py [--files N] [--sections N] [--orphans N] [--keep DIR]``.
The targets are first screen <= 3 s and a save <= 100 ms. The last line printed is one JSON
object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def module_source(n: int, sections: int) -> str:
    lines = ['"""', "---", f"title: Module {n}", f"summary: What module {n} computes.", "---", "",
             f"# Module {n}", "", f"This module computes the value of step ${n}$ of the model.", '"""', ""]
    for j in range(sections - 4):
        lines += ["", f"# Step {j} of module {n}: scale the [input](https://example.org/{n}/{j}) by ${j} x$",
                  f"x{j} = {j}", ""]
    return "\n".join(lines) + "\n"


def write_one(job: tuple[Path, Path, int, int]) -> int:
    """Write one source and its Japanese cache (92% of units translated); return its units."""
    from site_builder.catalog.store import catalog_path, save_catalog
    from site_builder.catalog.units import split_units
    from site_builder.source.parse import parse_file

    source_dir, translations_dir, n, sections = job
    path = source_dir / f"pkg{n // 100:03d}" / f"module_{n:05d}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(module_source(n, sections), encoding="utf-8")
    units = split_units(parse_file(path, source_dir))
    entries = {u.key: u.key.replace(">", ">[ja] ", 1) if u.key.startswith("<") else f"[ja] {u.key}"
               for i, u in enumerate(units) if (n * 31 + i * 7) % 100 >= 8}
    save_catalog(catalog_path(translations_dir, path.relative_to(source_dir).with_suffix("").as_posix(), "ja"),
                 entries)
    return len(units)


def request(port: int, token: str, method: str, path: str, body: object = None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": f"127.0.0.1:{port}", "Authorization": f"Bearer {token}"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = json.loads(response.read() or b"null")
    connection.close()
    return response.status, data


def measure(source_dir: Path, translations_dir: Path) -> dict[str, float]:
    """Start the command, time the first screen, saves, the full index and a search."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder.adapters.cli", "translate", "--source", str(source_dir),
         "--translations", str(translations_dir), "--lang", "ja", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=translations_dir.parent)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
            if found:
                break
        else:
            raise SystemExit("the command ended without printing its address")
        address = time.perf_counter() - started
        port, token = int(found.group(1)), found.group(2)
        status, files = request(port, token, "GET", "/api/files?lang=ja&partial=1")
        assert status == 200, files
        first = files[0]["file"]
        status, page = request(port, token, "GET", f"/api/units?lang=ja&file={quote(first)}&limit=20")
        assert status == 200 and page["units"], page
        first_screen = time.perf_counter() - started
        unit = page["units"][-1]
        saves = []
        for n in range(20):
            value = unit["english"].replace(">", f">[ja {n}] ", 1) if unit["english"].startswith("<") \
                else f"[ja {n}] {unit['english']}"
            began = time.perf_counter()
            status, answer = request(port, token, "PUT", f"/api/units?lang=ja&file={quote(first)}",
                                     {"key": unit["key"], "value": value, "override": True})
            saves.append(time.perf_counter() - began)
            assert status == 200, answer
        while True:
            status, progress = request(port, token, "GET", "/api/progress?lang=ja")
            if progress["indexed"] >= progress["files"]:
                break
            time.sleep(0.1)
        indexed = time.perf_counter() - started
        began = time.perf_counter()
        status, hits = request(port, token, "GET", "/api/search?lang=ja&q=scale%20the&limit=200")
        search = time.perf_counter() - began
        return {"address_s": round(address, 3), "first_screen_s": round(first_screen, 3),
                "save_median_ms": round(1000 * statistics.median(saves), 1),
                "save_max_ms": round(1000 * max(saves), 1), "indexed_s": round(indexed, 2),
                "search_ms": round(1000 * search, 1), "hits": len(hits["hits"]),
                "units": progress["units"], "files": progress["files"]}
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--sections", type=int, default=33)
    parser.add_argument("--orphans", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="workbench-scale-"))
    try:
        corpus = folder / "corpus"
        if not (corpus / "translations").is_dir():  # --keep DIR of an earlier run: the same corpus again
            began = time.perf_counter()
            with Pool(os.cpu_count() or 1) as pool:
                units = sum(pool.map(write_one, [(corpus / "src", corpus / "translations", n, args.sections)
                                                 for n in range(args.files)], chunksize=50))
            print(f"corpus: {args.files} files, {units} units, written in {time.perf_counter() - began:.1f} s")
        figures = {"corpus": measure(corpus / "src", corpus / "translations")}
        print("corpus:", figures["corpus"], flush=True)
        alone = folder / "orphans"
        (alone / "src").mkdir(parents=True, exist_ok=True)
        (alone / "translations").mkdir(parents=True, exist_ok=True)
        keys = {f"<p>Old note number {n} about $x$.</p>\n": f"<p>古い注 {n}</p>\n" for n in range(args.orphans)}
        (alone / "translations" / "huge.ja.json").write_text(json.dumps(keys, indent=1, sort_keys=True))
        figures["one_cache_of_orphans"] = measure(alone / "src", alone / "translations")
        print("one cache of", args.orphans, "keys:", figures["one_cache_of_orphans"])
        figures["targets"] = {"first_screen_s": 3.0, "save_ms": 100.0}
        print(json.dumps(figures))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
