"""site_builder: side-by-side, multilingual documentation sites for annotated Python."""

__version__ = "0.1.0"
