"""Reading order stage: SitePlan + front matter + the author's ``nav`` -> the site's navigation.

A reader takes the pages in one order: the home page, then the source pages in the order
their authors set (front matter ``order:``, lowest first; pages without one follow in source
order, a folder's ``__init__`` first), then the site's own pages (hand-written guides and the
translation status) in a part of their own after them. An author's ``nav:`` in mkdocs.yml
wins, and may name sources as they are written (``pkg/mod.py``, ``README.md``, a folder); they
are mapped to the generated pages here. The result is the value MkDocs' ``nav`` setting takes
(lists of page URIs and ``{title: ...}`` sections), so MkDocs' own previous/next links follow
it. This module must not import MkDocs, read files or render anything.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, Mapping, Sequence

import yaml

from site_builder.model import SourceFile

#: The URIs this module needs from the plan (kept here to avoid an import cycle with plan.py).
_HOME_URI = "index.md"
_STATUS_URI = "translation-status.md"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def reading_order(pages: Sequence[Any], sources: Mapping[str, SourceFile]) -> tuple[str, ...]:
    """The source pages' URIs in reading order: the home page, then ``order:``, then source order."""
    def key(page: Any) -> tuple:
        source = sources.get(page.file_id)
        order = source.front.order if source is not None else None
        folder, name = posixpath.split(page.file_id)
        return (page.src_uri != _HOME_URI, order is None, order or 0.0,
                folder, name != "__init__", name)
    return tuple(page.src_uri for page in sorted(pages, key=key))


def front_matter_titles(text: str) -> dict[str, str]:
    """``titles:`` of a hand-written page: its name in languages it has no translation in
    (``titles: {ja: 生成器のしくみ（英語）}``), for those languages' navigation."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    try:
        values = yaml.safe_load(match.group(1)) if match else None
    except yaml.YAMLError:
        return {}
    titles = values.get("titles") if isinstance(values, dict) else None
    return {str(lang): str(title) for lang, title in titles.items()} if isinstance(titles, dict) else {}


def front_matter_order(text: str) -> float | None:
    """``order:`` of a hand-written Markdown page's front matter (None: absent or not a number)."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return None
    try:
        values = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        # Another line is not YAML (an unquoted ": " in a description): the order line still
        # says what the author meant.
        line = re.search(r"^order:[ \t]*(-?\d+(?:\.\d+)?)[ \t]*$", match.group(1), re.M)
        values = {"order": float(line.group(1))} if line else None
    value = values.get("order") if isinstance(values, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def site_nav(plan: Any, *, folder_titles: Mapping[str, str], part_title: str,
             docs_order: Mapping[str, float | None], user_nav: list | None = None,
             lang: str = "", docs_titles: Mapping[str, Mapping[str, str]] | None = None) -> list:
    """The site's navigation as MkDocs' ``nav`` setting takes it.

    Args:
        plan: the :class:`~site_builder.site.plan.SitePlan`.
        folder_titles: top-level folder -> its title in this language (its index page's title).
        part_title: the name of the part holding the site's own pages, in this language.
        docs_order: hand-written page URI -> its front matter ``order`` (None: none).
        user_nav: the author's ``nav:``, if any; its source paths are mapped to pages.
        lang, docs_titles: a hand-written page with no variant in ``lang`` is named by its
            ``titles:`` for ``lang`` (page URI -> language -> title), when it gives one.
    """
    if user_nav:
        return [_map_entry(entry, plan, folder_titles) for entry in user_nav]
    tutorial = [uri for uri in plan.reading if uri != _HOME_URI]
    own = sorted((uri for uri in plan.docs if uri != _HOME_URI),
                 key=lambda uri: (docs_order.get(uri) is None, docs_order.get(uri) or 0.0, uri))
    named = [_named(uri, plan, lang, docs_titles or {}) for uri in own]
    return [_HOME_URI, *_grouped(tutorial, folder_titles), {part_title: [*named, _STATUS_URI]}]


def _named(uri: str, plan: Any, lang: str, docs_titles: Mapping[str, Mapping[str, str]]) -> Any:
    """``uri``, or ``{title: uri}`` when the page is not translated into ``lang`` but names itself in it."""
    title = docs_titles.get(uri, {}).get(lang)
    return {title: uri} if title and lang not in plan.docs.get(uri, frozenset()) else uri


def _grouped(uris: Sequence[str], folder_titles: Mapping[str, str]) -> list:
    """Pages in one top-level folder are a section; when every page shares one, a flat list."""
    folders = {_top_folder(uri) for uri in uris}
    if len(folders) <= 1:
        return list(uris)
    entries: list = []
    sections: dict[str, list[str]] = {}
    for uri in uris:
        folder = _top_folder(uri)
        if not folder:
            entries.append(uri)
        elif folder not in sections:
            sections[folder] = [uri]
            entries.append({folder_titles.get(folder, folder): sections[folder]})
        else:
            sections[folder].append(uri)
    return entries


def _top_folder(uri: str) -> str:
    return uri.split("/")[0] if "/" in uri else ""


def _map_entry(entry: Any, plan: Any, folder_titles: Mapping[str, str]) -> Any:
    """One ``nav`` entry with the source paths in it replaced by their pages."""
    if isinstance(entry, dict):
        return {title: (_map_entry(value, plan, folder_titles) if not isinstance(value, list)
                        else [_map_entry(item, plan, folder_titles) for item in value])
                for title, value in entry.items()}
    if not isinstance(entry, str):
        return entry
    pages = _pages_for(entry, plan)
    if pages is None:
        return entry  # a hand-written page, a URL, or a name MkDocs will report as not found
    if isinstance(pages, str):
        return pages
    folder = entry.strip("/")
    return {folder_titles.get(folder, folder): pages}


def _pages_for(path: str, plan: Any) -> str | list[str] | None:
    """A source path -> its page URI; a source folder -> its pages in reading order."""
    clean = path.strip().lstrip("./") if path.startswith("./") else path.strip()
    if clean in plan.docs or re.match(r"^[a-z]+://", clean):
        return None
    by_source = {page.source_path: page.src_uri for page in plan.pages}
    if clean in by_source:
        return by_source[clean]
    folder = clean.strip("/")
    inside = [uri for uri in plan.reading
              if any(page.src_uri == uri and page.source_path.startswith(folder + "/") for page in plan.pages)]
    return inside or None
