"""``python -m site_builder.adapters.cli``: the same as the ``site-builder`` command."""

import sys

from site_builder.adapters.cli import main

sys.exit(main())
