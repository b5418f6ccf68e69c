"""The data folder as an absolute path, and SQLite URIs that work for every Windows path form.

Why this exists: a relative (`EASYTHS_HOME=data`) or drive-less (`\\easyths`) home used to stay
as typed, so the start-up check's `Path.as_uri()` raised on the second start (traceback, exit 1),
and a UNC home (`\\\\nas\\share\\easyths`) became `file://nas/share/...`, whose authority SQLite
refuses, reported as a corrupt database. The home is made absolute once, against the directory
the service was started in, and database URIs are built here with an empty authority
(`file:///C:/...`, `file:////nas/share/...`), the forms SQLite documents for Windows
(docs/windows.md, "数据目录").

`windows` is a parameter so the Windows rules are tested on Linux: the same functions run with
`ntpath` and `PureWindowsPath` in place of the host's.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Protocol
from urllib.parse import quote

ON_WINDOWS = sys.platform == "win32"


class _Flavour(Protocol):
    """What absolute_path uses of ntpath / posixpath (a module picked at run time is otherwise Any)."""

    def expanduser(self, path: str) -> str: ...
    def abspath(self, path: str) -> str: ...
    def normpath(self, path: str) -> str: ...
    def join(self, a: str, /, *paths: str) -> str: ...


def absolute_path(raw: str | os.PathLike[str], *, cwd: str | None = None, windows: bool = ON_WINDOWS) -> str:
    """`raw` with `~` expanded, made absolute against `cwd` (default: the current directory).

    On Windows a drive-less root (`\\easyths`) takes the drive of `cwd`, as Windows itself does;
    a UNC path is kept as it is. Symlinks and mapped drives are not resolved: the user's spelling
    of the folder is what they see in messages.
    """
    flavour: _Flavour = ntpath if windows else posixpath
    text = flavour.expanduser(os.fspath(raw))
    if cwd is None and windows == ON_WINDOWS:
        return flavour.abspath(text)  # on Windows this asks the OS, which knows each drive's current folder
    joined = flavour.normpath(flavour.join(cwd if cwd is not None else os.getcwd(), text))
    if windows and not ntpath.isabs(joined):  # `E:data` with the start folder on D: — E:'s root stands in
        drive, rest = ntpath.splitdrive(joined)
        joined = drive + "\\" + rest
    return joined


def data_home(configured: str | os.PathLike[str] | None, env: str | None, *, windows: bool = ON_WINDOWS) -> Path:
    """`[app].home`, else `EASYTHS_HOME`, else `~/.easyths`, always absolute."""
    raw = configured if configured is not None else (env or "~/.easyths")
    return Path(absolute_path(raw, windows=windows))


def sqlite_uri(path: str | os.PathLike[str], *, windows: bool = ON_WINDOWS, **query: str) -> str:
    """A `file:` URI for `sqlite3.connect(..., uri=True)` naming `path` on this platform.

    The authority is always empty: SQLite refuses any other than `localhost`, so a UNC path
    goes in the path part (`file:////server/share/db`), which Windows opens as `\\\\server\\share\\db`.
    Characters with a meaning in URIs (`%`, `?`, `#`, spaces, non-ASCII) are percent-encoded.
    """
    pure = PureWindowsPath(path) if windows else PurePosixPath(path)
    text = pure.as_posix()
    if not pure.is_absolute():
        raise ValueError(f"SQLite URI needs an absolute path: {text}")
    if not text.startswith("/"):
        text = "/" + text  # C:/x → /C:/x; SQLite drops the slash before a drive letter on Windows
    uri = "file://" + quote(text, safe="/:")
    if query:
        uri += "?" + "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return uri


__all__ = ["ON_WINDOWS", "absolute_path", "data_home", "sqlite_uri"]
