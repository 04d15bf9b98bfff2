"""Links in notes, at render time: a link written to a file (``helpers.py``, ``pkg/page.md#x``) -> its page's URL.

Authors link another source as they see it in their editor, relative to the linking file, or
as the page the tool makes of it (``model.html``). Translation keys keep the link exactly as
written (so translations stay valid whatever the site's URL scheme); the rendered notes HTML
of one page in one language is rewritten here: a link to a source file, its ``.html`` page,
or a generated page becomes the relative URL of that page in the same language, in either
of MkDocs' URL modes, fragment kept. Other relative links are made relative to the source
file's folder (where the author meant them), which only changes anything when pages sit a
folder deeper than their sources (directory URLs). Input: a :class:`SitePlan`, the page,
the language, HTML; output: HTML. It must not read files nor touch absolute URLs.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

from site_builder.site.plan import HOME_URI, STATUS_URI, SitePlan, SourcePage, page_url, relative_url

# The sanitiser writes every attribute double-quoted; a link's href is what is rewritten.
_HREF = re.compile(r'(<a\s[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
# A scheme (https:, mailto:), a site-absolute path, a fragment or a query alone: not a file link.
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\?)")


def link_targets(plan: SitePlan) -> dict[str, str]:
    """Every way a note may name a page (path from the source root) -> the page's source URI.

    Built once per plan (every page of every language asks); callers must not change it."""
    cached = _TARGETS.get(id(plan))
    if cached is not None and cached[0] is plan:
        return cached[1]
    targets = _link_targets(plan)
    _TARGETS.clear()  # one plan per build: keep only the latest (and the plan alive with it)
    _TARGETS[id(plan)] = (plan, targets)
    return targets


#: id(plan) -> (plan, its targets); the plan is kept so its id cannot be reused meanwhile.
_TARGETS: dict[int, tuple[SitePlan, dict[str, str]]] = {}


def _link_targets(plan: SitePlan) -> dict[str, str]:
    targets: dict[str, str] = {}
    for uri in (HOME_URI, STATUS_URI):
        targets[page_url(uri, False)] = uri
    for page in plan.pages:
        for alias in (page_url(page.src_uri, False), page_url(page.src_uri, True).rstrip("/"),
                      page.src_uri, page.source_path):
            if alias:
                targets.setdefault(alias, page.src_uri)
    for page in plan.pages:  # the source file's own name wins over any page URL it looks like
        targets[page.source_path] = page.src_uri
    return targets


def rewrite_note_links(notes_html: str, plan: SitePlan, page: SourcePage, lang: str) -> str:
    """``notes_html`` of ``page`` in ``lang`` with its links to files pointing at their pages."""
    if "href" not in notes_html:
        return notes_html
    here = plan.site_path(page.src_uri, lang)
    folder = posixpath.dirname(page.source_path)
    targets = link_targets(plan)

    def rewrite(match: re.Match[str]) -> str:
        href = html.unescape(match.group(2))
        url = note_link_url(href, folder, here, targets, plan, lang)
        return match.group(0) if url is None else f"{match.group(1)}{html.escape(url, quote=True)}{match.group(3)}"

    return _HREF.sub(rewrite, notes_html)


def note_link_url(href: str, folder: str, here: str, targets: dict[str, str], plan: SitePlan,
                  lang: str) -> str | None:
    """The URL a note's ``href`` should have on the page at ``here``; None to leave it."""
    if not href or _NOT_RELATIVE.match(href):
        return None
    path, mark, fragment = href.partition("#")
    path, query_mark, query = path.partition("?")
    resolved = posixpath.normpath(posixpath.join(folder, unquote(path)))
    if resolved.startswith("../") or resolved == "..":
        return None  # outside the sources: nothing of the site is there
    suffix = (query_mark + query) + (mark + fragment)
    target = targets.get(resolved) or targets.get(resolved.rstrip("/"))
    if target is not None:
        return relative_url(plan.site_path(target, lang), here) + suffix
    if not plan.use_directory_urls:
        return None  # the page sits where its source does: the link already works
    return relative_url(plan.language(lang).prefix + resolved, here) + suffix
