"""The data folder and database URIs for the path forms Windows users type (run here through
the Windows rules, selected by the `windows` switch)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from easyths.cli.startup import check_database
from easyths.paths import absolute_path, sqlite_uri
from easyths.settings import load_settings


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("data", r"D:\work\data"),
        (r"..\easyths", r"D:\easyths"),
        (r"\easyths", r"D:\easyths"),  # drive-less: the current drive, as Windows does
        ("C:/交易/张三/easyths", r"C:\交易\张三\easyths"),
        (r"\\nas\share\easyths", r"\\nas\share\easyths"),  # UNC kept as typed
        ("E:data", r"E:\data"),  # drive-relative on another drive: never left relative
    ],
)
def test_a_windows_home_is_made_absolute_against_the_start_folder(typed: str, expected: str) -> None:
    assert absolute_path(typed, cwd=r"D:\work", windows=True) == expected


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        (r"C:\交易\张三\journal.db", "file:///C:/%E4%BA%A4%E6%98%93/%E5%BC%A0%E4%B8%89/journal.db?mode=rw"),
        (r"\\nas\share\easyths\journal.db", "file:////nas/share/easyths/journal.db?mode=rw"),
        (r"D:\a b#1?\journal.db", "file:///D:/a%20b%231%3F/journal.db?mode=rw"),
    ],
)
def test_windows_database_uris_have_the_empty_authority_sqlite_requires(path: str, uri: str) -> None:
    assert sqlite_uri(path, windows=True, mode="rw") == uri


def test_a_relative_database_path_is_refused_rather_than_misnamed() -> None:
    with pytest.raises(ValueError, match="absolute"):
        sqlite_uri(r"data\journal.db", windows=True)


def test_a_relative_easythshome_is_absolute_in_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EASYTHS_HOME", "data")
    assert load_settings(None).home == tmp_path / "data"  # the fixture chdir'd to tmp_path


def test_the_second_start_on_a_relative_home_checks_its_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first start created journal.db; the second used to die in `as_uri()` (exit 1)."""
    monkeypatch.setenv("EASYTHS_HOME", "data")
    home = load_settings(None).home
    home.mkdir()
    sqlite3.connect(home / "journal.db").execute("CREATE TABLE t (x)").connection.close()
    check_database(home / "journal.db", "操作日志库")


def test_a_posix_path_with_uri_characters_opens_the_right_file(tmp_path: Path) -> None:
    folder = tmp_path / "a b#1?数据"
    folder.mkdir()
    sqlite3.connect(folder / "j.db").execute("CREATE TABLE t (x)").connection.close()
    with sqlite3.connect(sqlite_uri(folder / "j.db", windows=False, mode="rw"), uri=True) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
