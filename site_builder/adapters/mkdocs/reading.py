"""The reading order and the site audit, as the plugin's on_files needs them (MkDocs side).

Reads what site/order.py and site/audit.py must not: the hand-written pages' front matter
and text in the docs folder, and the file system for the audit. Input: the MkDocs config, the
plan and the corpus; output: MkDocs' ``nav`` value, and warnings logged (``--strict`` fails).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from site_builder.catalog.corpus import Corpus
from site_builder.site.audit import site_findings
from site_builder.site.order import front_matter_order, front_matter_titles, site_nav
from site_builder.site.plan import SitePlan
from site_builder.site.ui import ui_text

log = get_plugin_logger("site_builder")


def reading_nav(config: MkDocsConfig, plan: SitePlan, lang: str, folder_titles: dict[str, str],
                user_nav: list) -> list:
    """MkDocs' ``nav`` in reading order, the author's source paths in it mapped to pages."""
    texts = {uri: _read_text(Path(config.docs_dir) / uri) for uri in plan.docs}
    return site_nav(plan, folder_titles=folder_titles, part_title=ui_text(lang)["site_part"],
                    docs_order={uri: front_matter_order(text) for uri, text in texts.items()},
                    user_nav=user_nav, lang=lang,
                    docs_titles={uri: front_matter_titles(text) for uri, text in texts.items()})


def report_broken(config: MkDocsConfig, plan: SitePlan, corpus: Corpus, findings_folder: Path) -> None:
    """What readers would meet as a hole (site/audit.py), one warning each; MkDocs itself
    reports the links between its pages."""
    docs_dir = Path(config.docs_dir)
    docs = [(path, path.relative_to(docs_dir).as_posix(), _read_text(path))
            for path in sorted(docs_dir.rglob("*.md"))] if docs_dir.is_dir() else []
    for finding in site_findings(plan, corpus, docs, exists=Path.exists, read_text=_read_text, pages_too=False):
        log.warning("%s: %s [%s]", finding.shown_from(findings_folder), finding.message, finding.check)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
