"""Pure domain rules: no I/O, usable from every layer."""
