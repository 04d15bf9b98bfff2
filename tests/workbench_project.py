"""A small translated project for the workbench tests (API over HTTP and in Chromium)."""

from __future__ import annotations

from pathlib import Path

from corpus_files import write_corpus

from site_builder.catalog.corpus import load_corpus
from site_builder.catalog.store import catalog_path, fuzzy_path, save_catalog, save_suggestions
from site_builder.config import SiteConfig
from site_builder.model import Suggestion

SOURCES = {
    "src/capsnet/__init__.py": '''\
        """
        ---
        title: Capsule Networks
        ---

        # Capsule Networks

        This is a [PyTorch](https://pytorch.org) implementation of
        [Dynamic Routing Between Capsules](https://arxiv.org/abs/1710.09829).
        """


        # The squash function $\\|\\mathbf{s}_j\\|$ shrinks the vector `s` along its last dimension.
        def squash(s):
            return s


        # Create experiment
        def main():
            pass
        ''',
    "src/capsnet/train.py": '''\
        """
        ---
        title: Training
        ---

        # Training
        """


        # Create experiment
        def main():
            pass


        # The squash function $\\|\\mathbf{s}_j\\|$ shrinks the vector `x` along its last axis.
        def squash(x):
            return x
        ''',
    "translations/glossary.ja.json": '{"terms": [{"en": "capsule", "required": ["カプセル"]}]}',
}
P = "<span translate=no>_^_{}_^_</span>"


def keys_of(config: SiteConfig) -> dict[str, list[str]]:
    return {f.source.id: [u.key for u in f.units] for f in load_corpus(config).files}


def make_project(root: Path) -> SiteConfig:
    """Two files sharing a note; train is translated, __init__ has a title only and a fuzzy suggestion."""
    write_corpus(root, SOURCES)
    config = SiteConfig(source_dir=root / "src", translations_dir=root / "translations", languages=("en", "ja"))
    keys = keys_of(config)
    squash = f"<p>スカッシュ関数 {P.format(0)} はベクトル {P.format(1)} を最後の軸に沿って縮める</p>\n"
    # The source's first four units, in order (the source has exactly these).
    values = ["訓練", "<h1>訓練</h1>\n", "<p>実験を作成する</p>\n", squash]
    train = dict(zip(keys["capsnet/train"], values, strict=True))
    save_catalog(catalog_path(config.translations_dir, "capsnet/train", "ja"), train)
    init = catalog_path(config.translations_dir, "capsnet/__init__", "ja")
    save_catalog(init, {"Capsule Networks": "カプセルネットワーク"})
    save_suggestions(fuzzy_path(init), {keys["capsnet/__init__"][1]: Suggestion(
        previous="<h1>Capsule Networks</h1>\n<p>Old text</p>\n",
        translation="<h1>カプセルネットワーク</h1>\n<p>古い</p>\n",
        score=0.8)})
    return config
