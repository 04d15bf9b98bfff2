"""What every ``site-builder`` command prints: JSON documents, plain tables, findings, errors.

Part of the CLI adapter. One place for the output formats the commands share, so a table or
a finding reads the same from ``status``, ``check`` and ``import-po``; files are shown
relative to the working folder. This module prints; it must not load a project.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from site_builder.errors import SiteBuilderError
from site_builder.model import Finding, path_shown_from


def print_json(value: object) -> None:
    """Print one JSON document (ASCII-only, so any terminal or pipe encoding can carry it)."""
    print(json.dumps(value, indent=2))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: first column left-aligned, the others (numbers) right-aligned."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def print_errors(errors: Sequence[SiteBuilderError]) -> None:
    """Report errors a command went past, one compiler-style line each, on stderr."""
    for err in errors:
        print(f"error: {err}", file=sys.stderr)


def finding_document(finding: Finding) -> dict[str, object]:
    return {"file": path_shown_from(finding.file, Path.cwd()), "line": finding.line,
            "key": finding.key, "check": finding.check,
            "severity": finding.severity.value, "message": finding.message, "section": finding.section}


def findings_table(findings: Sequence[Finding]) -> str:
    """Findings grouped by file, one line each (``line: severity check message``), then totals.

    Files are shown relative to the working folder (absolute when outside it).
    """
    if not findings:
        return "no problems found"
    lines: list[str] = []
    here = Path.cwd()
    for file in sorted({finding.file for finding in findings}):
        lines.append(path_shown_from(file, here))
        for f in sorted((f for f in findings if f.file == file), key=lambda f: f.line):
            lines.append(f"  {f.line:>5}: {f.severity.value:<7} {f.check:<19} {f.message}")
    errors = sum(f.severity.value == "error" for f in findings)
    lines.append(f"{errors} error(s), {len(findings) - errors} warning(s) "
                 f"in {len({f.file for f in findings})} file(s)")
    return "\n".join(lines)
