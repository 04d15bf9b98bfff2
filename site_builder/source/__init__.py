"""Sources: find the project's files, decode them as Python does, and cut them into sections with stable ids."""
