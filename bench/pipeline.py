"""Pipeline benchmark: our whole source -> HTML pipeline in three languages against Pycco 0.6 in English.

A synthetic corpus of annotated modules (``--modules``, default 220) is generated into a
temporary folder, in the style of the annotated paper implementations: a module docstring
with front matter and math, classes and defs with docstrings, comment runs with inline math
and code, lists and links. Caches for two target languages (ja, zh) are written with most
units translated, a few missing and a few orphans; English needs no cache.

Timed, ours: ``load_corpus`` (find, parse, split into units, load caches, look up) and then one
page per module and language (en, ja, zh) through ``site_builder.render.page.build_page`` and
``page_html``, each page's HTML written to a file (MkDocs' theme around it is not included).

Timed, Pycco: ``pycco.main.process`` called in-process on the same module files, English only,
writing its HTML files. In-process is the fair choice: its CLI would add an interpreter start
and imports that our side does not pay. Pycco does not render math (it leaves ``$...$`` as
text), does not translate, and builds a new Markdown instance per section; we render math to
MathML and do three languages, so the ratio is per whole job, not per unit of equal work.

Run: ``python bench/pipeline.py [--modules N] [--keep DIR]``. The last line printed is one
JSON object: {"ours_s", "pycco_s", "ratio", "modules", "languages", "units", "units_per_s"}.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from site_builder.catalog.corpus import Corpus, load_corpus
from site_builder.catalog.store import catalog_path, save_catalog
from site_builder.config import SiteConfig
from site_builder.model import UnitResult, UnitState
from site_builder.render.layout import page_html
from site_builder.render.page import build_page, default_renderers
from site_builder.render.placeholders import find_placeholders

TARGET_LANGUAGES = ("ja", "zh")
LANGUAGES = ("en", *TARGET_LANGUAGES)

# --- synthetic corpus ---------------------------------------------------------------------------

_MODULE_DOC = '''"""
---
title: {title}
summary: >
  A synthetic annotated implementation number {n}, with routing by agreement and a margin loss.
---

# {title}

This is a [PyTorch](https://pytorch.org) implementation of *{title}*, following
[the paper](https://arxiv.org/abs/1710.{n:05d}). Each capsule outputs a vector
$\\mathbf{{v}}_j$ whose length is the probability that an entity exists.

$$\\mathbf{{s}}_j = \\sum_i c_{{ij}} \\hat{{\\mathbf{{u}}}}_{{j|i}}$$

* The coupling coefficients $c_{{ij}}$ sum to one over the outputs
* Routing runs for `n_iterations` steps; see [the training code](mnist.html)
* Squashing keeps short vectors near $0$ and long ones near $1$
"""

import torch
from torch import nn
'''

_CLASS = '''

class {name}(nn.Module):
    r"""
    ## {heading}

    This is **{heading_lower}** from the paper, Eq. ({eq}).

    $$\\mathbf{{v}}_j = \\frac{{{{\\lVert \\mathbf{{s}}_j \\rVert}}^2}}{{1 + {{\\lVert \\mathbf{{s}}_j \\rVert}}^2}}
     \\frac{{\\mathbf{{s}}_j}}{{\\lVert \\mathbf{{s}}_j \\rVert}}$$

    The input `s` has shape `[batch_size, n_capsules, n_features]`.
    """

    def __init__(self, in_caps: int, out_caps: int, iterations: int = {iters}):
        """
        * `in_caps` is the number of input capsules
        * `out_caps` is the number of output capsules
        * `iterations` is the number of routing iterations
        """
        super().__init__()
        self.iterations = iterations
        # A small constant $\\epsilon$ keeps the norm from dividing by zero
        self.epsilon = 1e-8
        # Weights $\\mathbf{{W}}_{{ij}}$ for each pair of input and output capsules
        self.weight = nn.Parameter(torch.randn(in_caps, out_caps, {dim}, {dim}))

    def squash(self, s: torch.Tensor):
        """
        The shape of `s` is `[batch_size, n_capsules, n_features]`
        """
        # ${{\\lVert \\mathbf{{s}}_j \\rVert}}^2$
        s2 = (s ** 2).sum(dim=-1, keepdims=True)
        # We add an epsilon when calculating $\\lVert \\mathbf{{s}}_j \\rVert$ to make sure it
        # doesn't become zero. If this becomes zero it starts giving out `nan` values and
        # training fails.
        #
        # $$\\mathbf{{v}}_j = \\frac{{{{\\lVert \\mathbf{{s}}_j \\rVert}}^2}}{{1 + s2}} \\frac{{\\mathbf{{s}}_j}}{{\\sqrt{{s2 + \\epsilon}}}}$$
        return (s2 / (1 + s2)) * (s / torch.sqrt(s2 + self.epsilon))

    def forward(self, u: torch.Tensor):
        """
        `u` is the input capsules, of shape `[batch_size, n_capsules, n_features]`.
        Returns the output capsules.
        """

        # $$\\hat{{\\mathbf{{u}}}}_{{j|i}} = \\mathbf{{W}}_{{ij}} \\mathbf{{u}}_i$$
        u_hat = torch.einsum('ijnm,bin->bijm', self.weight, u)

        # Initial logits $b_{{ij}}$ are zero
        b = u.new_zeros(u.shape[0], u_hat.shape[1], u_hat.shape[2])

        v = None
        # Iterate
        for _ in range(self.iterations):
            # Routing softmax $$c_{{ij}} = \\frac{{\\exp(b_{{ij}})}}{{\\sum_k \\exp(b_{{ik}})}}$$
            c = b.softmax(dim=-1)  # over the outputs, as in Eq. (3)
            # $$\\mathbf{{s}}_j = \\sum_i c_{{ij}} \\hat{{\\mathbf{{u}}}}_{{j|i}}$$
            s = torch.einsum('bij,bijm->bjm', c, u_hat)
            # $$\\mathbf{{v}}_j = squash(\\mathbf{{s}}_j)$$
            v = self.squash(s)
            # $$a_{{ij}} = \\mathbf{{v}}_j \\cdot \\hat{{\\mathbf{{u}}}}_{{j|i}}$$
            a = torch.einsum('bjm,bijm->bij', v, u_hat)
            # $$b_{{ij}} \\gets b_{{ij}} + a_{{ij}}$$
            b = b + a

        return v
'''

_FUNCTION = '''

def margin_loss_{n}(v: torch.Tensor, labels: torch.Tensor, m_pos: float = 0.9, m_neg: float = 0.1):
    r"""
    ## Margin loss

    $$\\mathcal{{L}}_k = T_k \\max(0, m^{{+}} - \\lVert\\mathbf{{v}}_k\\rVert)^2 +
    \\lambda (1 - T_k) \\max(0, \\lVert\\mathbf{{v}}_k\\rVert - m^{{-}})^2$$

    Both hinges are squared; see the [discussion](https://example.org/loss/{n}).
    """
    # Lengths $\\lVert\\mathbf{{v}}_k\\rVert$, of shape `[batch_size, n_labels]`
    lengths = v.norm(dim=-1)
    # $T_k$ as a one-hot matrix
    t = torch.eye(v.shape[1], device=v.device)[labels]
    loss = t * torch.relu(m_pos - lengths) ** 2 + 0.5 * (1 - t) * torch.relu(lengths - m_neg) ** 2
    return loss.sum(dim=-1).mean()
'''


def module_source(n: int, rng: random.Random) -> str:
    """One synthetic annotated module: 1-3 capsule classes and sometimes a loss function."""
    title = f"Capsule Layer {n}"
    parts = [_MODULE_DOC.format(title=title, n=n)]
    for k in range(rng.randint(1, 3)):
        heading = rng.choice(["Squash", "Routing", "Primary capsules", "Digit capsules"])
        parts.append(_CLASS.format(name=f"Layer{n}x{k}", heading=heading, heading_lower=heading.lower(),
                                   eq=rng.randint(1, 9), iters=rng.randint(2, 5), dim=rng.choice([8, 16])))
    if rng.random() < 0.6:
        parts.append(_FUNCTION.format(n=n))
    return "".join(parts)


def write_sources(source_dir: Path, modules: int, seed: int = 1) -> list[Path]:
    """Write ``modules`` modules, ten to a package, and return their paths."""
    rng = random.Random(seed)
    paths = []
    for n in range(modules):
        path = source_dir / f"pkg{n // 10:02d}" / f"module_{n:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module_source(n, rng), encoding="utf-8")
        paths.append(path)
    return paths


def fake_translation(key: str, lang: str) -> str:
    """A stand-in translation that keeps every placeholder, as a real one must."""
    return key.replace(">", f">[{lang}] ", 1) if key.startswith("<") else f"[{lang}] {key}"


def write_caches(config: SiteConfig, seed: int = 2) -> None:
    """Caches for each target language: ~92% of units translated, some orphans (not timed)."""
    rng = random.Random(seed)
    corpus = load_corpus(config, TARGET_LANGUAGES)
    for file in corpus.files:
        for lang in TARGET_LANGUAGES:
            entries = {unit.key: fake_translation(unit.key, lang)
                       for unit in file.units if rng.random() < 0.92}
            if rng.random() < 0.1:
                entries["<p>An old paragraph nobody uses any more.</p>\n"] = "<p>[old]</p>\n"
            save_catalog(catalog_path(config.translations_dir, file.source.id, lang), entries)


# --- our pipeline -------------------------------------------------------------------------------


def english_results(units) -> list[UnitResult]:
    """English pages show the source notes: every unit 'translated' to its own key."""
    return [UnitResult(unit=u, state=UnitState.TRANSLATED, text=u.key, matched_key=u.key) for u in units]


def page_writer():
    """The page stage (build_page + page_html, with the default renderers): returns (name, fn)."""
    renderers = default_renderers()

    def write_page(source, results, lang: str) -> str:
        return page_html(build_page(source, results, lang, renderers=renderers), source.kind)

    return "site_builder.render.page.build_page + page_html (math, highlighting, sanitizing)", write_page


def run_ours(config: SiteConfig, out_dir: Path, write_page) -> tuple[float, float, Corpus]:
    """Time the whole pipeline for en + targets; returns total seconds, load_corpus seconds, corpus."""
    start = time.perf_counter()
    corpus = load_corpus(config, TARGET_LANGUAGES)
    loaded = time.perf_counter()
    for file in corpus.files:
        pages = {"en": write_page(file.source, english_results(file.units), "en")}
        for lang, translation in file.translations.items():
            pages[lang] = write_page(file.source, translation.results, lang)
        for lang, body in pages.items():
            target = out_dir / lang / f"{file.source.id}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"<!doctype html><title>{html.escape(file.source.front.title)}</title>{body}",
                              encoding="utf-8")
    return time.perf_counter() - start, loaded - start, corpus


def run_pycco(sources: list[Path], out_dir: Path) -> float:
    """Time Pycco 0.6 on the same files, English only, in-process (its per-file log muted)."""
    from pycco.main import process

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        process([str(p) for p in sources], outdir=str(out_dir), preserve_paths=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=220, help="synthetic modules to generate")
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it (default: a temp dir)")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    try:
        config = SiteConfig(source_dir=work / "src", translations_dir=work / "translations",
                            languages=LANGUAGES, include=("**/*.py",))
        sources = write_sources(config.source_dir, args.modules)
        write_caches(config)
        stage, write_page = page_writer()
        # Pycco first, then ours: both read files the OS has just cached, so neither pays cold I/O.
        pycco_s = run_pycco(sources, work / "out-pycco")
        ours_s, load_s, corpus = run_ours(config, work / "out-ours", write_page)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    units = sum(len(file.units) for file in corpus.files)
    placeholders = sum(len(find_placeholders(u.key)) for f in corpus.files for u in f.units)
    translated = sum(r.state is UnitState.TRANSLATED for f in corpus.files
                     for t in f.translations.values() for r in t.results)
    pages_units = units * len(LANGUAGES)
    print(f"corpus: {args.modules} modules, {units} units per language, {placeholders} placeholders, "
          f"{translated} of {units * len(TARGET_LANGUAGES)} target units translated")
    print(f"page stage: {stage}")
    print(f"ours : {ours_s:8.3f} s  for {len(LANGUAGES)} languages  "
          f"({pages_units / ours_s:,.0f} units/s over all pages)\n"
          f"       of which load_corpus (parse, units, caches, lookup) {load_s:.3f} s, "
          f"pages {ours_s - load_s:.3f} s")
    print(f"pycco: {pycco_s:8.3f} s  for English only      ({units / pycco_s:,.0f} units/s)")
    print(json.dumps({"ours_s": round(ours_s, 4), "pycco_s": round(pycco_s, 4),
                      "ratio": round(ours_s / pycco_s, 3), "modules": args.modules,
                      "languages": len(LANGUAGES), "units": pages_units,
                      "units_per_s": round(pages_units / ours_s, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
