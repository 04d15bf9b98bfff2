"""Site audit stage: SitePlan + Corpus + hand-written pages -> a Finding for every broken thing.

What a reader would meet as a hole in the site, named with its file and line so the build
can warn (``--strict`` fails) and ``site-builder check`` can list it: a link in notes or in a
Markdown page to a file or ``#anchor`` that does not exist, a local image that does not
exist, and an image, script, stylesheet or frame on another host, which the pages'
Content-Security-Policy (:mod:`site_builder.site.csp`) blocks. Links are read from the English
notes as rendered into unit keys (code spans and code blocks are placeholders there, so code
that looks like a link is not one) and from the Markdown of hand-written pages outside its
code. The file system is asked through the ``exists`` and ``read_text`` callables the adapter
passes; this module must not import MkDocs nor open files itself.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from site_builder.catalog.corpus import Corpus, CorpusFile
from site_builder.model import Finding, ProtectedKind, Severity, UnitKind
from site_builder.site.links import link_targets
from site_builder.site.plan import HOME_URI, STATUS_URI, SitePlan

_HREF = re.compile(r'<a\s[^>]*?\bhref="([^"]*)"', re.I)
#: Elements that load something into the page, and the attribute naming it.
_LOADED = re.compile(r'<(img|script|iframe|video|audio|source|embed|link)\b[^>]*?\b(src|href)="([^"]*)"', re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_ID = re.compile(r'\bid="([^"]*)"')
#: Markdown links and images outside code: ``[text](target "title")``, ``![alt](src)``.
_MD_LINK = re.compile(r'(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
_FENCE = re.compile(r"^(\s*)(```+|~~~+).*?^\1\2[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
#: What the policy allows for each kind of element, for the message.
_DIRECTIVE = {"img": "img-src 'self' data:", "video": "media-src 'self'", "audio": "media-src 'self'",
              "source": "media-src 'self'", "script": "script-src 'self'", "link": "style-src 'self'",
              "iframe": "frame-src 'self'", "embed": "object-src 'none'"}


def site_findings(plan: SitePlan, corpus: Corpus, docs: Iterable[tuple[Path, str, str]], *,
                  exists: Callable[[Path], bool], read_text: Callable[[Path], str],
                  pages_too: bool = True) -> list[Finding]:
    """Every broken thing of the site: the sources' notes, then each hand-written page.

    ``docs``: (path, URI relative to the docs folder, text) of each Markdown page, every
    language's variant included.
    """
    findings = source_findings(plan, corpus, exists=exists, read_text=read_text)
    for path, uri, text in docs:
        findings += markdown_page_findings(path, text, uri, plan, exists=exists, pages_too=pages_too)
    return findings


def source_findings(plan: SitePlan, corpus: Corpus, *, exists: Callable[[Path], bool],
                    read_text: Callable[[Path], str]) -> list[Finding]:
    """Broken links, missing images and blocked resources in the English notes of every source."""
    targets = link_targets(plan)
    anchors = {page.src_uri: _anchors(file) for file in corpus.files
               for page in plan.pages if page.file_id == file.source.id}
    pages = {page.file_id: page for page in plan.pages}
    findings: list[Finding] = []
    for file in corpus.files:
        page = pages.get(file.source.id)
        if page is None:
            continue
        folder = posixpath.dirname(page.source_path)
        lines = _lines(read_text, file.source.path)
        root = file.source.path
        for _ in page.source_path.split("/"):
            root = root.parent  # the source folder the page's path is relative to
        for unit in file.units:
            if unit.kind is not UnitKind.NOTES:
                continue
            source_root = root

            def exists_in_source(resolved: str) -> bool:
                return exists(source_root.joinpath(*resolved.split("/")))

            for kind, target in _unit_targets(unit):
                problem = _problem(kind, target, folder, page.src_uri, targets, anchors, exists_in_source)
                if problem:
                    findings.append(Finding(file=file.source.path, key=unit.key, check=problem[0],
                                            severity=Severity.WARNING, message=problem[1],
                                            line=_line_of(lines, target, unit.line), section=unit.section_id))
    return findings


def markdown_page_findings(path: Path, text: str, uri: str, plan: SitePlan, *,
                           exists: Callable[[Path], bool], pages_too: bool = True) -> list[Finding]:
    """The same problems on a hand-written Markdown page (``uri`` relative to the docs folder).

    ``pages_too=False`` leaves links to other ``.md`` pages to MkDocs, which reports those itself.
    """
    findings = []
    visible = _outside_code(text)
    generated = {page.src_uri for page in plan.pages} | {HOME_URI, STATUS_URI} | set(plan.docs)
    generated |= {plan.url(uri) for uri in generated}
    folder = posixpath.dirname(uri)
    for kind, target, offset in _markdown_targets(visible):
        if not pages_too and kind == "a" and urlsplit(target).path.endswith(".md"):
            continue
        problem = _page_problem(kind, target, folder, generated, lambda rel: exists(path.parent / rel))
        if problem:
            findings.append(Finding(file=path, key="", check=problem[0], severity=Severity.WARNING,
                                    message=problem[1], line=visible.count("\n", 0, offset) + 1))
    return findings


# --- what a unit or a page points at ------------------------------------------------------------


def _unit_targets(unit) -> Iterable[tuple[str, str]]:
    """(element, URL as written) of each link and each loaded resource of a unit."""
    for href in _HREF.findall(unit.key):
        yield "a", html.unescape(href)
    for tag, _attribute, url in _LOADED.findall(unit.key):
        yield tag.lower(), html.unescape(url)
    for original in unit.masked.originals:
        if original.kind is ProtectedKind.IMAGE and original.url:
            yield "img", original.url


def _markdown_targets(text: str) -> Iterable[tuple[str, str, int]]:
    for match in _MD_LINK.finditer(text):
        yield ("img" if match.group(1) else "a"), match.group(2), match.start()
    for match in _LOADED.finditer(text):
        yield match.group(1).lower(), html.unescape(match.group(3)), match.start()


def _outside_code(text: str) -> str:
    """The Markdown with fenced blocks and code spans blanked (same length, same lines)."""
    blank = lambda match: re.sub(r"[^\n]", " ", match.group(0))  # noqa: E731
    return _CODE_SPAN.sub(blank, _FENCE.sub(blank, text))


# --- judging one target -----------------------------------------------------------------------


def _problem(kind: str, target: str, folder: str, here: str, targets: Mapping[str, str],
             anchors: Mapping[str, set[str]], exists: Callable[[str], bool]) -> tuple[str, str] | None:
    """(check, message) when ``target`` on the page ``here`` leads nowhere; None when it works."""
    blocked = _blocked(kind, target)
    if blocked or _SCHEME.match(target) or target.startswith("//") or not target:
        return blocked
    path, _, fragment = target.partition("#")
    path = unquote(path.partition("?")[0])
    if not path:
        return _missing_anchor(fragment, here, anchors, "this page")
    resolved = posixpath.normpath(posixpath.join(folder, path))
    page = targets.get(resolved) or targets.get(resolved.rstrip("/"))
    if page is not None:
        return _missing_anchor(fragment, page, anchors, target.partition("#")[0]) if fragment else None
    if resolved.startswith("../") or resolved == ".." or not exists(resolved):
        what = "image" if kind == "img" else "file"
        return ("missing-image" if kind == "img" else "broken-link",
                f"the {what} {target!r} does not exist (its path is relative to this file; "
                "fix the path or add the file)")
    return None


def _page_problem(kind: str, target: str, folder: str, generated: set[str],
                  exists: Callable[[str], bool]) -> tuple[str, str] | None:
    blocked = _blocked(kind, target)
    if blocked or _SCHEME.match(target) or target.startswith(("//", "#")) or not target:
        return blocked
    path = unquote(target.partition("#")[0].partition("?")[0])
    resolved = posixpath.normpath(posixpath.join(folder, path))
    outside = resolved.startswith("../") or resolved == ".."  # not published with the pages
    if not path or resolved in generated or (exists(path) and not outside):
        return None
    what = "image" if kind == "img" else "file"
    return ("missing-image" if kind == "img" else "broken-link",
            f"the {what} {target!r} does not exist (its path is relative to this page; fix the path or add the file)")


def _missing_anchor(fragment: str, page: str, anchors: Mapping[str, set[str]], shown: str) -> tuple[str, str] | None:
    known = anchors.get(page)
    if not fragment or known is None or unquote(fragment) in known:
        return None
    return ("broken-anchor", f"#{fragment} is not a section of {shown} (its sections' ids are their "
            "headings' slugs and the names of the definitions they document)")


def _blocked(kind: str, target: str) -> tuple[str, str] | None:
    """A resource on another host: the pages' policy loads only the site's own files."""
    if kind == "a" or not re.match(r"^(?:https?:)?//", target):
        return None
    host = urlsplit(target if ":" in target else "https:" + target).netloc
    return ("blocked-resource",
            f"{target!r} is on another host ({host}): the pages' Content-Security-Policy "
            f"({_DIRECTIVE.get(kind, 'default-src')!s}) blocks it, so readers would see nothing; "
            "save the file beside the source and link it by a relative path")


def _anchors(file: CorpusFile) -> set[str]:
    """Every id a source page has for its sections: section ids, their ``section-N`` aliases,
    and the ids written in the notes."""
    ids = {section.id for section in file.source.sections if section.id}
    ids |= {f"section-{number}" for number in range(len(file.source.sections))}
    for unit in file.units:
        ids |= set(_ID.findall(unit.key))
    return ids


def _lines(read_text: Callable[[Path], str], path: Path) -> list[str]:
    try:
        return read_text(path).split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], target: str, start: int) -> int:
    """The first line from ``start`` on that holds ``target`` (``start`` when none does)."""
    for number in range(max(start, 1), len(lines) + 1):
        if target in lines[number - 1]:
            return number
    return start
