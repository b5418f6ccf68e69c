"""Logging: rotating file under EASYTHS_HOME plus the console, with the API key redacted.

Why a redacting filter and not just care: a key can reach a log through an exception message,
a header dump or a config echo; filtering at the handler catches all of them.
"""

from __future__ import annotations

import logging
import logging.handlers
import queue
from pathlib import Path

from easyths.settings import Settings

_HANDLER_NAME = "easyths-file"


class RedactFilter(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "***")
            record.args = None
        return True


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
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=settings.logging.max_bytes, backupCount=settings.logging.backup_count, encoding="utf-8"
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if settings.api_key:
        handler.addFilter(RedactFilter(settings.api_key))
    root.addHandler(handler)
    return path


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
    logger.addHandler(logging.handlers.QueueHandler(records))
    listener = logging.handlers.QueueListener(records, *handlers, respect_handler_level=True)
    listener.start()
    return listener
