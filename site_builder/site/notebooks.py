"""Notebook stage: CorpusFile + language -> the page's source as a Jupyter notebook (nbformat 4).

Each section of a Python source becomes a Markdown cell of its notes in the page's language
and a code cell of its code, in source order, so a reader can run the tutorial in Jupyter
with the notes they read on the site. The notes are Markdown again: English notes are the
source as written; translated notes (HTML with ``_^_N_^_`` placeholders, see
translation-format.md) are converted back to Markdown with markdownify, and each placeholder
is replaced by its original as the author wrote it (``$…$`` math, a code span, a fenced
block, an image), so math reaches Jupyter as TeX. A unit not translated is shown in English,
as on the page. Links between pages are made absolute when the site's URL is known (a
downloaded notebook has no pages beside it). This module must not import MkDocs, read or
write files, or render anything for the site.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from typing import Iterable
from urllib.parse import urljoin

import nbformat
from markdownify import MarkdownConverter

from site_builder.catalog.corpus import CorpusFile
from site_builder.config import SOURCE_LANGUAGE
from site_builder.model import Protected, ProtectedKind, SourceKind, UnitKind, UnitState
from site_builder.render.placeholders import recanonicalise, replace_canonical

#: Stands for placeholder N while markdownify converts the HTML: letters and digits only, so
#: nothing in it is escaped or wrapped.
_TOKEN = "SBPLACEHOLDER{}X"
_TOKEN_PATTERN = re.compile(r"SBPLACEHOLDER(\d+)X")
_BLOCK_KINDS = (ProtectedKind.DISPLAY_MATH, ProtectedKind.CODE_BLOCK)


def notebook_uri(src_uri: str) -> str:
    """Where a page's notebook goes: beside the page (``a/model.md`` -> ``a/model.ipynb``)."""
    return posixpath.splitext(src_uri)[0] + ".ipynb"


def has_notebook(file: CorpusFile) -> bool:
    """Only Python sources have code to run: a Markdown page has no notebook."""
    return file.source.kind is SourceKind.PYTHON


def notebook_bytes(file: CorpusFile, lang: str, *, page_url: str = "") -> bytes:
    """The notebook of ``file`` in ``lang`` (UTF-8 JSON, validated against nbformat 4).

    ``page_url``: the page's absolute URL in ``lang``; relative links and ``#anchors`` in the
    notes are resolved against it ('' leaves them as written).
    """
    cells: list[dict[str, object]] = []
    for notes, code in _sections(file, lang):
        notes = _absolute_links(notes, page_url) if page_url else notes
        # Cell ids from their place, not random ones: the same sources give the same bytes.
        if notes.strip():
            cells.append({"cell_type": "markdown", "id": f"notes-{len(cells)}", "metadata": {},
                          "source": notes.strip("\n")})
        if code.strip():
            cells.append({"cell_type": "code", "id": f"code-{len(cells)}", "metadata": {},
                          "execution_count": None, "outputs": [], "source": code.strip("\n")})
    notebook = nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "title": _title(file, lang)}})
    # Once per notebook: nbformat's cell constructors (and its writer) validate every cell again.
    nbformat.validate(notebook)
    for cell in notebook["cells"]:  # as nbformat writes it: a source is a list of lines
        cell["source"] = cell["source"].splitlines(keepends=True)
    # Compact: the indented form nbformat writes takes Python's slow encoder, 3 times the time.
    return (json.dumps(notebook, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _sections(file: CorpusFile, lang: str) -> Iterable[tuple[str, str]]:
    """(notes as Markdown in ``lang``, code) of each section, in source order."""
    translation = file.translations.get(lang) if lang != SOURCE_LANGUAGE else None
    by_section: dict[int, list] = {}
    if translation is not None:
        for result in translation.results:
            if result.unit.kind is UnitKind.NOTES:
                by_section.setdefault(result.unit.section, []).append(result)
    for index, section in enumerate(file.source.sections):
        code = "\n".join(line.text for line in section.code)
        results = sorted(by_section.get(index, ()), key=lambda result: result.unit.block)
        if translation is None or not results:
            yield section.notes, code
            continue
        blocks = [to_markdown(result.text if result.state is UnitState.TRANSLATED and result.text
                              else result.unit.key, result.unit.masked.originals)
                  for result in results]
        yield "\n\n".join(block for block in blocks if block), code


class _Converter(MarkdownConverter):
    """markdownify, with emphasis kept as HTML where ``*`` would not work.

    CommonMark opens and closes ``*``/``**`` only next to spaces or letters: ``**注意：**ゼロ``
    (a full-width colon, then no space, as Japanese is written) stays literal. Jupyter's
    Markdown reads inline HTML, so such emphasis is written as ``<strong>``/``<em>``.
    """

    def _emphasis(self, el, text: str, markdown: str, tag: str, **options) -> str:
        converted = getattr(super(), f"convert_{markdown}")(el, text, **options)
        if not text.strip() or not (_NEEDS_SPACE.search(text) or _glued(el)):
            return converted
        return f"<{tag}>{text}</{tag}>"

    def convert_strong(self, el, text, **options):
        return self._emphasis(el, text, "strong", "strong", **options)

    def convert_b(self, el, text, **options):
        return self._emphasis(el, text, "b", "strong", **options)

    def convert_em(self, el, text, **options):
        return self._emphasis(el, text, "em", "em", **options)

    def convert_i(self, el, text, **options):
        return self._emphasis(el, text, "i", "em", **options)


#: Text whose first or last character is punctuation or CJK: ``*`` beside it may not flank.
_NEEDS_SPACE = re.compile(r"^[^\w\s]|[^\w\s]$|^[\u3000-\u9fff\uff00-\uffef]|[\u3000-\u9fff\uff00-\uffef]$")


def _glued(el) -> bool:
    """Whether the element touches a non-space character on either side (no space to flank)."""
    before, after = el.previous_sibling, el.next_sibling
    return bool(isinstance(before, str) and before and not before[-1].isspace()
                or isinstance(after, str) and after and not after[0].isspace())


_CONVERTER = _Converter(heading_style="ATX", bullets="*", escape_underscores=False,
                        escape_asterisks=False, escape_misc=False)


# Cached: the English text of a unit not translated is converted again for every language.
@functools.lru_cache(maxsize=4096)
def to_markdown(key_html: str, originals: tuple[Protected, ...]) -> str:
    """Notes HTML with placeholders -> Markdown, each placeholder its original source."""
    marked = replace_canonical(recanonicalise(key_html), lambda number: _TOKEN.format(number))
    markdown = _CONVERTER.convert(marked)

    def original(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return _markdown_of(originals[number]) if number < len(originals) else match.group(0)

    markdown = _TOKEN_PATTERN.sub(original, markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def _markdown_of(original: Protected) -> str:
    """A protected piece as the author wrote it in Markdown."""
    source = original.source
    if original.kind is ProtectedKind.INLINE_MATH:
        return f"${source}$"
    if original.kind is ProtectedKind.DISPLAY_MATH:
        return f"\n\n$$\n{source.strip()}\n$$\n\n"
    if original.kind is ProtectedKind.CODE_SPAN:
        fence = "`" * (max((len(run) for run in re.findall(r"`+", source)), default=0) + 1)
        padding = " " if source.startswith("`") or source.endswith("`") else ""
        return f"{fence}{padding}{source}{padding}{fence}"
    if original.kind is ProtectedKind.CODE_BLOCK:
        fence = "`" * max(3, max((len(run) + 1 for run in re.findall(r"`{3,}", source)), default=3))
        return f"\n\n{fence}{original.language}\n{source.rstrip()}\n{fence}\n\n"
    return source  # an image: its Markdown as written


def _absolute_links(markdown: str, page_url: str) -> str:
    """``](model.html#x)``, ``](#x)`` -> ``](https://site/a/model.html#x)``: a notebook is read
    away from the site; links with a scheme stay as they are."""
    def absolute(match: re.Match[str]) -> str:
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            return match.group(0)
        return f"]({urljoin(page_url, target)})"
    return re.sub(r"\]\(([^)\s]+)\)", absolute, markdown)


def _title(file: CorpusFile, lang: str) -> str:
    translation = file.translations.get(lang)
    for result in translation.results if translation is not None else ():
        if result.unit.kind is UnitKind.TITLE and result.state is UnitState.TRANSLATED and result.text:
            return result.text
    return file.source.front.title
