"""The published 2.0.7 `TradeClient`, fetched from PyPI at test time and imported from its wheel.

Why not a dependency: the 2.x distribution is also called `easyths`, so installing it would
overwrite this package; and it declares Python 3.12 only. `pip download --no-deps` of the wheel
(for 3.12, pure Python) and importing `easyths/trade_client.py` from it under another module name
runs the very code 2.x users run, which needs nothing but httpx. The README's test command
(`pip install -e '.[test]'` then pytest) is all CI needs, as long as the package index answers.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

VERSION = "2.0.7"
MODULE = "easyths_published_2x_trade_client"


def download_wheel(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    found = sorted(dest.glob(f"easyths-{VERSION}-*.whl"))
    if found:
        return found[0]
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        f"easyths=={VERSION}",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        "3.12",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(dest),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    found = sorted(dest.glob(f"easyths-{VERSION}-*.whl"))
    if done.returncode != 0 or not found:
        raise RuntimeError(f"无法从包索引下载 easyths=={VERSION}：{done.stderr.strip()[-2000:]}")
    return found[0]


def wheel_member(dest: Path, member: str) -> bytes:
    """A file of the published wheel (e.g. `easyths/assets/config_example.toml`)."""
    with zipfile.ZipFile(download_wheel(dest)) as zf:
        return zf.read(member)


def load_trade_client(dest: Path) -> ModuleType:
    """`easyths/trade_client.py` of the published wheel, as a module of its own."""
    if MODULE in sys.modules:
        return sys.modules[MODULE]
    wheel = download_wheel(dest)
    source = dest / "trade_client.py"
    with zipfile.ZipFile(wheel) as zf:
        source.write_bytes(zf.read("easyths/trade_client.py"))
    spec = importlib.util.spec_from_file_location(MODULE, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)
    return module
