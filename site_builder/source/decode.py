"""Decoding: a source file's bytes -> its text as Python reads it, one ``\\n`` per line break.

A Python file is decoded as Python decodes it (a BOM, else a PEP 263 declaration on line 1 or
2, else UTF-8); a Markdown page is UTF-8 whatever its first lines say. CRLF and a lone CR
become ``\\n``, so the same notes give the same keys whatever the file's bytes, and the text's
lines are Python's lines: ``text.split("\\n")``, never ``str.splitlines()``, which also breaks
at U+2028, form feeds, ``\\x1c``-``\\x1e`` and ``\\x85`` where Python does not. This module
reads bytes and decodes them: it must not tokenize or section anything.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from site_builder.errors import Location, SourceError

#: An encoding declaration (PEP 263); like a shebang it is code, not a note.
CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*(?P<name>[-\w.]+)")


def read_source_text(path: Path) -> str:
    """The file's text as Python reads it: decoded, with every line ending made ``\\n``.

    Raises:
        SourceError: the bytes are not valid in the file's encoding, or it declares an
            encoding Python does not know (line and column of the problem).
    """
    return decode_source(path.read_bytes(), markdown=path.suffix == ".md")


def decode_source(data: bytes, *, markdown: bool = False) -> str:
    """``data`` decoded as :func:`read_source_text` describes (``markdown``: always UTF-8)."""
    encoding = "utf-8" if markdown else _source_encoding(data)
    try:
        text = data.decode(encoding)
    except LookupError:  # a codec that is not a text encoding ("# coding: rot13")
        line, column, name = _declaration(data)
        raise _unknown_encoding(name, line, column) from None
    except UnicodeDecodeError as err:
        line, column = _position(data[: err.start].decode(encoding, errors="replace"))
        declared = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else f"valid {encoding}"
        hint = ("save the file as UTF-8" if declared == "UTF-8" else
                f"save the file as {encoding}, or correct its coding declaration")
        raise SourceError(f"not {declared}: byte 0x{data[err.start]:02x} cannot be decoded",
                          location=Location(None, line, column), hint=hint) from None
    # Python's own reader makes CRLF and a lone CR one "\n" each, in strings too.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def python_lines(text: str) -> list[str]:
    """The lines Python sees in decoded ``text`` (see the module docstring), without endings."""
    return text.removesuffix("\n").split("\n") if text else []


def _source_encoding(data: bytes) -> str:
    """The codec Python would use: a BOM, a PEP 263 declaration on line 1 or 2, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        message = str(err)
        if message.startswith("invalid or missing encoding declaration"):
            return "utf-8"  # undecodable bytes in lines 1-2: reported with their position
        line, column, name = _declaration(data)
        if message.startswith("unknown encoding"):
            raise _unknown_encoding(name, line, column) from None
        raise SourceError(f"the file starts with a UTF-8 byte order mark but declares {name!r}",
                          location=Location(None, line, column),
                          hint="remove the byte order mark or declare utf-8") from None
    return encoding


def _unknown_encoding(name: str, line: int, column: int) -> SourceError:
    return SourceError(f"unknown encoding {name!r} in the coding declaration",
                       location=Location(None, line, column),
                       hint="declare an encoding Python knows (utf-8, latin-1, cp1252, ...) "
                            "or remove the declaration")


def _declaration(data: bytes) -> tuple[int, int, str]:
    """(line, column, name) of the coding declaration in the first two lines ((1, 0, '') if none)."""
    head = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    for number, line in enumerate(re.split(r"\r\n|\r|\n", head, maxsplit=2)[:2], start=1):
        match = CODING.match(line)
        if match:
            return number, match.start("name") + 1, match.group("name")
    return 1, 0, ""


def _position(prefix: str) -> tuple[int, int]:
    """1-based (line, column) just after ``prefix``, counting lines as Python does."""
    line = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
    last = max(prefix.rfind("\n"), prefix.rfind("\r"))
    return line, len(prefix) - last
