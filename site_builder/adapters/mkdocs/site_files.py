"""The files a language's build adds to MkDocs' list: generated pages, assets, images, and its own docs.

Part of the MkDocs adapter, called from the plugin's ``on_files``. A source page is a generated
Markdown file holding front matter only (the plugin fills its content in ``on_page_content``);
home and status pages likewise; the generator's assets and the images beside the sources are
copied as they are. A hand-written page ``name.<lang>.md`` is this language's ``name.md``; the
other languages' variants are dropped. This module decides file lists; it must not render pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Section

from site_builder.config import SOURCE_LANGUAGE
from site_builder.render.sanitize import text_html
from site_builder.site.plan import split_language_suffix
from site_builder.source.boundary import Refused, files_under, inside, real

#: Engine-neutral assets of the generator (math font and CSS, highlighting CSS).
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
#: Where the renderers' static files (math font, math.css, pygments css) land in the site.
ASSETS_URI = "assets/site_builder"
#: Files beside the sources copied into the site (notes show them).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"})


def front_matter(title: str, description: str, *, wide: bool, searchable: bool = True) -> str:
    """YAML front matter of a generated page: Material reads title, description, hide and search.

    ``title`` and ``description`` are plain text (often a translator's); MkDocs and Material
    print them unescaped (header, navigation, breadcrumbs, ``<title>``, the search index), so
    they are handed over as HTML that shows the text. main.html decodes the description
    before escaping it for its attribute.
    """
    meta: dict[str, object] = {"title": text_html(title)}
    if description:
        meta["description"] = text_html(description)
    meta["hide"] = ["navigation", "toc"] if wide else ["toc"]
    if not searchable:
        meta["search"] = {"exclude": True}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def asset_stylesheets() -> list[str]:
    """The generator's stylesheets as site paths (for ``extra_css``), in a stable order."""
    if not ASSETS_DIR.is_dir():
        return []
    return [f"{ASSETS_URI}/{path.relative_to(ASSETS_DIR).as_posix()}" for path in sorted(ASSETS_DIR.rglob("*.css"))]


def refuse_docs_outside(files: Files, config: MkDocsConfig) -> list[Refused]:
    """Drop the docs folder's files whose real path leaves it (a symlink to a file elsewhere).

    MkDocs follows symlinks when it lists ``docs_dir``; a link to a file outside would be
    published and indexed for search. Files MkDocs did not read from the docs folder
    (generated ones) have no source path and are kept."""
    docs_dir = Path(config.docs_dir)
    refused = []
    for file in list(files):
        # Only what MkDocs listed from the docs folder: the theme's files come from the theme's
        # folders (their src_dir), generated ones from no folder at all.
        if file.generated_by is not None or not file.abs_src_path or file.src_dir is None \
                or Path(file.src_dir) != docs_dir:
            continue
        path = Path(file.abs_src_path)
        if not inside(path, docs_dir):
            files.remove(file)
            refused.append(Refused(path=path, target=real(path), root=docs_dir))
    return refused


def add_generated(files: Files, config: MkDocsConfig, uri: str, content: str | bytes) -> None:
    """Add a generated page at ``uri`` unless a file of the docs folder is there already."""
    if files.get_file_from_path(uri) is None:
        files.append(File.generated(config, uri, content=content))


def add_static(files: Files, config: MkDocsConfig, root: Path, prefix: str,
               suffixes: frozenset[str] | None = None) -> list[Refused]:
    """Copy the files under ``root`` (hidden ones and caches left out) to ``prefix/...``;
    return those refused because their real path leaves ``root``."""
    if not root.is_dir():
        return []
    paths, refused = files_under(root, enter=lambda relative: not relative.rpartition("/")[2].startswith("."))
    for path in paths:
        relative = path.relative_to(root)
        if (not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
                or (suffixes is not None and path.suffix.lower() not in suffixes)):
            continue
        uri = posixpath.join(prefix, relative.as_posix()) if prefix else relative.as_posix()
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return [r for r in refused if suffixes is None or r.path.suffix.lower() in suffixes]


def select_language_docs(files: Files, config: MkDocsConfig, languages: tuple[str, ...], lang: str) -> set[str]:
    """Keep ``lang``'s ``name.<lang>.md`` pages (as ``name.md``), drop the others' variants.

    Returns the pages shown in English in this language (no variant of its own); none in
    the English build.
    """
    variants: dict[str, set[str]] = {}
    for file in list(files.documentation_pages()):
        base_uri, variant = split_language_suffix(file.src_uri, languages)
        variants.setdefault(base_uri, set()).add(variant or SOURCE_LANGUAGE)
        if variant is None:
            continue
        files.remove(file)
        if variant == lang and variant != SOURCE_LANGUAGE:
            existing = files.get_file_from_path(base_uri)
            if existing is not None:
                files.remove(existing)
            if file.abs_src_path is not None:
                files.append(File.generated(config, base_uri, abs_src_path=file.abs_src_path))
            else:  # made by another plugin, in memory
                files.append(File.generated(config, base_uri, content=file.content_bytes))
    if lang == SOURCE_LANGUAGE:
        return set()
    return {uri for uri, found in variants.items() if lang not in found and SOURCE_LANGUAGE in found}


def sections(items: Iterable[object]) -> list[Section]:
    """Every section of a navigation, nested ones included, parents first."""
    found: list[Section] = []
    for item in items:
        if isinstance(item, Section):
            found += [item, *sections(item.children)]
    return found
