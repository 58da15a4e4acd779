"""Django's SQLite backend with write transactions served in turn (see `base`)."""
