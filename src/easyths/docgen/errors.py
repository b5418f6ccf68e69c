"""The 错误码 page: the exception tree drawn in `easyths/errors.py`, every `EasyTHSError` subclass
with its code and HTTP status, the codes the API envelope adds, and the operation outcomes.

Why read the classes rather than a list: a class added to the tree appears on the page at the next
build with its code and status, and its meaning comes from its docstring or its line in the tree.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import easyths
from easyths import errors
from easyths.api import envelope
from easyths.engine.records import OpStatus

# Chinese meanings by error code; a class without one shows its English docstring until added here.
MEANINGS_ZH = {
    "ERROR": "所有错误的基类",
    "CONFIG_ERROR": "配置文件或配置值无效：启动失败，并指出是哪个键",
    "INVALID_PARAMS": "操作参数不合规：提交时返回 422，details 逐项指出字段",
    "NOT_FOUND": "操作名或操作 ID 不存在",
    "CONFLICT": "当前状态不允许该请求，例如取消执行中或已结束的操作",
    "QUEUE_FULL": "队列已满（[queue].max_size），稍后重试",
    "BROKER_ERROR": "券商（模拟券商或同花顺客户端）执行操作时出错；出现在操作结果中，而不是提交的 HTTP 响应中",
    "BROKER_REJECTED": "券商拒绝，message 为其原文（如 可用股份不足、超出涨跌停）→ 操作状态 failed",
    "BROKER_UNAVAILABLE": "无法与客户端交互：未启动、未登录、窗口消失 → 操作状态 failed",
    "OUTCOME_UNKNOWN": "没有看到确定的结论，可能已下单 → 操作状态 unknown，之后与当日委托核对，绝不自动重下",
    "RESULT_TIMEOUT": "/result 等待了 timeout 秒，操作仍在排队或执行；响应带有当前 status",
}

# The envelope's codes that are not EasyTHSError classes (FastAPI's own errors, mapped in envelope.py).
ENVELOPE_CODES = {
    "INVALID_JSON": (422, "请求体不是合法的 JSON"),
    "INVALID_PARAMS": (422, "请求参数不合规（FastAPI 校验，如 wait/timeout 超出范围）；details 指出字段"),
}
_HTTP_MEANINGS = {
    "BAD_REQUEST": "请求无效",
    "UNAUTHORIZED": "缺少或错误的 API Key（Authorization: Bearer <key>）",
    "FORBIDDEN": "拒绝访问，例如未配置 API Key 时来自非本机的请求",
    "NOT_FOUND": "接口不存在",
    "METHOD_NOT_ALLOWED": "该接口不支持此 HTTP 方法",
    "HTTP_ERROR": "其他 HTTP 错误",
}
_OUTCOMES = {
    OpStatus.FAILED: "操作失败：券商拒绝（message 为其原文）、执行超时或运行时参数问题；没有下单",
    OpStatus.CANCELLED: "操作在执行前被取消",
    OpStatus.UNKNOWN: "结果未知：可能已下单也可能没有；绝不自动重下，之后与当日委托核对",
    OpStatus.QUEUED: "仍在排队（/result 等待超时）",
    OpStatus.RUNNING: "仍在执行（/result 等待超时）",
}


def _load_all_modules() -> None:
    """Import every easyths module so error classes defined outside errors.py are found too."""
    for info in pkgutil.walk_packages(easyths.__path__, "easyths."):
        if ".docgen" in info.name or ".testing" in info.name or "pywinauto" in info.name:
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # a module that needs Windows; its errors still come from errors.py
            continue


def error_classes() -> list[type[errors.EasyTHSError]]:
    _load_all_modules()
    out: list[type[errors.EasyTHSError]] = []

    def walk(cls: type[errors.EasyTHSError]) -> None:
        out.append(cls)
        for sub in sorted(cls.__subclasses__(), key=lambda c: c.__module__ != errors.__name__):
            walk(sub)

    walk(errors.EasyTHSError)
    return out


def _tree_lines() -> dict[str, str]:
    """Class name -> its comment in the tree drawn in errors.py's docstring."""
    found: dict[str, str] = {}
    for line in (errors.__doc__ or "").splitlines():
        match = re.match(r"^[\s│├└─]*([A-Z]\w+)\s{2,}(.+)$", line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def _meaning(cls: type[errors.EasyTHSError], tree: dict[str, str]) -> str:
    if cls.error_code in MEANINGS_ZH:
        return MEANINGS_ZH[cls.error_code]
    doc = inspect.getdoc(cls) if cls.__doc__ else ""
    first = (doc or "").split("\n\n")[0].replace("\n", " ").strip()
    return " ".join(part for part in (tree.get(cls.__name__, ""), first) if part)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def tree_block() -> str:
    lines = [line for line in (errors.__doc__ or "").splitlines() if re.match(r"^\s+(EasyTHSError|[│├└])", line)]
    return "```text\n" + "\n".join(line[4:] if line.startswith("    ") else line for line in lines) + "\n```\n"


def errors_markdown() -> str:
    tree = _tree_lines()
    out = ["### 异常类与错误码", "", tree_block(), "| 错误码 | HTTP 状态 | 类 | 含义 |", "|---|---|---|---|"]
    for cls in error_classes():
        where = "" if cls.__module__ == errors.__name__ else f"（{cls.__module__}）"
        out.append(
            f"| `{cls.error_code}` | {cls.http_status} | `{cls.__name__}`{where} | {_cell(_meaning(cls, tree))} |"
        )
    out += ["", "### 接口层的错误码", "", "| 错误码 | HTTP 状态 | 含义 |", "|---|---|---|"]
    for code, (status, meaning) in ENVELOPE_CODES.items():
        out.append(f"| `{code}` | {status} | {_cell(meaning)} |")
    statuses = {code: status for status, code in envelope._HTTP_CODES.items()}
    for code in [*envelope._HTTP_CODES.values(), "HTTP_ERROR"]:
        status = statuses.get(code, "其他")
        out.append(f"| `{code}` | {status} | {_cell(_HTTP_MEANINGS.get(code, ''))} |")
    out += ["", "### 操作结果的错误码（`/result` 的 `error_code`）", ""]
    out += ["| error_code | 状态 | 含义 |", "|---|---|---|"]
    for status in OpStatus:
        if status is OpStatus.SUCCESS:
            continue
        out.append(f"| `OPERATION_{status.value.upper()}` | `{status.value}` | {_cell(_OUTCOMES.get(status, ''))} |")
    return "\n".join(out) + "\n"


__all__ = ["error_classes", "errors_markdown"]
