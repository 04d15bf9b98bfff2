"""The translators' workbench: ``site-builder translate`` (a local editor, its JSON API and translation memory) and ``check --fix``."""
