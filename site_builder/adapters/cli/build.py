"""``site-builder build``: the site in every language, through MkDocs and Material.

Part of the CLI adapter: flags -> SiteConfig -> ``adapters.mkdocs.driver.build_site``. MkDocs is
imported when the command runs, so the other commands do not pay for loading it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from site_builder.adapters.cli.options import (
    Runner,
    add_jobs_option,
    add_site_options,
    jobs,
    site_source,
)


def add_build(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "build", help="build the site in every language",
        description="Build the side-by-side site with MkDocs and Material: English at /, every "
                    "other language under /<code>/. Uses mkdocs.yml when it exists, else a default "
                    "config (then pass --source and --translations).")
    add_site_options(parser)
    parser.add_argument("--site-dir", type=Path,
                        help="output folder (default: mkdocs.yml's site_dir, else ./site)")
    parser.add_argument("--site-url", metavar="URL",
                        help="where the site will be served (default: mkdocs.yml's site_url); "
                             "canonical and hreflang links are made from it")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on any warning: an unreadable translation file, a translated "
                             "value shown in English, math that did not convert")
    add_jobs_option(parser)
    return "build", _run_build


def _run_build(args: argparse.Namespace) -> int:
    from site_builder.adapters.mkdocs.driver import build_site

    config, config_file = site_source(args)
    site_dir = build_site(config, config_file, site_dir=args.site_dir, strict=args.strict,
                          site_url=args.site_url, site_name=args.site_name, jobs=jobs(args))
    print(f"built {', '.join(config.languages)} into {site_dir}")
    return 0
