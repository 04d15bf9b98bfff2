"""The translators' workbench without HTTP: the session over a corpus (units, saves, checks) and the
translation memory; served by adapters.workbench."""
