"""Docstring conventions, rendered: a :class:`ParsedDocstring` -> the element tree of its notes.

Leaf renderer for :mod:`site_builder.render.notes`: each field list (Parameters, Returns,
Raises...) becomes ``<div class="sb-doc sb-doc-KIND">`` holding a title paragraph
(``<p class="sb-doc-title">``, never a heading: a heading would take an id and the
definition's anchor) and a ``<dl class="sb-doc-fields">`` with one ``<dt>``/``<dd>`` pair per
entry. Names, types and defaults are ``<code>`` (atomic text), so the key writer makes them
placeholders: they are never translatable text, and code navigation links a name it knows as
it links any inline code. Descriptions and text parts are Markdown, parsed by the caller's
``blocks`` function (the same Markdown pipeline as any notes). Admonitions (Note, Warning,
See Also, Examples) are a titled ``<div>`` around their Markdown. This module must not
serialise HTML (the key writer in ``notes`` does) or detect styles (``source.docstrings``).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown.util import AtomicString

from site_builder.source.docstrings import DocField, DocPart, ParsedDocstring

#: Turns Markdown into block elements (paragraphs, lists, code tokens) of the notes tree.
Blocks = Callable[[str], list[etree.Element]]

#: Classes on the elements this module makes; ``notes`` writes these elements with them.
DOC_CLASS = "sb-doc"
TITLE_CLASS = "sb-doc-title"
FIELDS_CLASS = "sb-doc-fields"
TYPE_CLASS = "sb-doc-type"
DEFAULT_CLASS = "sb-doc-default"


def docstring_elements(parsed: ParsedDocstring, blocks: Blocks) -> list[etree.Element]:
    """The top-level elements of a convention docstring, in source order."""
    elements: list[etree.Element] = []
    for part in parsed.parts:
        if part.kind == "text":
            elements.extend(blocks(part.text))
        elif part.kind == "admonition":
            elements.append(_admonition(part, blocks))
        else:
            elements.append(_field_list(part, blocks))
    return elements


def _titled(kinds: tuple[str, ...], title: str) -> etree.Element:
    classes = " ".join([DOC_CLASS, *(f"{DOC_CLASS}-{_slug(kind)}" for kind in kinds)])
    div = etree.Element("div", {"class": classes})
    heading = etree.SubElement(div, "p", {"class": TITLE_CLASS})
    heading.text = title
    return div


def _admonition(part: DocPart, blocks: Blocks) -> etree.Element:
    div = _titled(("admonition", part.title), part.title)
    div.extend(blocks(part.text))
    return div


def _field_list(part: DocPart, blocks: Blocks) -> etree.Element:
    div = _titled((part.kind,), part.title)
    dl = etree.SubElement(div, "dl", {"class": FIELDS_CLASS})
    for field in part.fields:
        _term(etree.SubElement(dl, "dt"), field)
        dd = etree.SubElement(dl, "dd")
        dd.extend(blocks(field.description) if field.description else ())
    return div


def _term(dt: etree.Element, field: DocField) -> None:
    """``name`` then ``(type)`` and ``= default``, each a code element in its own span."""
    if field.name:
        _code(dt, field.name)
    if field.type:
        span = etree.SubElement(dt, "span", {"class": TYPE_CLASS})
        _code(span, field.type)
    if field.default:
        span = etree.SubElement(dt, "span", {"class": DEFAULT_CLASS})
        _code(span, field.default)


def _code(parent: etree.Element, text: str) -> None:
    code = etree.SubElement(parent, "code")
    code.text = AtomicString(text)  # the inline stage leaves it as written


def _slug(text: str) -> str:
    return "-".join(text.lower().split())
