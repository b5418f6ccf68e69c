"""Start-up that explains itself: the folder lock, a busy port and corrupt databases, each with its
own exit code and a Chinese message naming what is wrong, before any database is opened."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from easyths.cli.startup import (
    EXIT_DATABASE,
    EXIT_FOLDER_BUSY,
    EXIT_PORT_BUSY,
    DataFolderLock,
    check_database,
)
from easyths.errors import StartupError
from tests.e2e.conftest import EASYTHS, Server, free_port


def run_easyths(home: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EASYTHS_HOME": str(home)}
    env.pop("API_KEY", None)
    return subprocess.run(
        [EASYTHS, "--port", str(port)], capture_output=True, text=True, env=env, cwd=home.parent, timeout=60
    )


def test_a_second_service_on_the_same_folder_exits_naming_the_folder_and_the_running_pid(
    tmp_path: Path, server_factory: type[Server]
) -> None:
    first = server_factory(tmp_path / "home").start()
    assert first.proc is not None
    second = run_easyths(tmp_path / "home", free_port())
    assert second.returncode == EXIT_FOLDER_BUSY
    assert str(tmp_path / "home") in second.stderr and str(first.proc.pid) in second.stderr
    assert "数据目录" in second.stderr
    assert first.stop() == 0


def test_the_lock_is_released_by_the_os_when_the_holder_is_killed(tmp_path: Path, server_factory: type[Server]) -> None:
    first = server_factory(tmp_path / "home").start()
    first.kill()
    again = server_factory(tmp_path / "home").start()
    assert again.stop() == 0


def test_the_lock_in_process_refuses_a_second_holder_and_frees_on_release(tmp_path: Path) -> None:
    held = DataFolderLock(tmp_path).acquire()
    with pytest.raises(StartupError) as info:
        DataFolderLock(tmp_path).acquire()
    assert info.value.exit_code == EXIT_FOLDER_BUSY and str(os.getpid()) in info.value.message
    held.release()
    DataFolderLock(tmp_path).acquire().release()


def test_a_busy_port_is_reported_in_chinese_before_any_database_is_opened(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        home = tmp_path / "home"
        done = run_easyths(home, port)
    assert done.returncode == EXIT_PORT_BUSY
    assert f"端口 {port} 已被占用" in done.stderr
    assert "Traceback" not in done.stderr and "address already in use" not in done.stderr.lower()
    assert not (home / "journal.db").exists() and not (home / "sim.db").exists()


@pytest.mark.parametrize(("name", "what"), [("journal.db", "操作日志库"), ("sim.db", "模拟账户数据库")])
def test_a_corrupt_database_stops_start_up_naming_the_file_and_it_is_not_recreated(
    tmp_path: Path, name: str, what: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    garbage = b"this is not a sqlite database" * 100
    (home / name).write_bytes(garbage)
    done = run_easyths(home, free_port())
    assert done.returncode == EXIT_DATABASE
    assert what in done.stderr and name in done.stderr and "不会自动重建" in done.stderr
    assert (home / name).read_bytes() == garbage


def test_a_database_with_damaged_pages_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "journal.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 64] = b"\xff" * 64  # smash a b-tree page header
    path.write_bytes(bytes(data))
    with pytest.raises(StartupError) as info:
        check_database(path, "操作日志库")
    assert info.value.exit_code == EXIT_DATABASE and "journal.db.broken" in info.value.message


@pytest.mark.posix_only
def test_an_unreadable_database_is_named(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        path = tmp_path / "journal.db"
        path.mkdir()  # root reads anything: a folder where the file should be is unreadable as a database
    else:
        path = tmp_path / "journal.db"
        path.write_bytes(b"")
        path.chmod(0)
    with pytest.raises(StartupError) as info:
        check_database(path, "操作日志库")
    assert "无法读写" in info.value.message and str(path) in info.value.message


def test_the_start_up_line_is_one_line_when_the_output_is_not_a_terminal(
    tmp_path: Path, server_factory: type[Server]
) -> None:
    """rich wrapped it at 80 columns mid-path ("· 日志" / "/…/easyths.log") in a log or a pipe."""
    server = server_factory(tmp_path / "a-rather-long-data-folder-name-that-a-user-might-choose" / "home").start()
    assert server.stop() == 0
    first = server.log.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("EasyTHS") and first.rstrip().endswith("easyths.log"), first


def test_a_database_another_program_holds_locked_is_not_called_corrupt(tmp_path: Path) -> None:
    """A database browser or a second process holding the lock is not damage: renaming the
    journal away, as the corrupt-file advice says, would hide the record of real orders."""
    import sqlite3

    path = tmp_path / "journal.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StartupError) as info:
            check_database(path, "操作日志库", busy_timeout=0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = info.value.message
    assert info.value.exit_code == EXIT_DATABASE
    assert "无法读写" in message and "请勿删除" in message and "损坏或不是" not in message and ".broken" not in message


def test_python_dash_m_easyths_is_the_easyths_command() -> None:
    """On Windows the Scripts folder is often not on PATH; `py -m easyths` must work without it."""
    import sys

    done = subprocess.run([sys.executable, "-m", "easyths", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("easyths "), done.stderr
