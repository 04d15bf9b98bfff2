"""Translation catalogs: sections -> units with keys, cache files <-> catalogs, lookup, and the whole corpus."""
