"""Reading a CVirtualGridCtrl: export to a temporary file first, copy with captcha second.

Why a read must prove itself: the client copies an empty grid as its header row (with placeholder
rows of blanks and zeros), never as nothing, and a copy that did not land leaves the clipboard as
it was (`docs/ths-facts.md#copy`). So a read that yields no text, or text without the page's
own columns, failed: it is an error, never an empty table. An order flow that trusted "no rows"
would credit an older order or call a sent one failed.

Why export first: Ctrl+S writes GBK tab-separated text without touching the user's clipboard and,
on most builds, without the captcha that select-all + copy now demands. Copy remains the fallback
for builds where export is disabled; its captcha goes to a pluggable recogniser
(`CaptchaRecogniser`: image bytes → text), e.g. a packaged OCR model from an optional extra.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from easyths.brokers.base import Row
from easyths.brokers.ths import dialogs
from easyths.brokers.ths.columns import canonical_header, coerce
from easyths.brokers.ths.seam import DialogInfo, GridUnavailable, GuiSeam, Locator, SeamError
from easyths.errors import BrokerUnavailable

log = logging.getLogger(__name__)

CAPTCHA_INPUT = Locator(control_id=2404)
CAPTCHA_IMAGE = Locator(control_id=2405)
CAPTCHA_TRIES = 3
READ_TRIES = 3  # a failed read (nothing copied, no header) is tried again before it is an error
EXPORT_RETRY_AFTER = 20  # reads by copy before export is tried again after it failed


class CaptchaRecogniser(Protocol):
    def __call__(self, image: bytes) -> str: ...


@dataclass(slots=True)
class Table:
    """A grid as read: canonical headers and text cells (nothing coerced yet)."""

    headers: list[str]
    cells: list[list[str]] = field(default_factory=list)

    def rows(self) -> list[Row]:
        return [{h: coerce(h, cell) for h, cell in zip(self.headers, line, strict=False) if h} for line in self.cells]

    def column(self, header: str) -> list[str]:
        if header not in self.headers:
            return []
        i = self.headers.index(header)
        return [line[i].strip() if i < len(line) else "" for line in self.cells]


def parse_tsv(text: str, columns: dict[str, str]) -> Table:
    """Tab-separated grid text → Table. Blank lines, the client's placeholder rows (blanks, zeros
    and dashes only) and unnamed trailing columns are dropped."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return Table(headers=[])
    raw_headers = [h.strip() for h in lines[0].split("\t")]
    headers = ["" if (not h or h.startswith("Unnamed")) else canonical_header(h, columns) for h in raw_headers]
    cells = [[c.strip().removeprefix('="').removesuffix('"') for c in line.split("\t")] for line in lines[1:]]
    return Table(headers=headers, cells=[line for line in cells if not _placeholder(line)])


_PLACEHOLDER = re.compile(r"^[-0.\s]*$")


def _placeholder(line: list[str]) -> bool:
    """THS pads a short table with rows of blanks, zeros and dashes; no real row is all of those
    (it has a code)."""
    return all(_PLACEHOLDER.match(cell) for cell in line)


def require_columns(table: Table, expect: Sequence[str], what: str) -> Table:
    """A read that does not carry the page's own columns read something else (a stale clipboard,
    another panel's grid, a half-drawn table): it failed, whatever rows it has."""
    if not any(table.headers):
        raise GridUnavailable(f"读取{what}表格失败：读到的内容没有表头（复制/导出未完成），不能当作空表")
    missing = [c for c in expect if c not in table.headers]
    if missing:
        raise GridUnavailable(
            f"读取{what}表格失败：表头缺少「{'、'.join(missing)}」（读到的可能是别的表格），不能当作空表；"
            "如客户端列名不同，请在 [broker.columns] 中配置"
        )
    return table


def decode_export(data: bytes) -> str:
    """The client writes GBK; a few builds write UTF-8 with a BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("gbk")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


class GridReader:
    """Reads one grid through the seam; remembers when export is unavailable on this build."""

    def __init__(
        self,
        seam: GuiSeam,
        *,
        mode: Literal["export", "copy"],
        columns: dict[str, str],
        timeout: float,
        recogniser: CaptchaRecogniser | None,
        on_dialog: Callable[[DialogInfo], None],
        export_dir: str | None = None,
    ) -> None:
        self._seam = seam
        self._mode = mode
        self._columns = columns
        self._timeout = timeout
        self._recogniser = recogniser
        self._on_dialog = on_dialog  # the driver's handler for dialogs that are not ours
        # A short ASCII folder: the client's save dialog fails on paths like Temp\\2 or ADMINI~1.
        self.export_dir = export_dir
        self.export_works: bool | None = None  # learnt on the first read; shown in health()
        self._copies_since_export_failed = 0

    def read(self, grid: Any, expect: Sequence[str] = (), what: str = "") -> Table:
        """The grid's rows; `GridUnavailable` unless the text read carries the `expect` columns.
        A read changes nothing, so a failed one is tried again, `READ_TRIES` times at most."""
        failure: GridUnavailable | None = None
        for _ in range(READ_TRIES):
            try:
                return require_columns(parse_tsv(self.read_text(grid), self._columns), expect, what)
            except GridUnavailable as exc:
                log.warning("读取表格失败，重试: %s", exc)
                failure = exc
        assert failure is not None
        raise failure

    def read_text(self, grid: Any) -> str:
        """The grid as the client wrote it (raw headers), export first, copy second."""
        if self._mode == "export" and self._export_worth_trying():
            try:
                text = self._export(grid)
                self.export_works = True
                return text
            except GridUnavailable as exc:
                log.warning("表格导出不可用，改用复制读取（稍后再试导出）: %s", exc)
                self.export_works = False
                self._copies_since_export_failed = 0
        self._copies_since_export_failed += 1
        return self._copy(grid)

    def _export_worth_trying(self) -> bool:
        """A failed export (a dialog in the way, a path the client rejected) is retried after
        a while rather than given up for good."""
        return self.export_works is not False or self._copies_since_export_failed >= EXPORT_RETRY_AFTER

    def _export(self, grid: Any) -> str:
        folder = Path(self.export_dir) if self.export_dir else default_export_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="g", suffix=".xls", dir=folder)
        os.close(fd)
        path = Path(name)
        try:
            path.unlink()  # the client's save dialog must create it; its appearance is the signal
            # The export captcha comes in place of Save-As, and Save-As after the answer
            # (`docs/ths-facts.md#export`): answer it, then complete the Save-As that follows.
            saving = self._seam.export_grid(grid, path, self._timeout)
            for _ in range(CAPTCHA_TRIES):
                if saving:
                    break
                captcha = self._seam.wait_for(self._captcha, self._timeout)
                if captcha is None:
                    raise GridUnavailable("按 Ctrl+S 后既没有保存对话框也没有验证码")
                self._solve(captcha)
                saving = self._seam.save_as(path, self._timeout)
            if not saving:
                raise GridUnavailable("导出验证码多次识别失败")
            if not self._seam.wait_for(lambda: _saved(path), self._timeout):
                raise GridUnavailable("导出文件未生成")
            data = self._seam.wait_for(lambda: _readable(path), self._timeout)
            if data is None:
                raise GridUnavailable("导出文件一直被占用（客户端仍在写入或杀毒软件在扫描），无法读取")
            return decode_export(data)
        finally:
            _discard(path)

    def _captcha(self) -> DialogInfo | None:
        for info in self._seam.dialogs():
            if dialogs.classify(info).kind is dialogs.DialogKind.CAPTCHA:
                return info
        return None

    def _copy(self, grid: Any) -> str:
        # Empty it first: a copy that does not land leaves the previous table there.
        self._seam.clear_clipboard()
        self._seam.copy_grid(grid)
        for _ in range(CAPTCHA_TRIES + 1):
            # cast: as in _export, mypy would infer object for the predicate's union
            outcome = cast("str | DialogInfo | None", self._seam.wait_for(self._copied_or_captcha, self._timeout))
            if outcome is None:  # an empty grid still copies its header: nothing means no copy
                raise GridUnavailable("复制表格后剪贴板仍为空（复制没有完成），不能当作空表")
            if isinstance(outcome, str):
                return outcome
            self._solve(outcome)
        raise BrokerUnavailable("表格复制的验证码多次识别失败，请检查验证码识别器或改用导出读取")

    def _copied_or_captcha(self) -> str | DialogInfo | None:
        for info in self._seam.dialogs():
            if dialogs.classify(info).kind is dialogs.DialogKind.CAPTCHA:
                return info
            self._on_dialog(info)
        return self._seam.clipboard_text() or None

    def _solve(self, info: DialogInfo) -> None:
        if self._recogniser is None:
            self._seam.close(info.handle)
            raise BrokerUnavailable(
                "复制表格需要验证码，但未配置验证码识别器（[broker].captcha_recogniser），"
                "请在客户端中关闭复制验证码或改用导出读取"
            )
        try:
            image = self._seam.capture_image(self._seam.find(CAPTCHA_IMAGE, info.handle, self._timeout))
            answer = self._recogniser(image).strip()
        except SeamError:
            raise
        except Exception as exc:  # the recogniser is a plug-in: its failure is ours to name
            raise BrokerUnavailable(f"验证码识别器出错: {exc}") from exc
        log.info("表格复制验证码已识别")
        self._seam.set_text(self._seam.find(CAPTCHA_INPUT, info.handle, self._timeout), answer)
        self._seam.press(info.handle, dialogs.OK)


def _saved(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:  # Windows: the client holds it without sharing (WinError 32): not yet
        return False


def _readable(path: Path) -> bytes | None:
    """The export's bytes, or None while Windows refuses the read: a sharing violation
    (WinError 32) while the client or an antivirus scan still holds the file is "not yet"."""
    try:
        return path.read_bytes() or None
    except PermissionError:
        return None


def _discard(path: Path) -> None:
    """Delete the export; a file still held open cannot be deleted on Windows, and that must
    not turn a table already read into an error (an exception here would replace the return)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("导出的临时文件 %s 暂时无法删除（可能仍被占用），下次导出会换一个文件名: %s", path, exc)


def default_export_dir() -> Path:
    """Windows: a short ASCII folder (the client rejects temp paths like `Temp\\2`, `ADMINI~1`)."""
    import sys

    if sys.platform == "win32":
        return Path("C:/easyths_grid")
    return Path(tempfile.gettempdir())


def load_recogniser(spec: str | None) -> CaptchaRecogniser | None:
    """`"package.module:callable"` → the callable; None when not configured."""
    if not spec:
        return None
    import importlib

    module_name, _, attr = spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in (attr or "recognise").split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        from easyths.errors import ConfigError

        raise ConfigError(f"[broker].captcha_recogniser 无法加载 {spec!r}: {exc}") from exc
    return target  # type: ignore[no-any-return]  # whatever the user's config names; called as a recogniser


__all__ = [
    "CaptchaRecogniser",
    "GridReader",
    "Table",
    "decode_export",
    "load_recogniser",
    "parse_tsv",
    "require_columns",
]
