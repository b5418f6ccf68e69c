"""Which browser requests the service answers: the Host it was reached by, the site that sent it.

Why both, and why here: the service usually runs with no key, trusting "loopback only". A web page
can break that trust twice without ever leaving the user's desktop (docs/security.md):
- **DNS rebinding**: the page's own domain is re-pointed at 127.0.0.1, so its scripts reach the
  service as "same origin", from a loopback address, but with `Host: evil.example` in every
  request. Only the Host tells the two apart, so with no key it must name this machine.
- **Cross-site requests**: any page may send a body-less `fetch(url, {method: "POST", mode:
  "no-cors"})` to 127.0.0.1. It cannot read the answer, but the POST runs (cancel all, resume,
  reset). Browsers say who sent it (`Origin`, `Sec-Fetch-Site`); scripts send neither.
Both checks are pure functions of the request line and headers, run by `SafeServing` before
anything else sees the request, and cost a set lookup each.
"""

from __future__ import annotations

from easyths.hosts import host_name, is_loopback
from easyths.settings import ApiSection

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

HOST_MESSAGE = (
    "请求的 Host「{host}」不是本机名称，已拒绝（防止网页通过 DNS 重绑定访问本服务）。"
    "请用 http://127.0.0.1 或 http://localhost 访问；确需用其他名称访问时，在 [api].allowed_hosts 中列出它"
)
CROSS_SITE_MESSAGE = (
    "拒绝来自其他网站（{origin}）的修改请求：网页不能代替你下单、撤单或改变服务状态。"
    "脚本调用不受影响；确需从该网页调用时，在 [api].cors_origins 中列出它的来源"
)


class HostCheck:
    """With no key only this machine's names (any port) plus `[api].allowed_hosts`; with a key
    anything, unless the user listed hosts (then loopback names and those)."""

    def __init__(self, settings: ApiSection, has_key: bool) -> None:
        self.names = frozenset(host_name(h) for h in settings.allowed_hosts if h.strip())
        self.open = has_key and not self.names

    def allows(self, header: bytes | None) -> bool:
        if self.open or header is None:  # no Host at all: HTTP/1.0 from a script, never a browser
            return True
        name = host_name(header.decode("latin-1"))
        return name in self.names or is_loopback(name)


class OriginCheck:
    """A state-changing request (any method but GET/HEAD/OPTIONS, and everything on `/mcp`) sent
    by a browser must come from the service's own pages or a listed `[api].cors_origins`.

    "Own" is an `Origin` whose host:port is the request's Host (which `HostCheck` has vetted), so
    the dashboard works under whichever loopback name the user typed. `*` in `cors_origins` counts
    only with a key: without one it would hand trading to every web page."""

    def __init__(self, settings: ApiSection, has_key: bool) -> None:
        origins = settings.cors_list()
        self.any = has_key and "*" in origins
        self.origins = frozenset(o.lower() for o in origins if o != "*")

    def refusal(
        self, method: str, path: str, origin: bytes | None, fetch_site: bytes | None, host: bytes | None
    ) -> str | None:
        """None when allowed, else the origin to name in the refusal."""
        if method in SAFE_METHODS and not path.startswith("/mcp"):
            return None
        if origin is None:
            return "跨站请求" if fetch_site == b"cross-site" else None
        text = origin.decode("latin-1").strip().rstrip("/").lower()
        if self.any or text in self.origins:
            return None
        scheme, sep, netloc = text.partition("://")
        if (
            sep
            and scheme in ("http", "https")
            and host is not None
            and netloc == host.decode("latin-1").strip().lower()
        ):
            return None
        return text or "未知来源"


__all__ = ["CROSS_SITE_MESSAGE", "HOST_MESSAGE", "HostCheck", "OriginCheck", "host_name"]
