"""What every section of the settings has in common.

Why `extra="forbid"`: a typo in config.toml (`kye = ...`) stops start-up with the key named
instead of being silently ignored. Why the `legacy` marker: the original project's keys are
accepted so old files keep loading, but they do nothing, so the generated example leaves them out
while the configuration page still lists them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo

# `json_schema_extra` of a key accepted from the original project's config files and ignored.
LEGACY: JsonDict = {"legacy": True}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def six_digit_codes(value: list[str]) -> list[str]:
    """A list of security codes as the book writes them (600000), or a `ValueError` naming the bad ones."""
    bad = [c for c in value if not (isinstance(c, str) and len(c) == 6 and c.isdigit())]
    if bad:
        raise ValueError(f"代码必须是6位数字: {bad}")
    return value


def is_legacy(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("legacy") is True


__all__ = ["LEGACY", "Section", "is_legacy", "six_digit_codes"]
