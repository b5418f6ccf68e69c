"""The engine: journal, scheduler, worker, reconciliation (one job per module), wired by `Engine`."""

from easyths.engine.engine import Admission, Engine, Listener, Submitted
from easyths.engine.journal import Journal, JournalReader
from easyths.engine.records import OperationRecord, OpStatus

__all__ = ["Admission", "Engine", "Journal", "JournalReader", "Listener", "OpStatus", "OperationRecord", "Submitted"]
