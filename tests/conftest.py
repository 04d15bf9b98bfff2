"""Fixtures shared by every test module.

* ``write_corpus(tmp_path, {"pkg/mod.py": "..."})`` writes small source trees (the idea of
  MkDocs' ``@tempdir(files=...)``): it returns the root, so a test reads as its input.
* ``seed_path``: the seed translation cache the project started from (``SEED_PATH``, the one
  place it is named).
* ``seed_project(root, edited=False)``: a project under ``root`` whose one source renders exactly
  the seed's keys, with the seed as its Japanese cache; ``edited=True`` rewrites the English of
  its first paragraph, which orphans one translation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from corpus_files import write_corpus

from site_builder.catalog.store import catalog_path
from site_builder.config import SiteConfig

#: The seed: a byte-identical copy of ``shared/seed/capsule_networks.__init__.ja.json``, kept with
#: the tests so that they read no file outside the repository.
SEED_PATH = Path(__file__).parent / "data" / "seed_capsule_networks.__init__.ja.json"


@pytest.fixture(name="write_corpus")
def write_corpus_fixture() -> Callable[..., Path]:
    """The :func:`write_corpus` helper, as a fixture."""
    return write_corpus


@pytest.fixture
def seed_path() -> Path:
    """Path of the seed cache (``capsule_networks/__init__`` in Japanese)."""
    return SEED_PATH


# The source whose keys are the seed's: the public tutorial's first page, up to its first code.
SEED_SOURCE = '''"""
---
title: Capsule Networks
summary: PyTorch implementation and tutorial of Capsule Networks.
---

# [Capsule Networks](https://nn.labml.ai/capsule_networks/index.html)

This is a [PyTorch](https://pytorch.org) implementation/tutorial of
[Dynamic Routing Between Capsules](https://arxiv.org/abs/1710.09829).

{first}

Unlike in other implementations of models, we've included a sample, because
it is difficult to understand some concepts with just the modules.
[This is the annotated code for a model that uses capsules to classify MNIST dataset](mnist.html)

This file holds the implementations of the core modules of Capsule Networks.

I used [jindongwang/Pytorch-CapsuleNet](https://github.com/jindongwang/Pytorch-CapsuleNet) to
clarify some confusions I had with the paper.

Here's a notebook for training a Capsule Network on MNIST dataset.

[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/labmlai/annotated_deep_learning_paper_implementations/blob/master/labml_nn/capsule_networks/mnist.ipynb)
"""

import torch
'''
SEED_FIRST = ("Capsule network is a neural network architecture that embeds features as capsules "
              "and routes them\nwith a voting mechanism to next layer of capsules.")


def make_seed_project(root: Path, *, edited: bool = False) -> SiteConfig:
    """A project whose source renders exactly the seed cache's keys (see ``seed_project``).

    Called again on the same ``root``, it rewrites the source and keeps the cache as it is.
    """
    first = SEED_FIRST.replace("Capsule network is", "A capsule network is") if edited else SEED_FIRST
    source = root / "src" / "capsule_networks" / "__init__.py"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(SEED_SOURCE.replace("{first}", first), encoding="utf-8")
    cache = catalog_path(root / "translations", "capsule_networks/__init__", "ja")
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(SEED_PATH.read_bytes())
    return SiteConfig(source_dir=root / "src", translations_dir=root / "translations", languages=("en", "ja"))


@pytest.fixture(name="seed_project")
def seed_project_fixture() -> Callable[..., SiteConfig]:
    """The :func:`make_seed_project` helper, as a fixture."""
    return make_seed_project
