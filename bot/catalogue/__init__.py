"""The tool catalogue: its tables, file format, import/export, in-memory snapshot, recognition and search."""
