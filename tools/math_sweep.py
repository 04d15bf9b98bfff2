r"""Dev tool: run ``render_math`` over many expressions and print the ones that fail.

Input is any mix of annotated sources (``.py``/``.md`` files or folders of them), whose math
is found in comments and docstrings the way notes mark it (``$...$``, ``$$...$$`` and a bare
``\begin{align}...\end{align}``), and JSON-lines files of ``{"latex", "display", "where"}``
records. ``--save FILE`` writes the expressions found as JSON lines, so a sample taken from a
corpus can be kept outside the repository and swept again after each fix.

An expression fails when conversion reports an error, or when it "succeeds" but still shows an
unknown macro as text (``class="math-unknown"``): both are things a reader would see.

    python tools/math_sweep.py /tmp/corpus/labml_nn --save /tmp/math_sample.jsonl
    python tools/math_sweep.py /tmp/math_sample.jsonl

Exit code: 0 when nothing failed, 1 otherwise. This tool only reads; it is not part of a build.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.fileio import write_atomic
from site_builder.render.mathml import render_math

# Order matters: display forms are taken out before single dollars are looked for.
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_BARE_ALIGN = re.compile(r"\\begin\{(align\*?)\}.*?\\end\{\1\}", re.S)
_INLINE = re.compile(r"(?<!\\)\$((?:[^$\n\\]|\\.|\n(?![ \t]*\n))+?)\$")
_UNKNOWN = re.compile(r'class="math-unknown"[^>]*>([^<]*)<')


@dataclass(frozen=True, slots=True)
class Expression:
    latex: str
    display: bool
    where: str


def notes_blocks(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of each comment run and triple-quoted string of a Python file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        yield 1, text
        return
    run: list[str] = []
    run_start = run_end = 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return
    for tok in tokens:
        if tok.type == tokenize.COMMENT and tok.line.lstrip().startswith("#"):
            if run and tok.start[0] != run_end + 1:
                yield run_start, "\n".join(run)
                run = []
            if not run:
                run_start = tok.start[0]
            run.append(re.sub(r"^# ?", "", tok.string))
            run_end = tok.start[0]
        elif tok.type == tokenize.STRING and re.match(r"^[rRuUbBfF]*('''|\"\"\")", tok.string):
            body = re.sub(r"^[rRuUbBfF]*('''|\"\"\")", "", tok.string)[:-3]
            yield tok.start[0], body
    if run:
        yield run_start, "\n".join(run)


_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)


def find_math(text: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, latex, display) of each math expression in notes text (code spans skipped)."""
    text = _CODE.sub(lambda m: " " * len(m.group()), text)
    for pattern, display in ((_DISPLAY, True), (_BARE_ALIGN, True), (_INLINE, False)):
        found = list(pattern.finditer(text))
        for match in found:
            yield match.start(), match.group(0 if pattern is _BARE_ALIGN else 1), display
        for match in found:  # blank out what was taken so later patterns cannot reuse a "$"
            text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def expressions_in(path: Path) -> Iterator[Expression]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.suffix in (".py", ".md") and "__pycache__" not in child.parts:
                yield from expressions_in(child)
    elif path.suffix in (".jsonl", ".json"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                yield Expression(record["latex"], record["display"], record.get("where", str(path)))
    else:
        for line, block in notes_blocks(path):
            for offset, latex, display in find_math(block):
                yield Expression(latex, display, f"{path}:{line + block.count(chr(10), 0, offset)}")


def sweep(expressions: Iterable[Expression]) -> int:
    total = failed = 0
    unknown: collections.Counter[str] = collections.Counter()
    for expr in expressions:
        total += 1
        result = render_math(expr.latex, display=expr.display)
        names = _UNKNOWN.findall(result.html)
        unknown.update(names)
        if result.error or names:
            failed += 1
            why = result.error or "unknown macros " + " ".join(names)
            print(f"{expr.where}: {why}\n    {expr.latex!r}")
    if unknown:
        print("unknown macros:", ", ".join(f"{n} x{c}" for n, c in unknown.most_common()))
    print(f"{total} expressions, {failed} failed")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--save", type=Path, help="also write the expressions found as JSON lines")
    parser.add_argument("--unique", action="store_true", help="sweep each distinct expression once")
    args = parser.parse_args(argv)
    expressions = [e for path in args.inputs for e in expressions_in(path)]
    if args.unique:
        expressions = list({(e.latex, e.display): e for e in expressions}.values())
    if args.save:
        lines = (json.dumps({"latex": e.latex, "display": e.display, "where": e.where}) for e in expressions)
        write_atomic(args.save, "\n".join(lines) + "\n")
    return 1 if sweep(expressions) else 0


if __name__ == "__main__":
    sys.exit(main())
