"""The sim's clocks now live in `easyths.domain.clock` (risk and the API read them too); this name
stays for scripts that import it from here."""

from easyths.domain.clock import (
    SHANGHAI,
    Clock,
    VirtualClock,
    WallClock,
    as_shanghai,
    default_start,
    parse_start,
)

__all__ = ["SHANGHAI", "Clock", "VirtualClock", "WallClock", "as_shanghai", "default_start", "parse_start"]
