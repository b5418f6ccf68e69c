"""Text files users write by hand (config.toml, replay CSVs), read in the encodings Windows saves.

Why not just UTF-8: on Chinese Windows, Notepad's "ANSI" and Excel's plain "CSV (逗号分隔)" save
GBK (code page 936); Notepad's "UTF-8 with BOM" and Excel's "CSV UTF-8" put a byte-order mark in
front, which `tomllib` refuses as "Invalid statement (line 1, column 1)"; Windows PowerShell 5.1's
`>` writes UTF-16 with a BOM. Each of these is decoded to the text the user typed. Bytes that are
none of them stop start-up with a Chinese message saying how to re-save the file, never with a
traceback. UTF-8 is tried before GBK because valid UTF-8 Chinese is almost never valid GBK of the
same length, while the reverse guess would turn a UTF-8 file into mojibake.
"""

from __future__ import annotations

import codecs
import tomllib
from pathlib import Path
from typing import Any

from easyths.errors import ConfigError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

RESAVE_ADVICE = "请用记事本打开，「另存为」时编码选「UTF-8」后重试"


def decode_user_text(data: bytes, path: Path | str, what: str) -> str:
    """The text of a hand-written file: BOM-marked UTF-8/UTF-16, else UTF-8, else GBK."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding, path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gbk")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ConfigError(
                f"{what} {path} 的编码无法识别（第 {line} 行既不是 UTF-8 也不是 GBK）：{RESAVE_ADVICE}",
                details={"path": str(path), "line": line},
            ) from utf8_error


def _decode(data: bytes, encoding: str, path: Path | str, what: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{what} {path} 标明为 {encoding.upper()} 编码，但内容不是合法的 {encoding.upper()}：{RESAVE_ADVICE}",
            details={"path": str(path)},
        ) from exc


def read_user_text(path: Path, what: str) -> str:
    """Read and decode `path`; a missing or unreadable file is a `ConfigError` naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what}不存在: {path}", details={"path": str(path)}) from None
    except OSError as exc:
        raise ConfigError(
            f"{what} {path} 无法读取（{exc.strerror or exc}）：请检查文件权限，或关闭正在独占打开它的程序（如 Excel）",
            details={"path": str(path)},
        ) from exc
    return decode_user_text(data, path, what)


def read_toml(path: Path) -> dict[str, Any]:
    """`config.toml` as a dict, whatever encoding Notepad saved it in."""
    text = read_user_text(path, "配置文件")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是合法的 TOML: {exc}", details={"path": str(path)}) from exc


__all__ = ["decode_user_text", "read_toml", "read_user_text"]
