"""Tests of the annotated capsule network (src/capsule_networks); skipped without the capsnet extra."""
