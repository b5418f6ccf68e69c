"""Former home of the engine, kept so `from easyths.engine.queue import Engine` still works.

New code imports from `easyths.engine` (see `engine/engine.py` and its sibling modules).
"""

from easyths.engine.engine import Engine, Submitted
from easyths.errors import ResultTimeout

__all__ = ["Engine", "ResultTimeout", "Submitted"]
