"""The `capsnet-train` and `capsnet-eval` commands, which must start without PyTorch.

Entry points: they check that the `capsnet` extra (PyTorch, NumPy, tqdm, mlxtend, Pillow) is
installed, then hand the arguments to `capsule_networks.train.main` or
`capsule_networks.evaluate.main`. Without the extra they print one line saying how to get it
and exit with status 2, instead of an ImportError traceback. This module lives outside
`capsule_networks` because importing anything in that package imports PyTorch first (its
`__init__` is the model); it must not import any of the extra's modules itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

#: The `capsnet` extra of pyproject.toml: import name -> the distribution that provides it.
CAPSNET_MODULES = {"torch": "torch", "numpy": "numpy", "tqdm": "tqdm", "mlxtend": "mlxtend",
                   "PIL": "Pillow"}
INSTALL_HINT = "pip install 'annotated-site-builder[capsnet]'"
#: Exit status for "cannot run here", as argparse uses for a bad command line.
EXIT_MISSING = 2


def missing_distributions() -> list[str]:
    """The extra's distributions whose module cannot be imported, found without importing it."""
    return [dist for name, dist in CAPSNET_MODULES.items() if importlib.util.find_spec(name) is None]


def _run(command: str, module: str, argv: list[str] | None) -> int:
    missing = missing_distributions()
    if missing:
        print(f"{command}: the capsule network needs the 'capsnet' extra (missing: "
              f"{', '.join(missing)}); install it with: {INSTALL_HINT}", file=sys.stderr)
        return EXIT_MISSING
    return importlib.import_module(module).main(argv)


def train(argv: list[str] | None = None) -> int:
    """`capsnet-train`: see capsule_networks/train.py."""
    return _run("capsnet-train", "capsule_networks.train", argv)


def evaluate(argv: list[str] | None = None) -> int:
    """`capsnet-eval`: see capsule_networks/evaluate.py."""
    return _run("capsnet-eval", "capsule_networks.evaluate", argv)
