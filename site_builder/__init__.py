"""site_builder: side-by-side, multilingual documentation sites for annotated Python.

The core is a chain of stages passing typed values (``site_builder.model``)::

    parse_file -> split_units -> load_catalog + lookup -> build_page

``load_corpus`` runs the first three for a whole project; ``run_checks`` and the PO and
update tools work on its result. Two thin adapters sit on top: the MkDocs plugin
(``site_builder.mkdocs_plugin``, the only modules importing MkDocs are it and
``mkdocs_build``) and the ``site-builder`` command (``site_builder.cli``).
"""

from .config import SiteConfig, load_project_config
from .corpus import Corpus, load_corpus
from .errors import ConfigError, SiteBuilderError, SourceError, TranslationFileError
from .model import (Catalog, CodeLine, Finding, FrontMatter, Masked, Orphan, Page, Section,
                    SectionKind, Severity, SourceFile, SourceKind, Unit, UnitKind, UnitResult,
                    UnitState)
from .notes import render_notes
from .page import build_page
from .parse import find_sources, parse_file
from .store import catalog_path, dump_catalog, load_catalog, save_catalog
from .translate import lookup, normalize_key, restore_placeholders
from .units import split_units

__version__ = "0.1.0"

__all__ = [
    "Catalog", "CodeLine", "ConfigError", "Corpus", "Finding", "FrontMatter", "Masked", "Orphan",
    "Page", "Section", "SectionKind", "Severity", "SiteBuilderError", "SiteConfig", "SourceError",
    "SourceFile", "SourceKind", "TranslationFileError", "Unit", "UnitKind", "UnitResult",
    "UnitState", "build_page", "catalog_path", "dump_catalog", "find_sources", "load_catalog",
    "load_corpus", "load_project_config", "lookup", "normalize_key", "parse_file", "render_notes",
    "restore_placeholders", "save_catalog", "split_units",
]
