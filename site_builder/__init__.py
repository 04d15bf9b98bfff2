"""site_builder: side-by-side, multilingual documentation sites for annotated Python.

The public API: the typed values (``site_builder.model``) and the stages below the adapters,
which pass them along::

    find_sources, parse_file -> split_units -> load_catalog + lookup -> build_page

``load_corpus`` runs the first three for a whole project; the translators' tools
(``site_builder.translators``: checks, PO files, update) work on its result.
Everything here takes a :class:`SiteConfig` (or plain values) and knows nothing of MkDocs or
the command line. The two adapters on top are not re-exported: the MkDocs plugin and driver
(``site_builder.adapters.mkdocs``, the only code importing MkDocs) and the ``site-builder``
command (``site_builder.adapters.cli``). docs/architecture.md draws the whole picture.
"""

from site_builder.catalog.corpus import Corpus, load_corpus
from site_builder.catalog.store import catalog_path, dump_catalog, load_catalog, save_catalog
from site_builder.catalog.translate import lookup, normalize_key
from site_builder.catalog.units import split_units
from site_builder.config import SiteConfig
from site_builder.errors import ConfigError, SiteBuilderError, SourceError, TranslationFileError
from site_builder.model import (
    Catalog,
    CodeLine,
    Finding,
    FrontMatter,
    Masked,
    Orphan,
    Page,
    Section,
    SectionKind,
    Severity,
    SourceFile,
    SourceKind,
    Unit,
    UnitKind,
    UnitResult,
    UnitState,
)
from site_builder.render.notes import render_notes
from site_builder.render.page import build_page
from site_builder.render.placeholders import restore_placeholders
from site_builder.source.discover import find_sources
from site_builder.source.parse import parse_file

__version__ = "0.1.0"

__all__ = [
    "Catalog", "CodeLine", "ConfigError", "Corpus", "Finding", "FrontMatter", "Masked", "Orphan",
    "Page", "Section", "SectionKind", "Severity", "SiteBuilderError", "SiteConfig", "SourceError",
    "SourceFile", "SourceKind", "TranslationFileError", "Unit", "UnitKind", "UnitResult",
    "UnitState", "build_page", "catalog_path", "dump_catalog", "find_sources", "load_catalog",
    "load_corpus", "lookup", "normalize_key", "parse_file", "render_notes",
    "restore_placeholders", "save_catalog", "split_units",
]
