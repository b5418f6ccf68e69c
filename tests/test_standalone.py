"""The repository stands alone: nothing in it points at a file outside it or at a machine's path.

A user's clone has no sibling research folder and none of our machines' paths, so a citation of
one is a dead end and a hard-coded path a failure on their machine. Facts we rely on live in
`docs/rules.md` (exchange rules) and `docs/ths-facts.md` (the real client), each with its public
source; code cites those pages.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve()

FORBIDDEN = [
    (re.compile(r"\.\./shared\b|\bshared/(?:reference|spec|peerbench|DESIGN)"), "the team's shared folder"),
    (re.compile(r"a-share-rules(?:\.md)?"), "research notes not in the repository (cite docs/rules.md)"),
    (re.compile(r"ths-client-evidence"), "research notes not in the repository (cite docs/ths-facts.md)"),
    (re.compile(r"(?<!docs/)(?<!\")ths-client\.md"), "the old research note (cite docs/ths-facts.md)"),
    (re.compile(r"(?<![\w.])/(?:work|home|root|Users)/\w"), "an absolute path of some machine"),
    (re.compile(r"(?<![\w.])/tmp/\w"), "an absolute temporary path"),
    (re.compile(r"\b[A-Z]:\\\\?Users\\"), "a Windows user folder"),
]
SKIP_SUFFIXES = {".png", ".jpg", ".ico", ".woff2", ".lock", ".db"}


SKIP_DIRS = {".git", "site", "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache", ".mypy_cache", "artifacts"}


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(part in SKIP_DIRS or part.startswith(".venv") for part in parts)


def _tracked() -> list[Path]:
    """The repository's files: git's list in a checkout; in an exported copy (a zip), the tree
    without virtual environments and build output."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return [p for p in ROOT.rglob("*") if p.is_file() and not _skipped(p.relative_to(ROOT).parts)]
    return [ROOT / p for p in out.splitlines() if p]


def _is_docs(path: Path) -> bool:
    """Inside the docs site `ths-client.md` is our own user page, not the old note."""
    rel = path.relative_to(ROOT).as_posix()
    return rel.startswith("docs/") or rel == "mkdocs.yml"


def test_no_reference_outside_the_repository() -> None:
    hits = []
    for path in _tracked():
        if path == THIS or path.suffix in SKIP_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for pattern, why in FORBIDDEN:
                if pattern.search(line) and not (why.startswith("the old research") and _is_docs(path)):
                    hits.append(f"{path.relative_to(ROOT)}:{n}: {why}: {line.strip()[:120]}")
    assert not hits, "\n".join(hits)


def test_cited_docs_anchors_exist() -> None:
    """`docs/<page>.md#anchor` in code must name a heading anchor that the page declares."""
    cite = re.compile(r"docs/(rules|ths-facts)\.md#([a-z0-9-]+)")
    anchors = {
        page: set(re.findall(r"\{#([a-z0-9-]+)\}", (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")))
        for page in ("rules", "ths-facts")
    }
    missing = []
    for path in _tracked():
        if path.suffix not in {".py", ".md", ".csv", ".toml"} or not path.is_file():
            continue
        for page, anchor in cite.findall(path.read_text(encoding="utf-8")):
            if anchor not in anchors[page]:
                missing.append(f"{path.relative_to(ROOT)}: docs/{page}.md#{anchor}")
    assert not missing, "\n".join(missing)
