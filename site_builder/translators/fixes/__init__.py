"""``check --fix``: mend what is mechanical in translated values (values) and apply it to cache files (files)."""
