"""Logging: rotating file under EASYTHS_HOME plus the console, with the API key redacted.

Why a redacting filter and not just care: a key can reach a log through an exception message,
a header dump or a config echo; filtering at the handler catches all of them.
"""

from __future__ import annotations

import logging
import logging.handlers
import queue
import sys
import time
from pathlib import Path
from typing import Any

from easyths.settings import Settings

_HANDLER_NAME = "easyths-file"


class RedactFilter(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret not in record.getMessage():
            return True
        # Redact inside the arguments rather than merge them into the message: formatters such
        # as uvicorn's access formatter unpack the arguments and failed on None.
        if isinstance(record.msg, str):
            record.msg = record.msg.replace(self.secret, "***")
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        message = record.getMessage()
        if self.secret in message:  # inside some object's str(): merge, as a last resort
            record.msg, record.args = message.replace(self.secret, "***"), None
        return True

    def _clean(self, value: object) -> object:
        return value.replace(self.secret, "***") if isinstance(value, str) else value


class RotatingFile(logging.handlers.RotatingFileHandler):
    """A rotation that Windows refuses does not lose records.

    Windows cannot rename a file another process holds open (a log viewer, an antivirus scan,
    a second `tail`): WinError 32. The stock handler then dropped every following record with a
    traceback on stderr, retrying the rename at each one. Here the current file stays open and
    keeps growing, and rotation is tried again a minute later (docs/windows.md, "日志")."""

    retry_after = 60.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._blocked_until = 0.0

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if time.monotonic() < self._blocked_until:
            return False
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError as exc:
            self._blocked_until = time.monotonic() + self.retry_after
            if self.stream is None:
                self.stream = self._open()
            sys.stderr.write(
                f"日志文件 {self.baseFilename} 暂时无法轮转（可能被其他程序打开）：{exc}；继续写入当前文件\n"
            )


def setup_logging(settings: Settings) -> Path:
    path = Path(settings.logging.file)
    if not path.is_absolute():
        path = settings.home / path
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(settings.logging.level)
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFile(
        path, maxBytes=settings.logging.max_bytes, backupCount=settings.logging.backup_count, encoding="utf-8"
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if settings.api_key:
        handler.addFilter(RedactFilter(settings.api_key))
    root.addHandler(handler)
    return path


def redact_console(settings: Settings) -> None:
    """The console gets the key redacted too: uvicorn's own handlers (its error and access logs)
    and any the root logger has besides the file, which `setup_logging` already covers."""
    if not settings.api_key:
        return
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactFilter) for f in handler.filters):
                handler.addFilter(RedactFilter(settings.api_key))


class _AsIs(logging.handlers.QueueHandler):
    """Enqueue the record untouched. The stock `prepare` merges the arguments into the message
    and drops them, and uvicorn's access formatter unpacks exactly those arguments: every
    request printed a logging TypeError. The queue never leaves the process, so nothing needs
    to be made picklable."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def queue_access_log() -> logging.handlers.QueueListener:
    """Route uvicorn's access log through a queue to a background thread (`[api].access_log`).

    Why: a log line written on the event loop is a blocking write per request (about 30% of a
    request's cost on a console); the loop now only formats and enqueues, the thread writes.
    """
    logger = logging.getLogger("uvicorn.access")
    handlers = list(logger.handlers)
    for handler in handlers:
        logger.removeHandler(handler)
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    logger.addHandler(_AsIs(records))
    listener = logging.handlers.QueueListener(records, *handlers, respect_handler_level=True)
    listener.start()
    return listener
