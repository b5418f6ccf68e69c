"""Whether a host is this machine: one answer for the service's binding, its clients and its pages.

Why one module: the start-up refusal (no key on a wide address), the allow-list of a keyless
service, the Host check against DNS rebinding, MCP's own rebinding guard and the SDK's proxy bypass
all ask the same question; four spellings of it had drifted (one took only three literal names, so
127.0.0.2 counted as "the network"). Stdlib only, so the SDK can share it.
"""

from __future__ import annotations

import functools
import ipaddress


@functools.lru_cache(maxsize=1024)
def is_loopback(host: str | None) -> bool:
    """`localhost`, or an address in 127.0.0.0/8 or ::1 (a bracketed IPv6 literal too). None
    (an unknown peer) and names other than localhost are not: a name may resolve anywhere."""
    if not host:
        return False
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header (or an `[api].allowed_hosts` entry), without its port, lower
    case: `[::1]:7648` → `::1`. One spelling for the Host check and the settings that feed it."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    name, _, _ = value.partition(":") if value.count(":") == 1 else (value, "", "")
    return name.rstrip(".")


def local_url(host: str, port: int) -> str:
    """The URL a client on this machine uses for a service bound to `host:port`: a wildcard bind
    (0.0.0.0, ::, empty) is reached on 127.0.0.1, an IPv6 literal goes in brackets."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


__all__ = ["host_name", "is_loopback", "local_url"]
