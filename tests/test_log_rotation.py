"""Log rotation that Windows refuses (another process holds a log file: WinError 32) loses no record."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from easyths.logs import RotatingFile


def test_records_are_kept_in_the_current_file_while_the_rename_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "easyths.log"
    handler = RotatingFile(path, maxBytes=200, backupCount=2, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))

    def held(source: str, dest: str) -> None:
        raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。")

    monkeypatch.setattr(os, "rename", held)
    logger = logging.Logger("rotation-test")
    logger.addHandler(handler)
    for n in range(40):
        logger.warning("第 %d 条记录，足够长以越过轮转的大小限制", n)
    handler.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ")[1] for line in lines] == [str(n) for n in range(40)]
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("暂时无法轮转") == 1  # said once, retried a minute later


def test_rotation_still_happens_when_windows_allows_it(tmp_path: Path) -> None:
    path = tmp_path / "easyths.log"
    handler = RotatingFile(path, maxBytes=200, backupCount=2, encoding="utf-8")
    logger = logging.Logger("rotation-test-2")
    logger.addHandler(handler)
    for n in range(40):
        logger.warning("第 %d 条记录，足够长以越过轮转的大小限制", n)
    handler.close()
    assert (tmp_path / "easyths.log.1").exists()
