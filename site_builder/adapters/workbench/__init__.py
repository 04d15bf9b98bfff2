"""The translators' workbench as a local HTTP server (``site-builder translate``): a third way in,
over translators.workbench."""
