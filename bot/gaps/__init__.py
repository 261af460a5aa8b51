"""The gap log: where workplace tools fall short (private tools in use, needs no tool covers).
Anonymous by design: no record says who reported it."""
