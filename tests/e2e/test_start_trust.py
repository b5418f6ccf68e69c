"""What `easyths` refuses at start, and what it does to its own files and logs, run as the real
command: a guessable key on a wide address, `cors_origins = "*"` with no key, a data folder other
local users could read, an access log that printed a TypeError per request and the key."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import EASYTHS, Server

KEY = "z" * 12 + "-long-key-9f3a"


def start_refused(tmp_path: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "EASYTHS_HOME": str(tmp_path / "home"), **env}
    if "API_KEY" not in env:
        full.pop("API_KEY", None)
    return subprocess.run(
        [EASYTHS, "--port", "1", *args], env=full, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def test_a_short_key_on_a_wide_address_is_refused_with_exit_2(tmp_path: Path) -> None:
    done = start_refused(tmp_path, ["--host", "0.0.0.0"], {"API_KEY": "k"})
    assert done.returncode == 2, done.stderr
    assert "太短" in done.stderr and "16" in done.stderr
    assert not (tmp_path / "home" / "journal.db").exists()  # refused before anything was opened


def test_a_wildcard_cors_origin_without_a_key_is_refused_with_exit_2(tmp_path: Path) -> None:
    done = start_refused(tmp_path, [], {"EASYTHS_API__CORS_ORIGINS": "*"})
    assert done.returncode == 2, done.stderr
    assert "cors_origins" in done.stderr and "API Key" in done.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.posix_only  # file modes; Windows keeps the ACL the folder inherits (docs/security.md)
def test_the_data_folder_is_private_and_the_access_log_works_redacted(
    tmp_path: Path, server_factory: type[Server]
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)  # as an older version left it
    (home / "notes.txt").write_text("旧文件")
    (home / "notes.txt").chmod(0o644)
    server = server_factory(home, extra_env={"API_KEY": KEY, "EASYTHS_API__ACCESS_LOG": "true"}).start()
    with server.client() as c:
        assert c.get("/api/v1/system/health").status_code == 200
        assert c.get(f"/api/v1/system/health?token={KEY}").status_code == 200  # a key in a URL is logged redacted
        assert httpx.get(f"{server.url}/api/v1/system/health").status_code == 401
    assert server.stop() == 0
    output = server.log.read_text(errors="replace")
    assert "GET /api/v1/system/health" in output, output  # the access log printed its lines
    assert "Logging error" not in output and "TypeError" not in output, output
    assert KEY not in output
    assert mode(home) == 0o700
    files = [p for p in [*home.iterdir(), *(home / "logs").iterdir()] if p.is_file() and p != server.log]
    assert {p.name for p in files} >= {"journal.db", "sim.db", "events.db", "notes.txt", "easyths.log"}
    assert {p.name: oct(mode(p)) for p in files} == {p.name: oct(0o600) for p in files}
    assert KEY not in (home / "logs" / "easyths.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["短", "ｋｅｙ"])
def test_a_non_ascii_key_is_refused_at_load(tmp_path: Path, key: str) -> None:
    done = start_refused(tmp_path, [], {"API_KEY": key * 16})
    assert done.returncode == 2 and "ASCII" in done.stderr, done.stderr
