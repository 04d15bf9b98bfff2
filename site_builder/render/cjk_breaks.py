"""Markdown extension: a line break between two CJK characters joins them without a space.

Markdown turns a soft line break into a space, which is right between words of English but
wrong between two Chinese or Japanese characters, where it shows as a gap in the middle of a
sentence ("解説は その言語で"). Authors of Japanese pages wrap long paragraphs as authors of
English ones do, so this extension removes a soft break (and the indentation around it) when
the characters on both sides are CJK ideographs, kana, full-width forms or CJK punctuation, and
leaves every other break as it is. Code spans, code blocks and raw HTML are not touched.

It is a plain Python-Markdown extension: the notes renderer (``core.notes``) uses it, and so do
hand-written pages (``markdown_extensions: [site_builder.render.cjk_breaks]`` in mkdocs.yml), so
every engine that runs Python-Markdown extensions can use it; it imports nothing else of the
generator.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

#: Characters written without spaces between them: CJK punctuation, kana, CJK ideographs
#: (with extension A and the compatibility block), Hangul is excluded on purpose (Korean puts
#: spaces between words), and the full-width forms.
_CJK = ("\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uf900-\ufaff\uff00-\uffef")
_BREAK_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])[ \\t]*\\n[ \\t]*(?=[{_CJK}])")
#: Elements whose text is shown as written.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})


def join_cjk_lines(text: str) -> str:
    """``text`` with each soft line break between two CJK characters removed."""
    if text.isascii():
        return text  # no CJK character, so no break between two (and no regex scan)
    return _BREAK_BETWEEN_CJK.sub("", text)


class _CjkBreaks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        for child in element:
            if child.tail and "\n" in child.tail:
                child.tail = join_cjk_lines(child.tail)
            if child.tag in _VERBATIM:
                continue
            if child.text and "\n" in child.text:
                child.text = join_cjk_lines(child.text)
            self._walk(child)


class CjkBreaksExtension(Extension):
    """Join soft line breaks between CJK characters."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (priority 20) so code spans are already elements, before
        # prettify (10), which only adds newlines between block elements.
        md.treeprocessors.register(_CjkBreaks(md), "cjk_breaks", 15)


def makeExtension(**kwargs: object) -> CjkBreaksExtension:
    return CjkBreaksExtension(**kwargs)
