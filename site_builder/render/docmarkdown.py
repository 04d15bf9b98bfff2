"""The Markdown people write in docstrings, on top of the notes dialect (a Python-Markdown extension).

Leaf stage of :mod:`site_builder.render.notes`: preprocessor lines in, lines out (and one inline
pattern). What it adds to the corpus dialect:

* reST directives docstrings use (``.. note::``, ``.. versionadded:: 2.0``) become a
  paragraph led by their label, and a ``::`` that opens a literal block a ``:``;
* reST roles (``:func:`f```, ``:py:meth:`~a.B.c```, ``:class:`text <target>```) become code
  spans, so the key masks them and code navigation links them as any inline code; ``:math:``
  becomes ``$...$``, masked and turned into MathML like any inline math. A regular expression,
  not a reST parser: the roles are inline text in Markdown, which no reST parser reads;
* an indented code block (four spaces or a tab after a blank line, outside a list) is kept
  whole as a code block, before the dialect's spacing folds every indentation into one space;
  a block whose first line is a ``>>>`` prompt is left to masking's doctest rule;
* ``<user@host>`` is a plain ``mailto:`` link: Python-Markdown's automail writes the address
  as character references for the serializer to pass through, which our key writer (it
  escapes text) would show as ``&#109;...``;
* footnotes, definition lists and tables are Python-Markdown's own extensions.

It must not serialise HTML or know about sections.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.tables import TableExtension
from markdown.inlinepatterns import AUTOMAIL_RE, InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

from site_builder.model import Protected, ProtectedKind
from site_builder.render.masking import TOKEN_TEMPLATE, MaskingExtension, Stashed

#: ``:role:`target```, ``:py:role:`...``` or ``:math:`...```: group ``role`` and ``body``.
_ROLE = re.compile(r"(?<![\w`:]):(?:py:)?(?P<role>func|class|meth|attr|mod|obj|exc|data|const|"
                   r"term|ref|doc|any|math|code|samp|envvar|program|option|file|command)"
                   r":`(?P<body>[^`\n]+)`")
_TITLED = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
#: An indented line at the start or after a blank line: where an indented code block can start.
_MAY_HOLD_CODE = re.compile(r"(?:\A|\n[ \t]*\n)(?: {4}|\t)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_LIST_START = re.compile(r"^ ?(?:[*+-] |\d+[.)] |:param\b|:return:)")


def role_text(match: re.Match[str]) -> str:
    """The Markdown a role stands for: a code span (or ``$...$`` for ``:math:``)."""
    role, body = match.group("role"), match.group("body")
    if role == "math":
        return f"${body}$"
    titled = _TITLED.match(body)
    if titled:
        body = titled.group("title")
    elif body.startswith("~"):
        body = body[1:].rsplit(".", 1)[-1]  # Sphinx shows the last component
    body = body.lstrip("!.")
    ticks = "``" if "`" in body else "`"
    return f"{ticks}{body}{ticks}"


class RestPreprocessor(Preprocessor):
    """reST in Markdown docstrings -> Markdown: roles become code spans and math (before
    masking finds math and code), ``Usage::`` before an indented block ``Usage:``, and the
    directives docstrings use most (``.. note::``, ``.. versionadded:: 2.0``...) a paragraph
    that starts with their label in emphasis, their indented body dedented into it."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if ":`" not in text and ".. " not in text and "::" not in text:
            return lines  # nothing of reST (the common case: a test on the whole text)
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            if ":`" in line:
                line = _ROLE.sub(role_text, line)
            directive = _DIRECTIVE.match(line) if line.startswith("..") else None
            if directive:
                body, index = _directive_body(lines, index + 1)
                out.append(_directive_text(directive, body))
                continue
            if line.endswith("::") and index + 1 < len(lines) and not lines[index + 1].strip():
                line = line[:-2].rstrip() + (":" if line[:-2].strip() else "")
            out.append(line)
            index += 1
        return out


_DIRECTIVE = re.compile(r"^\.\. (?P<name>note|warning|attention|caution|danger|important|hint|tip|"
                        r"seealso|versionadded|versionchanged|deprecated|todo)::[ \t]*(?P<argument>.*)$")
_LABELS = {"versionadded": "New in version {}", "versionchanged": "Changed in version {}",
           "deprecated": "Deprecated since version {}", "seealso": "See also"}


def _directive_body(lines: list[str], start: int) -> tuple[list[str], int]:
    """The indented lines under a directive (blank lines inside kept), and where they end."""
    end = start
    for index in range(start, len(lines)):
        if lines[index].strip() and not lines[index][:1].isspace():
            break
        if lines[index].strip():
            end = index + 1
    return [line.strip() for line in lines[start:end]], end


def _directive_text(directive: re.Match[str], body: list[str]) -> str:
    name, argument = directive.group("name"), directive.group("argument").strip()
    label = _LABELS.get(name, name.capitalize()).format(argument).strip()
    if name not in _LABELS and argument:
        body = [argument, *body]
    text = " ".join(line for line in body if line)
    return f"*{label}:* {text}".rstrip()


class IndentedCodePreprocessor(Preprocessor):
    """Indented code blocks -> masked code-block tokens (see the module docstring)."""

    def __init__(self, md: Markdown, stash: list[Stashed]) -> None:
        super().__init__(md)
        self.stash = stash

    def run(self, lines: list[str]) -> list[str]:
        if not _MAY_HOLD_CODE.search("\n".join(lines)):
            return lines
        out: list[str] = []
        in_list = False
        fence = ""
        index = 0
        while index < len(lines):
            line = lines[index]
            marks = _FENCE.match(line)
            if marks and (not fence or marks.group(1).startswith(fence)):
                fence = "" if fence else marks.group(1)  # a fence's inside is masking's
            blank_before = not out or not out[-1].strip()
            if blank_before and not in_list and not fence and _INDENTED.match(line) and \
                    not line.lstrip().startswith(">>>"):
                end = _block_end(lines, index)
                out += ["", self._token(lines[index:end]), ""]
                index = end
                continue
            if blank_before and line.strip():
                in_list = bool(_LIST_START.match(line))
            elif not line.strip():
                pass  # a blank line keeps the list: an indented paragraph after it continues an item
            out.append(line)
            index += 1
        return out

    def _token(self, lines: list[str]) -> str:
        code = textwrap.dedent("\n".join(line.expandtabs(4) for line in lines))
        self.stash.append(Stashed(Protected(ProtectedKind.CODE_BLOCK, code), True))
        return TOKEN_TEMPLATE.format(len(self.stash) - 1)


def _block_end(lines: list[str], start: int) -> int:
    """Where the indented block from ``start`` ends (trailing blank lines left out)."""
    end = start
    for index in range(start, len(lines)):
        if lines[index].strip() and not _INDENTED.match(lines[index]):
            break
        if lines[index].strip():
            end = index + 1
    return end


class PlainAutomailProcessor(InlineProcessor):
    """``<user@host>`` -> ``<a href="mailto:user@host">user@host</a>``, nothing obfuscated."""

    def handleMatch(  # type: ignore[override]  # InlineProcessor's (data, start, end) API, not Pattern's
            self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        address = m.group(1)
        if address.startswith("mailto:"):
            address = address[len("mailto:"):]
        link = etree.Element("a", {"href": f"mailto:{address}"})
        link.text = AtomicString(address)
        return link, m.start(0), m.end(0)


class DocstringMarkdownExtension(Extension):
    """Registers the above and Python-Markdown's footnotes, definition lists and tables.

    | processor        | where              | priority | why                                  |
    |------------------|--------------------|----------|--------------------------------------|
    | ``rst``          | ``preprocessors``  | 27       | before masking (25) reads ``$`` math |
    | ``indented_code``| ``preprocessors``  | 26       | before masking and spacing fold it   |
    | ``automail``     | ``inlinePatterns`` | 110      | replaces the obfuscating stock one   |
    """

    def __init__(self, masking: MaskingExtension, *, extended: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.masking = masking
        self.extended = extended

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(RestPreprocessor(md), "rst", 27)
        md.preprocessors.register(IndentedCodePreprocessor(md, self.masking.stash), "indented_code", 26)
        md.inlinePatterns.register(PlainAutomailProcessor(AUTOMAIL_RE, md), "automail", 110)
        if self.extended:
            md.registerExtensions([FootnoteExtension(), DefListExtension(), TableExtension()], {})
