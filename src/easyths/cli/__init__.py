"""The `easyths` command line."""
