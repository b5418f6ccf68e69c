"""`python -m easyths`: the same command as `easyths`, for when the Scripts folder is not on PATH
(a python.org install without "Add to PATH", or a virtual environment that is not activated)."""

from easyths.cli.main import run

if __name__ == "__main__":
    run()
