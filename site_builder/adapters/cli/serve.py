"""``site-builder serve``: the site served locally, rebuilt on changes.

Part of the CLI adapter: flags -> SiteConfig -> ``adapters.mkdocs.driver.serve_site`` (which
checks the address is free before building and answers only to its own Host).
"""

from __future__ import annotations

import argparse

from site_builder.adapters.cli.options import Runner, add_site_options, site_source


def add_serve(subparsers: argparse._SubParsersAction) -> tuple[str, Runner]:
    parser = subparsers.add_parser(
        "serve", help="serve the site locally, rebuilding on changes",
        description="Build every language into a temporary folder and serve it. Saving a "
                    "source (.py, .md) or a translation file renders again only the pages it "
                    "affects, in every language; a change to docs/, mkdocs.yml or the set of files "
                    "rebuilds everything. The browser reloads either way.")
    add_site_options(parser)
    parser.add_argument("--dev-addr", "-a", metavar="IP:PORT",
                        help="address to serve on (default: mkdocs.yml's dev_addr, else 127.0.0.1:8000)")
    parser.add_argument("--no-livereload", action="store_true", help="do not watch files or reload")
    return "serve", _run_serve


def _run_serve(args: argparse.Namespace) -> int:
    from site_builder.adapters.mkdocs.driver import serve_site

    config, config_file = site_source(args)
    serve_site(config, config_file, dev_addr=args.dev_addr, livereload=not args.no_livereload,
               site_name=args.site_name)
    return 0
