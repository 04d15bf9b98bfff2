"""The CSS classes our renderer writes: the one allowlist for ``class`` in translated markup.

A ``class`` on translated HTML is the one attribute that reaches the theme's stylesheet and
scripts: ``md-dialog md-dialog--active`` in a translation draws Material's toast over the page.
Translated values may keep only the classes this project's renderer itself emits (this table:
the notes renderer, code highlighting, the page layout, the Markdown extensions of hand-written
pages); every other class is removed when the value is sanitised (``render.sanitize``). Adding
a class to the renderer means adding it here. Pure data, no imports of other renderers.
"""

from __future__ import annotations

#: Written by our own renderers (page layout, notes, code, examples, cards).
RENDERER_CLASSES = frozenset({
    "sb-alias", "sb-align", "sb-cards", "sb-code", "sb-crumbs", "sb-errors", "sb-example",
    "sb-example__label", "sb-example__page", "sb-example__source", "sb-fallback", "sb-file",
    "sb-gather", "sb-header", "sb-hl", "sb-hl-bg", "sb-home-footer", "sb-home-list", "sb-inline",
    "sb-ln-width", "sb-n", "sb-notes", "sb-notice", "sb-notice--page", "sb-page", "sb-permalink",
    "sb-row", "sb-row--wide", "sb-source", "sb-summary", "sb-table", "math-error", "ln",
    # docstring sections (render/docfields.py) and Python-Markdown's footnotes in notes
    "sb-doc", "footnote", "footnote-ref", "footnote-backref",
})
#: Prefixes of classes our renderers number or parametrise (``sb-lnw-3``, ``sb-page--module``,
#: ``sb-doc-raises``).
RENDERER_CLASS_PREFIXES = ("sb-lnw-", "sb-page--", "sb-doc-")

#: Written by the Markdown extensions of hand-written pages (admonition, toc, code blocks).
MARKDOWN_CLASSES = frozenset({
    "admonition", "admonition-title", "note", "abstract", "summary", "info", "tip", "hint",
    "important", "success", "check", "done", "question", "help", "faq", "warning", "caution",
    "attention", "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
    "headerlink", "toclink", "highlight", "codehilite", "linenos", "linenodiv", "hll", "filename",
    "footnote", "footnote-ref", "footnote-backref", "footnote-backlink",
})
MARKDOWN_CLASS_PREFIXES = ("language-",)


def _pygments_classes() -> frozenset[str]:
    """The short token classes Pygments writes in highlighted code (``k``, ``nf``, ``s2``...)."""
    try:
        from pygments.token import STANDARD_TYPES
    except ImportError:  # pragma: no cover - Pygments is a dependency
        return frozenset()
    return frozenset(name for name in STANDARD_TYPES.values() if name)


#: What a translated note may carry (keys carry no class; these are our own, harmless ones).
NOTE_CLASSES = RENDERER_CLASSES
#: What a translated hand-written page may carry.
PAGE_CLASSES = RENDERER_CLASSES | MARKDOWN_CLASSES | _pygments_classes()


def allowed_classes(value: str, allowed: frozenset[str], prefixes: tuple[str, ...] = ()) -> str | None:
    """``value`` (a class attribute) with only the allowed classes left, in order; None when
    none is left (then the attribute goes)."""
    kept = [name for name in value.split() if name in allowed or name.startswith(prefixes)]
    return " ".join(kept) if kept else None
