"""The documentation site: builds strictly and offline, and its generated pages match the code."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from easyths.docgen.config import walk_settings
from easyths.docgen.examples import OPERATIONS
from easyths.docgen.operations import field_problems, run_all, sim_client
from easyths.operations.registry import BUILTIN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("EASYTHS_") and k != "API_KEY"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"mkdocs build --strict 失败:\n{proc.stdout}\n{proc.stderr}"
    return out


def _row(page: str, anchor: str) -> str:
    match = re.search(r"<tr>(?:(?!</tr>).)*id=\"" + re.escape(anchor) + r"\"(?:(?!</tr>).)*</tr>", page, re.DOTALL)
    assert match, f"配置页缺少 {anchor}"
    return match.group(0)


def _nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s+- [^:]+: (\S+)\.md\s*$", text, re.MULTILINE)


def test_the_site_builds_strictly_with_every_page_of_the_nav(site: Path) -> None:
    pages = _nav_pages()
    assert {"index", "quickstart", "configuration", "operations", "errors", "sim", "ths-client", "migration",
            "performance", "faq"} <= set(pages)  # fmt: skip
    for page in pages:
        assert (site / f"{page}.html").is_file(), page


def test_the_configuration_page_lists_every_setting_with_its_description(site: Path) -> None:
    page = (site / "configuration.html").read_text(encoding="utf-8")
    for doc in walk_settings():
        row = _row(page, doc.dotted)
        assert doc.description, f"{doc.dotted} 没有说明"
        text = html.unescape(re.sub(r"<[^>]+>", "", row))
        assert doc.description in text, f"{doc.dotted} 的说明不在配置页上"
        for env in doc.env:
            assert env in text, f"{doc.dotted} 的环境变量 {env} 不在配置页上"


def test_every_builtin_operation_is_documented_on_the_reference_page(site: Path) -> None:
    page = (site / "operations.html").read_text(encoding="utf-8")
    assert set(BUILTIN) <= set(OPERATIONS), f"缺少文档的内置操作：{sorted(set(BUILTIN) - set(OPERATIONS))}"
    for name in BUILTIN:
        assert f'id="{name}"' in page, name


def test_every_example_runs_on_the_sim_and_returns_the_documented_fields() -> None:
    with sim_client() as client:
        runs = run_all(client)
    assert sum(len(r) for r in runs.values()) >= len(BUILTIN)
    problems = [p for rs in runs.values() for r in rs for p in field_problems(r, OPERATIONS[r.operation])]
    assert not problems, "\n".join(problems)


# Attributes and CSS that make a browser fetch something: none may point at another host.
_FETCHES = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster)\s*=\s*["']|url\(\s*["']?|@import\s+["'])"""
    r"""\s*((?:https?:)?//[^"')\s]+)"""
)

_LOCAL = re.compile(r"(?:https?:)?//(?:127\.0\.0\.1|localhost)(?::\d+)?(?:/|$)")  # the reader's own service


def test_the_built_site_references_no_outside_host(site: Path) -> None:
    found: list[str] = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css"):
            urls = _FETCHES.findall(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(site)}: {url}" for url in urls if not _LOCAL.match(url)]
    assert not found, "\n".join(found)
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # Material's bundle fetches from a CDN only for mermaid diagrams, and from GitHub only with repo_url.
        assert "mermaid" not in text and "md-source" not in text, path


def test_the_readme_points_to_the_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "easyths docs" in readme and "docs/" in readme
