"""Site policy: the theme's template sources -> the Content-Security-Policy every page carries.

Pages are static, so the policy is a ``<meta http-equiv>`` in each page's head: scripts,
styles, fonts and fetches only from the site itself, images from the site or ``data:``
(the theme's icons), no plugins, no ``<base>``, forms posting only to the site. The theme
inlines a few small scripts; they are allowed by their SHA-256 hash, and only the ones
written literally in the theme's templates are hashed (:func:`template_script_hashes`), so a
script that reached a page any other way (a translation, say) would not run even if every
other defence failed. This module only computes strings: no I/O, no MkDocs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Iterable
from urllib.parse import urlsplit

# A classic inline script with no attributes: what the theme's templates write. Scripts with a
# src need no hash, and a data block (type="application/json") is never executed.
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_TEMPLATE_SYNTAX = ("{{", "{%", "{#")
_POLICY_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


def script_hash(body: str) -> str:
    """The CSP source expression that allows an inline script with exactly this ``body``."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def template_script_hashes(template_sources: Iterable[str]) -> tuple[str, ...]:
    """Hashes of the inline scripts written literally in templates (sorted, no duplicates).

    A script whose body holds template syntax differs from page to page and cannot be
    allowed by one hash; the theme must load such code from a file instead.
    """
    hashes = {script_hash(match.group(1))
              for source in template_sources for match in _INLINE_SCRIPT.finditer(source)
              if not any(mark in match.group(1) for mark in _TEMPLATE_SYNTAX)}
    return tuple(sorted(hashes))


def content_security_policy(script_hashes: Iterable[str] = (), site_url: str = "") -> str:
    """The policy of every page: the site's own files only, plus the given inline-script hashes.

    ``site_url`` is where the site is published. The theme fetches ``sitemap.xml`` beside each
    ``hreflang`` link, and those links are absolute (made from ``site_url``), so fetches may
    also go to that origin: it is the site itself, wherever a copy is opened from.
    """
    scripts = " ".join(("'self'", *script_hashes))
    parts = urlsplit(site_url)
    published = f" {parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
    return "; ".join((
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self'{published}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ))


def inline_scripts(page_html: str) -> list[str]:
    """The bodies of a built page's attribute-less inline scripts (for tests and audits)."""
    return [match.group(1) for match in _INLINE_SCRIPT.finditer(page_html)]


def allow_scripts(page_html: str, bodies: Iterable[str]) -> str:
    """``page_html`` with its policy also allowing inline scripts with these exact ``bodies``.

    For code that adds a script to a built page on the way to the browser (MkDocs' live-reload
    server); a page without a policy is returned as it is.
    """
    hashes = " ".join(script_hash(body) for body in bodies)
    if not hashes:
        return page_html

    def extend(match: re.Match[str]) -> str:
        policy = html.unescape(match.group(2)).replace("script-src 'self'", f"script-src 'self' {hashes}", 1)
        return match.group(1) + html.escape(policy, quote=True) + match.group(3)

    return _POLICY_META.sub(extend, page_html, count=1)
