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

from easyths import errors
from easyths.api import envelope
from easyths.engine.records import OpStatus

# Chinese meanings by class name; a class without one shows its line of the tree (English) until added here.
MEANINGS_ZH = {
    "EasyTHSError": "所有错误的基类",
    "ConfigError": "配置文件或配置值无效：启动失败，并指出是哪个键",
    "InvalidParams": "操作参数不合规：提交时返回 422，details 逐项指出字段",
    "NotFound": "操作名或操作 ID 不存在",
    "Conflict": "当前状态不允许该请求，例如取消执行中或已结束的操作",
    "QueueFull": "队列已满（[queue].max_size），稍后重试",
    "JournalError": "操作日志库（SQLite）无法读写（磁盘满、被锁、损坏）：拒绝提交，绝不在未写入时确认",
    "ResultExpired": "查询操作的结果表格只在内存中短暂保留（日志库只记结论）；被淘汰后再取结果返回 410，请重新提交查询",
    "ResultTimeout": "/result 等待了 timeout 秒，操作仍在排队或执行；响应带有当前 status",
    "IllegalTransition": "不允许的状态变化（程序缺陷），会明确报错而不是悄悄继续",
    "SeamError": "界面层（pywinauto 或模拟客户端）的错误，由驱动转换为券商错误",
    "WindowGone": "客户端窗口（或某个弹窗）已经不存在",
    "ControlNotFound": "在等待时间内没有找到要操作的控件",
    "GridUnavailable": "这种表格读取方式在当前客户端版本上不可用（例如禁止导出）",
    "BrokerError": "券商（模拟券商或同花顺客户端）执行操作时出错；出现在操作结果中，而不是提交的 HTTP 响应中",
    "BrokerRejected": "券商拒绝，message 为其原文（如 可用股份不足、超出涨跌停）→ 操作状态 failed",
    "OrderVoided": "委托在当日委托中为废单：没有有效委托，details 带合同编号 → 操作状态 failed（下单与事后核对一致）",
    "OrderNotCancellable": (
        "按合同编号撤单，但该委托不在可撤状态：已成、已撤、部撤、废单或当日无此委托 → 操作状态 failed，"
        "结果 data 带合同编号与状态；按股票代码或全部撤单时没有可撤委托仍是 success（撤销 0 笔）"
    ),
    "BrokerUnavailable": "无法与客户端交互：未启动、未登录、窗口消失 → 操作状态 failed",
    "OutcomeUnknown": "没有看到确定的结论，可能已下单 → 操作状态 unknown，之后与当日委托核对，绝不自动重下",
    "Abandoned": "看门狗已放弃这个操作：它的线程必须立即停止操作界面",
    "ClientBlocked": "客户端被登录、锁屏或重新登录窗口挡住，或桌面已锁定：任何按键都不会生效 → 操作状态 failed",
    "RiskDenied": "风控拒绝（[risk]）：details 给出规则（rule）、实际值（value）与上限（limit）；委托未进入队列",
    "TradingPaused": "交易已暂停（紧急停止开关）：暂停期间拒绝所有下单类操作，查询照常",
    "ClientForbidden": "来源地址不在允许列表（[api].allowed_ips）中",
    "RateLimited": "请求过于频繁（[api].rate_limit），稍后重试",
    "PayloadTooLarge": "请求体超过上限（[api].max_body_bytes）",
    "StartupError": "启动检查失败（端口被占用、数据目录已被另一个实例使用、数据库损坏等）：进程以说明中的退出码退出",
    # the SDK's side (easyths.Client): error_code and http_status are those of the response received
    "ApiError": "服务返回了错误响应；error_code、message、details、http_status 都取自响应",
    "OperationFailed": (
        "操作结束但没有成功（failed / unknown / cancelled，见 status）；error_code 为原因"
        "（如 BROKER_REJECTED、WATCHDOG_TIMEOUT），服务未给出原因时为 OPERATION_<状态>"
    ),
    "OperationTimeout": "等待超时时操作仍在排队或执行（RESULT_TIMEOUT）；可以稍后用 result() 继续等",
    "ServiceUnreachable": "完全没有响应：连接被拒绝或网络错误（SERVICE_UNREACHABLE）",
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
# Cause codes the engine writes into a failed/unknown result that are not exception classes
# (easyths/engine/execute.py).
ENGINE_CAUSES = {
    "WATCHDOG_TIMEOUT": "执行超过 [queue].operation_timeout，被看门狗放弃；下单类为 unknown 并核对，其他为 failed",
    "INTERNAL": "执行中出现意外的异常（程序缺陷）；下单类操作为 unknown 并核对，其他为 failed",
}
_OUTCOMES = {
    OpStatus.FAILED: "操作失败：券商拒绝（message 为其原文）、执行超时或运行时参数问题；没有下单",
    OpStatus.CANCELLED: "操作在执行前被取消",
    OpStatus.UNKNOWN: "结果未知：可能已下单也可能没有；绝不自动重下，之后与当日委托核对",
    OpStatus.QUEUED: "仍在排队（/result 等待超时）",
    OpStatus.RUNNING: "仍在执行（/result 等待超时）",
}


# Where error classes may live besides errors.py: the layers that raise them. (Walking every module
# would also import the MCP, web and CLI stacks, which costs seconds and defines no errors.)
_ERROR_HOMES = ("easyths.engine", "easyths.brokers", "easyths.risk", "easyths.operations")


def _load_all_modules() -> None:
    """Import the modules of the raising layers so error classes defined outside errors.py are found."""
    for home in _ERROR_HOMES:
        try:
            package = importlib.import_module(home)
        except ImportError:
            continue
        for info in pkgutil.walk_packages(package.__path__, home + "."):
            if "pywinauto" in info.name:
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
    if cls.__name__ in MEANINGS_ZH:
        return MEANINGS_ZH[cls.__name__]
    if cls.__name__ in tree:
        return tree[cls.__name__]
    doc = inspect.getdoc(cls) if cls.__doc__ else ""
    return (doc or "").split("\n\n")[0].replace("\n", " ").strip()


def _sdk_side(cls: type) -> bool:
    api_error = getattr(errors, "ApiError", None)
    return api_error is not None and issubclass(cls, api_error)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def tree_block() -> str:
    lines = [line for line in (errors.__doc__ or "").splitlines() if re.match(r"^\s+(EasyTHSError|[│├└])", line)]
    return "```text\n" + "\n".join(line[4:] if line.startswith("    ") else line for line in lines) + "\n```\n"


def errors_markdown() -> str:
    tree = _tree_lines()
    out = ["### 异常类与错误码", "", tree_block(), "| 错误码 | HTTP 状态 | 类 | 含义 |", "|---|---|---|---|"]
    classes = error_classes()
    for cls in [c for c in classes if not _sdk_side(c)]:
        where = "" if cls.__module__ == errors.__name__ else f"（{cls.__module__}）"
        out.append(
            f"| `{cls.error_code}` | {cls.http_status} | `{cls.__name__}`{where} | {_cell(_meaning(cls, tree))} |"
        )
    sdk = [c for c in classes if _sdk_side(c)]
    if sdk:
        out += ["", "### Python SDK 抛出的异常", ""]
        out += ["`easyths.Client` / `AsyncClient` 把错误响应和失败的操作变成这些异常：", ""]
        out += ["| 异常 | 含义 |", "|---|---|"]
        out += [f"| `{cls.__name__}` | {_cell(_meaning(cls, tree))} |" for cls in sdk]
    out += ["", "### 接口层的错误码", "", "| 错误码 | HTTP 状态 | 含义 |", "|---|---|---|"]
    for code, (status, meaning) in ENVELOPE_CODES.items():
        out.append(f"| `{code}` | {status} | {_cell(meaning)} |")
    statuses = {code: http for http, code in envelope._HTTP_CODES.items()}
    for code in [*envelope._HTTP_CODES.values(), "HTTP_ERROR"]:
        out.append(f"| `{code}` | {statuses.get(code, '其他')} | {_cell(_HTTP_MEANINGS.get(code, ''))} |")
    out += ["", "### 操作结果的错误码（`/result` 的 `error_code`）", ""]
    out += ["| error_code | 状态 | 含义 |", "|---|---|---|"]
    for outcome in OpStatus:
        if outcome is OpStatus.SUCCESS:
            continue
        out.append(f"| `OPERATION_{outcome.value.upper()}` | `{outcome.value}` | {_cell(_OUTCOMES.get(outcome, ''))} |")
    out += ["", "### 操作结果中的原因码（结果对象的 `error_code`）", ""]
    out += ["失败或结果未知的操作，其结果对象（`?wait` 响应的 `data.result`）带有原因码：", ""]
    out += ["| 原因码 | 含义 |", "|---|---|"]
    for cls in error_classes():
        if issubclass(cls, errors.BrokerError) and cls is not errors.BrokerError:
            out.append(f"| `{cls.error_code}` | {_cell(_meaning(cls, tree))} |")
    out += [f"| `{code}` | {_cell(text)} |" for code, text in ENGINE_CAUSES.items()]
    return "\n".join(out) + "\n"


__all__ = ["error_classes", "errors_markdown"]
