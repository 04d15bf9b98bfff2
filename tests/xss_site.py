"""Shared by the XSS tests: payload files, a small corpus with a payload in every kind of value,
its built site, and a scanner that reads built pages and search indexes with html.parser.

``plant_corpus`` writes the corpus (English sources whose author put payloads in titles,
summaries and a folder name; Japanese caches whose every value ends in a payload; a glossary
whose every entry holds one) and returns what each planted page must still SHOW, so a fix that
drops a unit instead of escaping it fails. ``scan_page`` and ``scan_search_index`` report
anything live: script elements the theme did not write, ``on*`` attributes, javascript:,
vbscript: and data: URLs, elements no page of ours has, and marked injected elements.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from site_builder.site.csp import script_hash

DATA = Path(__file__).parent / "data"
_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\0": "\0"}


def load_payloads(name: str) -> list[str]:
    """The payloads of ``tests/data/<name>``: one a line, '#' comments skipped, escapes expanded."""
    payloads = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        for escape, char in _ESCAPES.items():
            line = line.replace(escape, char)
        payloads.append(line)
    return payloads


PLAIN = load_payloads("xss_payloads_plain.txt")
HTML_FORMS = load_payloads("xss_payloads.txt")
EVERY = PLAIN + HTML_FORMS


# --- the planted corpus ---------------------------------------------------------------------------


@dataclass
class Plants:
    """What the built pages must show: page path (from the site root) -> texts it must contain."""

    shows: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    """page path -> the exact text of its title (header, <h1>, <title> before " - ")."""
    descriptions: dict[str, str] = field(default_factory=dict)
    """page path -> the exact text of its meta description."""
    notes: dict[str, int] = field(default_factory=dict)
    """page path -> how many planted notes values are usable (shown translated, sanitised)."""

    def expect(self, page: str, text: str) -> None:
        self.shows.setdefault(page, []).append(text)


def _chunks(items: list[str], count: int) -> list[list[str]]:
    return [items[index::count] for index in range(count)]


def _notes_source(title: str, summary: str, sections: int) -> str:
    front = f"---\ntitle: {json.dumps(title)}\nsummary: {json.dumps(summary)}\n---\n"
    parts = [f'r"""\n{front}\n# Heading\n\nIntro paragraph of the module.\n"""\n']
    for index in range(sections):
        parts.append(f"\n\n# Note number {index} about the function.\ndef function_{index}():\n"
                     f"    return {index}\n")
    return "".join(parts)


def plant_corpus(root: Path) -> tuple[Path, Plants]:
    """Write the corpus under ``root``; return its mkdocs.yml and what the pages must show."""
    from site_builder.catalog.corpus import load_corpus
    from site_builder.config import SiteConfig

    plants = Plants()
    src, translations, docs = root / "src", root / "translations", root / "docs"
    folder = "grp<svg onload=alert('folder')>"
    # English: the author's own titles and summaries carry payloads too (3 files, a third each).
    english = _chunks(PLAIN, 3)
    files = {
        "pkg/__init__.py": _notes_source("Package " + "".join(english[0]), "Summary " + "".join(english[1]), 4),
        "pkg/mod.py": _notes_source("Module " + "".join(english[2]), "Plain summary", len(HTML_FORMS)),
        # No index page: MkDocs makes the folder a navigation section named after it.
        f"{folder}/leaf.py": _notes_source("Folder page", "About the folder", 1),
        # No front matter and no heading: the title comes from the file name.
        "pkg/we<i>rd\"name'.py": "# A comment with no heading.\nvalue = 1\n",
        # A name that closes a quoted href and adds a handler, wherever it is printed raw.
        "pkg/x\" onmouseover=\"alert('href')\" y=\".py": "# Named to break out of an attribute.\nvalue = 2\n",
        "pkg/readme.md": "---\ntitle: Readme \"<b>x</b>\"\n---\n\n# Readme\n\nSome text.\n",
    }
    for relative, text in files.items():
        path = src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    docs.mkdir(parents=True)
    (docs / "translation-guide.md").write_text("# Guide\n\nThe glossary:\n\n<!-- glossary -->\n",
                                               encoding="utf-8")
    # A translated hand-written page is a translator's Markdown, raw HTML and all.
    # Forms that open an element whose content is raw text (an unclosed <script>...) swallow
    # the rest of a Markdown page, so they go last and only the ones before them must show.
    swallowing = re.compile(r"<(?:script|style|textarea|title|xmp|noscript|noembed|noframes|"
                            r"iframe|plaintext|svg|math|object|select|template|table|form)|<!--|<!\[|"
                            r"<[a-z][^>]*$", re.IGNORECASE)
    forms = sorted(HTML_FORMS, key=lambda form: bool(swallowing.search(form)))
    guide = ["# ガイド\n\n用語集:\n\n<!-- glossary -->\n"]
    for number, form in enumerate(forms):
        guide.append(f"\n段落{number:03d} {form}\n\n{form}\n")
        if not swallowing.search(form):
            plants.expect("ja/translation-guide.html", f"段落{number:03d}")
    (docs / "translation-guide.ja.md").write_text("".join(guide), encoding="utf-8")
    config = SiteConfig.from_mapping({"source_dir": "src", "translations_dir": "translations",
                                      "languages": ["en", "ja"]}, base_dir=root)
    corpus = load_corpus(config, keep_going=True)
    _plant_translations(corpus, translations, plants)
    _plant_glossary(translations, plants)
    for file in corpus.files:
        page = _page_path(file.source.id)
        plants.titles[page] = file.source.front.title
        plants.expect(page, file.source.front.title)
        if file.source.front.summary:
            plants.descriptions[page] = file.source.front.summary
            plants.expect("index.html", file.source.front.summary)
    for page, title in list(plants.titles.items()):
        plants.expect("ja/index.html" if page.startswith("ja/") else "index.html", title)
    config_file = root / "mkdocs.yml"
    config_file.write_text(textwrap.dedent("""\
        site_name: Planted site
        docs_dir: docs
        use_directory_urls: false
        theme:
          name: material
          font: false
          features: [search.highlight, navigation.prune]
          palette:
            - scheme: default
              toggle: {icon: material/weather-night, name: Dark mode}
            - scheme: slate
              toggle: {icon: material/weather-sunny, name: Light mode}
        plugins:
          - search
          - site_builder:
              source_dir: src
              translations_dir: translations
              languages: [en, ja]
        """), encoding="utf-8")
    return config_file, plants


def _page_path(file_id: str, prefix: str = "") -> str:
    folder, _, name = file_id.rpartition("/")
    stem = "index" if name == "__init__" else name
    return prefix + (f"{folder}/" if folder else "") + stem + ".html"


def _plant_translations(corpus, translations: Path, plants: Plants) -> None:
    """Every Japanese value: Japanese text, a canary, a payload (plain ones for plain units)."""
    from site_builder.model import UnitKind
    from site_builder.render.htmltree import visible_text
    from site_builder.render.page import use_translation
    from site_builder.render.sanitize import sanitize_html

    plain_index = html_index = 0
    for file in corpus.files:
        page = _page_path(file.source.id, "ja/")
        values = {}
        for unit in file.units:
            if unit.kind is UnitKind.NOTES:
                payload = HTML_FORMS[html_index % len(HTML_FORMS)]
                html_index += 1
                canary = f"注釈{html_index:03d}"
                # Appended inside the last block, as a careless translator would.
                head, close, tail = unit.key.rstrip("\n").rpartition("</")
                value = (f"{head}{canary} {payload}{close}{tail}\n" if close
                         else f"{unit.key}{canary}{payload}")
                values[unit.key] = value
                # A usable value shows (sanitised) with its canary; any other falls back to
                # the English notes, which must then be there instead.
                usable = use_translation(value, (), sanitize_html)[0] is not None
                plants.expect(page, canary if usable else visible_text(unit.key).strip())
                plants.notes[page] = plants.notes.get(page, 0) + usable
            else:
                chosen = "".join(PLAIN[(plain_index + k) % len(PLAIN)] for k in range(7))
                plain_index += 7
                value = f"日本語の{unit.kind.value} {file.source.id} {chosen}"
                values[unit.key] = value
                if unit.kind is UnitKind.TITLE:
                    plants.titles[page] = value
                    plants.expect(page, value)
                else:
                    plants.descriptions[page] = value
                plants.expect("ja/index.html", value)  # the home page lists titles and summaries
        path = translations / f"{file.source.id}.ja.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=1, sort_keys=True), encoding="utf-8")


def _plant_glossary(translations: Path, plants: Plants) -> None:
    terms = [{"en": f"term{index}", "required": [f"用語{index}{payload}"],
              "wrong": [f"誤訳{index}{payload}"], "note": f"注{index} {payload}"}
             for index, payload in enumerate(PLAIN)]
    translations.mkdir(parents=True, exist_ok=True)
    (translations / "glossary.ja.json").write_text(
        json.dumps({"language": "ja", "terms": terms}, indent=1, ensure_ascii=False), encoding="utf-8")
    for term in terms:
        plants.expect("translation-guide.html", term["note"])
        plants.expect("ja/translation-guide.html", term["note"])


# --- the scanner -------------------------------------------------------------------------------


_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                   "background", "srcset", "cite", "ping"}
_DANGEROUS_URL = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
#: Elements no page of this site has (the theme's and the renderers' output was surveyed).
_FOREIGN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "marquee",
                 "video", "audio", "source", "textarea", "select", "isindex", "keygen", "xss",
                 "style", "noscript", "template", "portal", "plaintext", "xmp", "listing",
                 "noembed", "noframes", "image", "bgsound", "layer", "ilayer"}
# Material's "share search" button is the one javascript: URL the theme writes.
_THEME_JS_URL = ("javascript:void(0)", "search-share")
_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


class _Scanner(HTMLParser):
    def __init__(self, *, fragment: bool, allowed_hashes: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = fragment
        self.allowed_hashes = allowed_hashes
        self.problems: list[str] = []
        self.counts: dict[str, int] = {}
        self._script: tuple[dict[str, str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.counts[tag] = self.counts.get(tag, 0) + 1
        where = f"<{tag} {' '.join(f'{n}={v!r}' for n, v in attrs)[:120]}>"
        if self.fragment and attrs:
            self.problems.append(f"attributes in search text: {where}")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler: {where}")
            elif name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"{name} attribute: {where}")
            elif (name in _URL_ATTRIBUTES and _DANGEROUS_URL.match(_URL_NOISE.sub("", value))
                  and (value, values.get("data-md-component")) != _THEME_JS_URL):
                self.problems.append(f"dangerous URL: {where}")
            if name in ("id", "class", "name") and "sbx" in value:
                self.problems.append(f"injected marker: {where}")
        if tag in _FOREIGN_TAGS:
            self.problems.append(f"foreign element: {where}")
        elif tag == "form" and not (values.get("name") == "search"
                                    or values.get("data-md-component") == "palette"):
            self.problems.append(f"foreign form: {where}")
        elif tag == "meta" and values.get("http-equiv", "Content-Security-Policy") != "Content-Security-Policy":
            self.problems.append(f"foreign meta: {where}")
        elif tag == "link" and (values.get("rel") not in ("stylesheet", "icon", "canonical", "alternate")
                                or ("//" in values.get("href", "").split("?")[0][:8]
                                    and values.get("rel") == "stylesheet")):
            self.problems.append(f"foreign link: {where}")
        if tag == "script":
            self._script = (values, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        attrs, body = self._script
        self._script = None
        self._check_script(attrs, "".join(body))

    def _check_script(self, attrs: dict[str, str], body: str) -> None:
        if self.fragment:
            self.problems.append(f"script in search text: {body[:80]!r}")
        elif set(attrs) == {"src"} or set(attrs) == {"src", "data-sb-scope"}:
            if "://" in attrs["src"] or attrs["src"].startswith("//") or "assets/javascripts/" not in attrs["src"]:
                self.problems.append(f"foreign script src: {attrs['src']!r}")
        elif attrs == {"id": "__config", "type": "application/json"}:
            json.loads(body)  # a data block, never run: it must at least be one value
        elif attrs or script_hash(body) not in self.allowed_hashes:
            self.problems.append(f"inline script not allowed by the page's CSP: {attrs} {body[:80]!r}")


def scan_page(page_html: str) -> list[str]:
    """Everything live or injected in a built page that the theme and renderers did not write."""
    policy = _CSP.search(page_html)
    hashes = set(re.findall(r"'sha256-[^']+'", policy.group(1).replace("&#39;", "'"))) if policy else set()
    scanner = _Scanner(fragment=False, allowed_hashes=hashes)
    scanner.feed(page_html)
    scanner.close()
    problems = list(scanner.problems)
    if policy is None:
        problems.append("no Content-Security-Policy meta")
    for tag in ("html", "head", "body", "title"):
        if scanner.counts.get(tag, 0) > 1:
            problems.append(f"{scanner.counts[tag]} <{tag}> elements")
    return problems


def scan_search_index(path: Path) -> list[str]:
    """Problems in the title and text of every document of a search index."""
    problems = []
    for doc in json.loads(path.read_text(encoding="utf-8"))["docs"]:
        for name in ("title", "text"):
            scanner = _Scanner(fragment=True, allowed_hashes=set())
            scanner.feed(doc[name])
            scanner.close()
            problems += [f"{doc['location']} {name}: {problem}" for problem in scanner.problems]
    return problems


class _Text(HTMLParser):
    """A page's visible text pieces, <title> and meta description, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.description = ""
        self.h1: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "description":
            self.description = values.get("content") or ""
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "script" in self._in or "style" in self._in:
            return
        if "title" in self._in:
            self.title += data
        elif "h1" in self._in:
            self.h1.append(data)
        self.parts.append(data)


def shown(text: str) -> str:
    """Text as a reader sees it: whitespace runs are one space; the zero-width spaces the
    Japanese search segmenter inserts are gone."""
    return " ".join(text.replace("\u200b", "").split())


def page_text(page_html: str) -> _Text:
    reader = _Text()
    reader.feed(page_html)
    reader.close()
    return reader
