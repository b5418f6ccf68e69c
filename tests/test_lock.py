"""The dependency lock is whole, consistent, and what this environment runs.

A user's install and CI use `pip install -c requirements.lock`, exported from the universal
`uv.lock`; if the two drift apart, or a dependency is added to pyproject.toml without relocking,
a release elsewhere can again break a fresh clone. `EASYTHS_UNLOCKED=1` skips only the check of
installed versions, for the README's run against the newest releases.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*(.+))?$")


def _exported() -> dict[str, tuple[str, Marker | None]]:
    pins: dict[str, tuple[str, Marker | None]] = {}
    for raw in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, f"requirements.lock: unexpected line {raw!r}"
        name, version, marker = m.groups()
        pins[canonicalize_name(name)] = (version, Marker(marker) if marker else None)
    return pins


def _universal() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return {
        canonicalize_name(p["name"]): p["version"] for p in lock["package"] if p["name"] != "easyths" and "version" in p
    }


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def test_export_matches_universal_lock() -> None:
    exported, universal = _exported(), _universal()
    assert {n: v for n, (v, _) in exported.items()} == universal


def test_lock_covers_windows_backend() -> None:
    """A lock compiled on Linux alone would miss these; the THS backend needs them on Windows
    (pillow: without it pywinauto's capture_as_image() returns None and no captcha can be read)."""
    exported = _exported()
    for name in ("pywinauto", "pywin32", "comtypes", "pillow"):
        assert name in exported, name
        marker = exported[name][1]
        assert marker is not None and marker.evaluate({"sys_platform": "win32", "platform_system": "Windows"})


def test_every_declared_dependency_is_locked_within_its_range() -> None:
    exported = _exported()
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in exported, f"{req.name} is in pyproject.toml but not in the lock: relock (README)"
        version = Version(exported[name][0])
        assert req.specifier.contains(version, prereleases=True), f"{req.name} {version} outside {req.specifier}"


def test_runtime_dependencies_have_upper_bounds() -> None:
    """A major release of any of these changes the contract under us; ranges stop below it.

    tzdata is exempt: its versions are IANA release years and a new one is only newer data.
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for raw in project["dependencies"]:
        req = Requirement(raw)
        if req.name == "tzdata":
            continue
        assert any(s.operator in ("<", "==", "~=") for s in req.specifier), f"{req.name} has no upper bound"


@pytest.mark.skipif(os.environ.get("EASYTHS_UNLOCKED") == "1", reason="running against the newest releases on purpose")
def test_environment_runs_the_locked_versions() -> None:
    wrong = {}
    for name, (version, marker) in _exported().items():
        if marker is not None and not marker.evaluate():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = (version, None)
            continue
        if Version(installed) != Version(version):
            wrong[name] = (version, installed)
    assert not wrong, f"installed versions differ from requirements.lock (locked, installed): {wrong}"
