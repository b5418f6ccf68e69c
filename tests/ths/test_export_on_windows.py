"""Reading a grid by export when Windows holds the file: the client (or an antivirus scan) still
has it open, so reads fail for a while with a sharing violation and the delete fails after."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.brokers.ths import ThsBroker
from tests.ths.support import ths_harness


class HeldFiles:
    """Path.read_bytes / Path.unlink as Windows answers them for a file another process holds."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, refused_reads: int) -> None:
        self.folder, self.refused_reads, self.undeleted = folder, refused_reads, 0
        read, unlink = Path.read_bytes, Path.unlink

        def held_read(path: Path) -> bytes:
            if path.parent == self.folder and self.refused_reads > 0:
                self.refused_reads -= 1
                raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。")  # WinError 32
            return read(path)

        def held_unlink(path: Path, missing_ok: bool = False) -> None:
            if path.parent == self.folder and path.exists() and path.stat().st_size > 0:  # written by the client
                self.undeleted += 1
                raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。")
            unlink(path, missing_ok=missing_ok)

        monkeypatch.setattr(Path, "read_bytes", held_read)
        monkeypatch.setattr(Path, "unlink", held_unlink)


def test_a_table_read_while_windows_still_holds_the_export_is_returned_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "grid"
    h = ths_harness(tmp_path / "sim.db", config={"grid_read": "export", "export_dir": str(folder)})
    held = HeldFiles(monkeypatch, folder, refused_reads=0)
    assert isinstance(h.broker, ThsBroker)
    assert h.broker.holdings() == []  # the undeletable file did not replace the read with an exception
    assert held.undeleted >= 1
    assert h.broker.session.grids.export_works is not False


def test_reads_refused_by_a_sharing_violation_are_retried_until_the_file_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "grid"
    h = ths_harness(tmp_path / "sim.db", config={"grid_read": "export", "export_dir": str(folder)})
    held = HeldFiles(monkeypatch, folder, refused_reads=1)
    assert isinstance(h.broker, ThsBroker)
    assert h.broker.holdings() == []  # an empty table, read: not an error, not a copy
    assert held.refused_reads == 0
    assert h.broker.session.grids.export_works is True
