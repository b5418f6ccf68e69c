"""[api]: where the service listens and who may talk to it (keys, addresses, hosts, limits)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from easyths.hosts import host_name
from easyths.settings.base import LEGACY, Section


class ApiSection(Section):
    host: str = Field("127.0.0.1", description="监听地址；非本机地址必须同时配置 API Key，否则拒绝启动")
    port: int = Field(7648, ge=1, le=65535, description="监听端口")
    key: SecretStr | None = Field(
        None,
        description="API 密钥：设置后所有请求需带 Authorization: Bearer <key>；从不写入日志",
        examples=["replace-with-your-own-random-string-24-chars"],
    )
    cors_origins: str = Field(
        "",
        description="允许跨域访问的来源（协议://主机[:端口]，如 http://localhost:3000），逗号分隔；"
        "* 为任意来源（须同时配置 API Key）；留空不开启 CORS",
    )
    access_log: bool = Field(
        False, description="是否记录每个 HTTP 请求的访问日志（默认关闭；开启后由后台线程写出，不阻塞事件循环）"
    )
    rate_limit: int | None = Field(
        0, ge=0, description="每个客户端地址每分钟最多请求数，超出返回 429；0 为不限（原 2.x 的同名设置）"
    )
    allowed_ips: list[str] = Field(
        default_factory=list,
        description='只允许这些地址访问（IP 或 CIDR 网段，如 ["127.0.0.1", "192.168.1.0/24"]），'
        "其余返回 403；留空为不限制",
    )
    ip_whitelist: str | None = Field(
        None, description="旧配置键（原 2.x）：逗号分隔的地址或网段，并入 allowed_ips", json_schema_extra=LEGACY
    )
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="请求体最大字节数，超出返回 413；默认 1 MiB")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="接受的 Host 请求头（主机名或地址，不含端口）：未配置 API Key 时只接受本机名称（localhost、"
        "127.0.0.1、::1）和这里列出的名称；配置了 API Key 时留空为不检查。其余返回 421 HOST_FORBIDDEN（防 DNS 重绑定）",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="只信任来自这些地址（IP 或 CIDR）的 X-Forwarded-For / X-Forwarded-Proto 请求头；"
        "留空（默认）不信任任何代理，客户端地址就是连接的对端地址",
    )
    max_header_bytes: int = Field(
        32 * 1024,
        ge=4096,
        le=1024 * 1024,
        description="监听非本机地址时请求行与请求头的最大字节数，超出返回 431；本机监听不限",
    )
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="监听非本机地址时接收完整请求头的最长秒数，超时断开连接；本机监听不限"
    )
    max_connections: int = Field(
        512,
        ge=8,
        description="监听非本机地址时同时打开的连接数上限：超出的新连接立即关闭，"
        "同时处理的请求超出时返回 503；本机监听不限",
    )

    mcp_server_type: str | None = Field(  # accepted so a 2.x config.toml starts unchanged
        None, description="兼容原版 2.x 配置文件（MCP 传输类型），忽略；MCP 的设置见 [mcp]", json_schema_extra=LEGACY
    )
    contract: Literal["v1", "v2"] = Field(
        "v1",
        description=(
            "响应契约：v1 按 1.x 接口文档（默认）；v2 兼容原项目 2.x（2.0.7）的 TradeClient："
            "信封含 status、error_code、current_used_account，查询结果为英文字段的记录列表。"
            "单个请求可用请求头 X-EasyTHS-Contract: v1 或 v2 临时覆盖"
        ),
    )

    @field_validator("allowed_ips", "trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(f"不是合法的 IP 地址或网段: {item!r}") from exc
        return value

    @field_validator("ip_whitelist")
    @classmethod
    def _old_networks(cls, value: str | None) -> str | None:
        if value:
            cls._networks([_wildcard_network(i) for i in value.split(",") if i.strip()])
        return value

    def allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """`allowed_ips` plus the old `ip_whitelist`; empty means every address may connect."""
        items = [*self.allowed_ips, *(_wildcard_network(i) for i in (self.ip_whitelist or "").split(","))]
        return [ipaddress.ip_network(i.strip(), strict=False) for i in items if i.strip()]

    @field_validator("host")
    @classmethod
    def _bind_address(cls, value: str) -> str:
        """Bound as written (cli/startup.py): `127.0.0.1:7648` or `[::1]` failed only at the bind,
        and first met the wide-address rule, which called it "not this machine"."""
        try:
            ipaddress.ip_address(value)
            return value
        except ValueError:
            pass
        if value and (any(c in value for c in ":/[]*") or any(c.isspace() for c in value)):
            raise ValueError(
                f"监听地址只写 IP 地址（如 127.0.0.1、0.0.0.0、::1）或主机名，不带端口（端口见 [api].port）、"
                f"方括号、http:// 或通配符，收到: {value!r}"
            )
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        """Each entry is compared with the Host header's name (api/trust.py): one that can never be
        equal to it (a URL, a wildcard, a misspelling) left the name refused with 421 at every request."""
        for item in value:
            raw = item.strip()
            if not raw:
                continue  # blank entries are skipped by the Host check, as they always were
            problem: str | None
            if "/" in raw:
                problem = "只写主机名（可带端口），不要写 http:// 或路径"
            elif raw == "*":
                problem = "* 不表示任意主机：配置了 API Key 时留空即不检查 Host，未配置时请逐个列出名称"
            else:
                problem = _name_problem(host_name(raw))
            if problem:
                raise ValueError(f"{item!r}: {problem}")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        """Browsers send `Origin: scheme://host[:port]` and the CORS check compares it whole: any
        other spelling (no scheme, a path, a wildcard host) matched nothing, without a word."""
        for item in value.split(","):
            raw = item.strip().rstrip("/")
            if raw and raw not in ("*", "null") and (problem := _origin_problem(raw)):
                raise ValueError(f"{item.strip()!r}: {problem}")
        return value

    @field_validator("key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("key")
    @classmethod
    def _printable_ascii_key(cls, value: SecretStr | None) -> SecretStr | None:
        """HTTP headers carry ASCII only, so a key with any other character could never match:
        refuse it at load instead of answering 401 to every request. The key is never echoed."""
        if value is None:
            return value
        secret = value.get_secret_value()
        if not all("!" <= ch <= "~" for ch in secret):
            raise ValueError("API Key 只能由 ASCII 可见字符组成（不能含空格、中文或全角字符），否则请求头无法携带它")
        return value

    def cors_list(self) -> list[str]:
        """`cors_origins` as browsers write an `Origin` (lower case, no trailing slash, no default
        port), for the CORS middleware and the cross-site check alike; `*` is honoured only with a
        key (api/trust.py)."""
        return [_origin(o) for o in self.cors_origins.split(",") if o.strip()]

    def trusted_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(i.strip(), strict=False) for i in self.trusted_proxies if i.strip()]


_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _name_problem(name: str) -> str | None:
    """Why a host name (lower case, no port) can never equal one a browser sends, or None."""
    if "*" in name:
        return "不支持通配符，请逐个列出名称"
    if not name.isascii():
        try:
            ascii_name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return "不是合法的主机名"
        return f"浏览器发送的是中文域名的 ASCII 形式，请写成 {ascii_name}"
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        pass
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return "不是合法的主机名或 IP 地址"
    return None


def _origin_problem(origin: str) -> str | None:
    """Why an `[api].cors_origins` entry can never equal a browser's `Origin`, or None."""
    shape = "来源要写成 协议://主机[:端口]，如 http://localhost:3000"
    scheme, sep, rest = origin.lower().partition("://")
    if not sep or not _SCHEME.fullmatch(scheme) or not rest:
        return shape
    if any(c in rest for c in "/?#@"):
        return f"{shape}，不含路径、查询参数或用户名"
    try:
        parts = urlsplit(origin.lower())
        parts.port  # noqa: B018 - raises ValueError on a port that is not 0-65535
    except ValueError:
        return shape
    return _name_problem(parts.hostname or "")


def _origin(item: str) -> str:
    origin = item.strip().rstrip("/").lower()
    scheme, _, _ = origin.partition("://")
    default = _DEFAULT_PORTS.get(scheme)
    return origin[: -len(default)] if default and origin.endswith(default) else origin


def _wildcard_network(item: str) -> str:
    """2.x's ip_whitelist writes networks with trailing wildcards (192.168.1.*): as CIDR."""
    parts = item.strip().split(".")
    if parts[-1] != "*" or len(parts) > 4:
        return item
    fixed = list(parts)
    while fixed and fixed[-1] == "*":
        fixed.pop()
    if not all(p.isdigit() for p in fixed):  # a wildcard before a fixed octet is not a network
        return item
    return ".".join([*fixed, *["0"] * (4 - len(fixed))]) + f"/{8 * len(fixed)}"


__all__ = ["ApiSection"]
