"""site/audit.py: every broken link, missing image and blocked resource is named with file and line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.adapters.cli import main
from site_builder.catalog.corpus import load_corpus
from site_builder.config import SiteConfig
from site_builder.site.audit import site_findings
from site_builder.site.plan import plan_site

MODULE = '''\
    """
    ---
    title: Routing
    ---

    # Routing

    See [the model](model.py), [its squash](model.py#squash) and [Router](#Router).
    A [missing page](nowhere.py) and [a missing section](model.py#no-such-section).

    ![Digits](digits.png)
    ![Lost](lost.png)
    ![Remote](https://images.example.com/capsule.png)
    """


    # The [router](#Router) itself: `[not a link](gone.py)` is code.
    class Router:
        """Routes by agreement."""
    '''

MODEL = '''\
    """# Model"""


    # ## Squash
    def squash(x):
        return x
    '''

GUIDE = """\
# Guide

A [source](../src/pkg/routing.py) is not linked so; a [page](pkg/routing.md#router) is.

![Missing](pictures/missing.png)

<script src="https://cdn.example.net/lib.js"></script>

```markdown
![In a code block](not-checked.png)
```
"""

MKDOCS_YML = """site_name: Test site
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - site_builder:
      source_dir: src
      translations_dir: translations
      languages: [en]
"""


@pytest.fixture
def project(tmp_path, write_corpus) -> Path:
    write_corpus(tmp_path, {"src/pkg/routing.py": MODULE, "src/pkg/model.py": MODEL, "docs/guide.md": GUIDE,
                            "mkdocs.yml": MKDOCS_YML})
    (tmp_path / "src/pkg/digits.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def _findings(project: Path):
    config = SiteConfig(source_dir=project / "src", translations_dir=project / "translations", languages=("en",))
    corpus = load_corpus(config)
    docs = [(project / "docs/guide.md", "guide.md", (project / "docs/guide.md").read_text(encoding="utf-8"))]
    plan = plan_site(config, [file.source for file in corpus.files], ["guide.md"])
    return site_findings(plan, corpus, docs, exists=Path.exists,
                         read_text=lambda path: path.read_text(encoding="utf-8"))


def test_each_broken_thing_is_named_with_its_file_line_and_what_to_do(project):
    found = {(f.file.name, f.line, f.check) for f in _findings(project)}
    assert found == {
        ("routing.py", 9, "broken-link"),        # nowhere.py
        ("routing.py", 9, "broken-anchor"),      # model.py#no-such-section
        ("routing.py", 12, "missing-image"),     # lost.png
        ("routing.py", 13, "blocked-resource"),  # an image on another host
        ("guide.md", 3, "broken-link"),          # outside the docs folder
        ("guide.md", 5, "missing-image"),
        ("guide.md", 7, "blocked-resource"),     # a script on another host
    }
    blocked = next(f for f in _findings(project) if f.check == "blocked-resource" and f.file.name == "routing.py")
    assert "img-src 'self' data:" in blocked.message and "relative path" in blocked.message


def test_links_that_work_are_not_reported(project):
    messages = " ".join(f.message for f in _findings(project))
    assert "'model.py'" not in messages and "#Router" not in messages and "digits.png" not in messages
    assert "gone.py" not in messages and "not-checked.png" not in messages


@pytest.mark.slow
def test_the_build_warns_strict_fails_and_check_reports_them(project, monkeypatch, capsys):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"WARNING.*src/pkg/routing\.py:12: the image 'lost\.png' does not exist", result.stderr)
    assert re.search(r"WARNING.*src/pkg/routing\.py:13: 'https://images\.example\.com/capsule\.png' is on "
                     r"another host", result.stderr)
    assert re.search(r"WARNING.*docs/guide\.md:5: the image 'pictures/missing\.png'", result.stderr)
    strict = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=project)
    assert strict.returncode != 0
    monkeypatch.chdir(project)
    assert main(["build", "--strict"]) == 1
    capsys.readouterr()
    main(["check", "--format", "json"])
    reported = {(Path(item["file"]).name, item["line"], item["check"]) for item in json.loads(capsys.readouterr().out)}
    assert ("routing.py", 9, "broken-link") in reported and ("guide.md", 7, "blocked-resource") in reported
