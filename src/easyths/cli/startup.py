"""Start-up checks that explain themselves, run before anything is opened.

Why here and in this order: a second service on the same data folder would interleave two
journals' worth of orders into one account, so the folder lock comes first; a busy port must be
reported before any database is touched (uvicorn would otherwise say it in English after the
journal and the sim were opened and recovered); a corrupt or unreadable database is named with
what to do, and never silently recreated, because that would erase the record of real orders.

Exit codes (documented in the README):
    0  normal stop
    1  unexpected error (a bug: the traceback is in the log)
    2  configuration invalid (the key is named)
    3  the data folder is in use by another EasyTHS process
    4  the port is in use or cannot be bound
    5  a database (journal.db or sim.db) is unreadable or corrupt
    6  the trading backend cannot start (e.g. the ths client is not found)
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import sys
from pathlib import Path
from typing import IO

from easyths.cli.sockets import ON_WINDOWS, bind_error, prepare_listener
from easyths.errors import StartupError
from easyths.paths import sqlite_uri

EXIT_UNEXPECTED = 1
EXIT_CONFIG = 2
EXIT_FOLDER_BUSY = 3
EXIT_PORT_BUSY = 4
EXIT_DATABASE = 5
EXIT_BACKEND = 6

LOCK_NAME = "easyths.lock"
_LOCK_OFFSET = 1 << 16  # Windows locks a byte range; lock one far from the pid text so it stays readable


class DataFolderLock:
    """An OS lock on `<home>/easyths.lock`, held for the life of the process.

    The OS drops the lock when the process dies (even by SIGKILL), so a stale file never blocks a
    restart; the file keeps the holder's pid only so the refusal can name it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / LOCK_NAME
        self._fh: IO[str] | None = None

    def acquire(self) -> DataFolderLock:
        self.home.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            _lock(fh)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip().splitlines()
            fh.close()
            pid = holder[0] if holder else "未知"
            raise StartupError(
                f"数据目录 {self.home} 正被另一个 EasyTHS 进程（PID {pid}）使用。"
                f"同一数据目录只能运行一个服务：请先停止该进程，或用 EASYTHS_HOME / [app].home 指定另一个目录。",
                exit_code=EXIT_FOLDER_BUSY,
                details={"home": str(self.home), "pid": pid},
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            try:
                _unlock(self._fh)
            finally:
                self._fh.close()
                self._fh = None


def _lock(fh: IO[str]) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        fh.seek(_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fh: IO[str]) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        fh.seek(_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def private_data_folder(home: Path) -> None:
    """The data folder holds every order (journal.db), the paper account and the logs: only the
    user who runs the service may read it (other local users could otherwise read the account).

    POSIX: the process creates everything with umask 077 (folders 0700, files 0600), and the
    folder and the files directly in it and in `logs/` are tightened to that at each start (an
    older version left them 0755/0644). Windows has no modes: the default folder (~/.easyths) is
    in the user's profile, whose ACL admits only the user and administrators; a folder elsewhere
    keeps the ACL it inherits (docs/security.md)."""
    if os.name != "posix":  # pragma: no cover - Windows
        return
    os.umask(0o077)
    home.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # not ours to change: leave it, the service still works
        home.chmod(0o700)
        for path in [*home.iterdir(), *(home / "logs").glob("*")]:
            if path.is_file() and not path.is_symlink():
                path.chmod(0o600)


def bind_port(host: str, port: int, *, windows: bool = ON_WINDOWS) -> socket.socket:
    """Bind and listen now, and hand the socket to uvicorn, so there is no window between the
    check and the real bind in which another program could take the port (options: sockets.py)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        prepare_listener(sock, host, windows=windows)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise bind_error(exc, host, port, EXIT_PORT_BUSY) from exc
    return sock


FULL_CHECK_BYTES = 64 * 2**20  # quick_check reads every page: 10^6 operations (~500 MB) took 8-37 s per restart


def check_database(path: Path, what: str, *, busy_timeout: float = 2.0) -> None:
    """Refuse to start on a database that exists but cannot be read or is not intact.

    A missing file is fine (it is created empty); anything else wrong is named with what to do.
    Only SQLite's own verdict (a failed quick_check, "not a database", "malformed") is called
    corrupt: a file another program holds locked (a second service, a database browser, an
    antivirus scan, a sync client) or that Windows denies us is a different fix, and telling
    that user to rename a good journal away would hide the record of real orders."""
    if not path.exists():
        return
    if not path.is_file() or not os.access(path, os.R_OK | os.W_OK):
        raise _unopenable(path, what, "权限不足或不是文件")
    try:
        conn = sqlite3.connect(sqlite_uri(path, mode="rw"), uri=True, timeout=busy_timeout)
        try:
            if path.stat().st_size <= FULL_CHECK_BYTES:
                rows = conn.execute("PRAGMA quick_check").fetchall()
            else:  # header and schema only: a damaged page further in surfaces as JournalError (503) later
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                rows = [("ok",)]
        finally:
            conn.close()
        problems = [r[0] for r in rows if r[0] != "ok"]
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) is not None and exc.sqlite_errorcode & 0xFF in _NOT_CORRUPT:
            raise _unopenable(path, what, str(exc)) from exc
        problems = [str(exc)]
    if problems:
        backup = path.with_name(path.name + ".broken")
        raise StartupError(
            f"{what} {path} 已损坏或不是 SQLite 数据库（{problems[0]}）。服务不会自动重建它，以免丢失记录。"
            f"处理办法：停止服务，把它连同同名的 -wal/-shm 文件改名保存（例如 {backup.name}），"
            f"再启动将新建一个空的{what}；需要找回其中的记录时，可用 sqlite3 命令行的 .recover 从备份中导出。",
            exit_code=EXIT_DATABASE,
            details={"path": str(path), "problem": problems[0]},
        )


# Primary result codes that say "could not get at the file", not "the file is damaged"
# (https://www.sqlite.org/rescode.html); extended codes carry the primary one in their low byte.
_NOT_CORRUPT = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_AUTH,
    sqlite3.SQLITE_IOERR,
}


def _unopenable(path: Path, what: str, reason: str) -> StartupError:
    return StartupError(
        f"{what} {path} 无法读写（{reason}），文件本身未被判定为损坏，请勿删除或改名。可能原因：另一个程序正占用它"
        f"（另一个 EasyTHS、数据库查看工具、杀毒软件或网盘同步），或运行服务的用户没有读写权限。"
        f"请关闭占用它的程序、检查该文件及数据目录的权限后重新启动。",
        exit_code=EXIT_DATABASE,
        details={"path": str(path), "problem": reason},
    )


__all__ = [
    "EXIT_BACKEND",
    "EXIT_CONFIG",
    "EXIT_DATABASE",
    "EXIT_FOLDER_BUSY",
    "EXIT_PORT_BUSY",
    "EXIT_UNEXPECTED",
    "DataFolderLock",
    "bind_port",
    "check_database",
    "private_data_folder",
]
