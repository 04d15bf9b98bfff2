"""Translation-memory lookup time at the public corpus's scale (about 6,000 values).

The project's own Japanese caches are repeated under 40 file ids, each copy with one word of
every key changed, so the memory holds many near matches (the worst case for difflib), then
every key of one file is looked up as the editor does when it opens that file.

    python3 bench/workbench_memory.py
"""

from __future__ import annotations

import time
from pathlib import Path

from site_builder.catalog.store import list_caches, load_catalog
from site_builder.translators.workbench.memory import MemoryEntry, TranslationMemory

ROOT = Path(__file__).resolve().parents[1]


def main(copies: int = 40) -> None:
    caches = {file_id: load_catalog(path, "ja").entries
              for file_id, path in list_caches(ROOT / "translations", "ja").items()}
    entries = [MemoryEntry(f"{file_id}~{copy}", key.replace("the ", f"the {copy} ", 1), value)
               for copy in range(copies) for file_id, found in caches.items() for key, value in found.items()]
    started = time.perf_counter()
    memory = TranslationMemory(entries)
    built = time.perf_counter() - started
    keys = next(iter(caches.values()))
    started = time.perf_counter()
    offered = sum(len(memory.suggest(key, file="probe")) for key in keys)
    looked = time.perf_counter() - started
    print(f"{len(entries)} entries indexed in {built:.2f} s; {len(keys)} lookups in {looked:.2f} s "
          f"({1000 * looked / len(keys):.1f} ms each, {offered} suggestions)")


if __name__ == "__main__":
    main()
