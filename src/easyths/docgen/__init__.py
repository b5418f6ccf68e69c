"""Pages of the documentation site that are generated from the code, so they cannot drift.

Why in the package rather than beside the Markdown: the mkdocs hook (`docgen/hook.py`) and the
tests that check the built site import the same functions, and the generators read the real
models (settings, operation params, error tree) rather than copies of them.
"""
