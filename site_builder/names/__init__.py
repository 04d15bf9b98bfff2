"""Code navigation: every name in the code -> the section that defines it, across files, and the links of a page."""
