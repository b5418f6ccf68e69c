"""[broker] (the THS driver's knobs) and [emulator] (the emulated client it can drive)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from easyths.domain.commands import MarketStrategy
from easyths.settings.base import Section
from easyths.settings.faults import FAULT_NAMES

# The client's pages whose menu path `[broker.menu]` may override: the keys of the THS driver's
# DEFAULT_MENU (brokers/ths/columns.py), named here so a misspelt page is refused at load instead of
# being ignored (tests/settings/test_load_time_checks.py keeps the two equal).
MENU_PAGES: tuple[str, ...] = (
    "buy",
    "sell",
    "cancel",
    "funds",
    "holdings",
    "orders",
    "fills",
    "history",
    "market_buy",
    "market_sell",
    "condition_price",
    "stop_loss_profit",
    "condition_monitor",
    "repo",
    "ipo",
)


class BrokerSection(Section):
    """The `ths` backend's knobs: menu names and column variants differ by broker build."""

    backend: Literal["sim", "ths", "emulator"] = Field(
        "sim",
        description="交易后端：sim 内置模拟券商，ths 驱动同花顺客户端（仅 Windows），emulator 驱动模拟的同花顺客户端",
    )
    exe_path: str | None = Field(
        None, description="xiadan.exe 路径，优先于 [trading].app_path", examples=["D:/同花顺/xiadan.exe"]
    )
    window_title: str = Field("网上股票交易系统5.0", description="交易客户端主窗口标题（部分券商为 核新网上交易系统）")
    step_timeout: float = Field(  # longest wait for one control or dialog
        5.0, gt=0, description="驱动客户端时等待一个控件或弹窗的最长秒数"
    )
    grid_read: Literal["export", "copy"] = Field(
        "export", description="表格读取方式：export 导出到临时文件（推荐），copy 复制（可能需要验证码）"
    )
    menu: dict[str, list[str]] = Field(  # operation page -> menu path override
        default_factory=dict,
        description='按页面覆盖客户端左侧菜单路径（各券商菜单名称不同时），例如 funds = ["查询[F4]", "资金股份"]；'
        "页面：buy sell cancel funds holdings orders fills history market_buy market_sell condition_price "
        "stop_loss_profit condition_monitor repo ipo（新股申购的单只申购页）",
        examples=[{"funds": ["查询[F4]", "资金股份"], "holdings": ["查询[F4]", "资金股份"]}],
    )

    @field_validator("menu")
    @classmethod
    def _known_pages(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        """A misspelt page was ignored: the driver kept the default path and failed on that page."""
        unknown = sorted(set(value) - set(MENU_PAGES))
        if unknown:
            raise ValueError(f"未知的页面 {unknown}，可用：{'、'.join(MENU_PAGES)}")
        for page, path in value.items():  # an empty path was ignored (the default kept), a blank step never found
            if not path or not all(step.strip() for step in path):
                raise ValueError(f"页面 {page} 的菜单路径不能为空，也不能含空白的一级：{path!r}")
        return value

    columns: dict[str, str] = Field(  # client header -> canonical header
        default_factory=dict,
        description='客户端表头到标准列名的映射，例如 "参考盈亏" = "盈亏"；'
        "持仓数量、可用数量、参考成本价、当前价等新版表头已内置",
        examples=[{"参考盈亏": "盈亏"}],
    )

    @field_validator("columns")
    @classmethod
    def _column_names(cls, value: dict[str, str]) -> dict[str, str]:
        """The driver strips each header before looking it up and skips an empty name
        (brokers/ths/columns.py): a blank or space-padded entry was silently never used."""
        for header, name in value.items():
            if not header.strip() or not name.strip():
                raise ValueError(f"表头和列名都不能为空：{header!r} = {name!r}")
            if header != header.strip() or name != name.strip():
                raise ValueError(f"表头和列名的首尾不能有空格（驱动比较的是去掉空格的表头）：{header!r} = {name!r}")
        return value

    captcha_recogniser: str | None = Field(  # "module:callable" taking PNG bytes, returning the text
        None,
        description='复制表格需要验证码时使用的识别器："模块:函数"，参数为 PNG 字节，返回验证码文本',
        examples=["my_ocr:recognise"],
    )

    @field_validator("captcha_recogniser")
    @classmethod
    def _recogniser_spec(cls, value: str | None) -> str | None:
        """Imported when the ths backend starts (brokers/ths/grid.py): a spelling that cannot name
        a callable is refused at load for every backend (`:x` escaped that import as a bare
        ValueError); whether the module imports is still for the backend's start to say."""
        if value:
            module, _, attr = value.partition(":")
            names = [*module.split("."), *(attr.split(".") if attr else [])]
            if not all(name.isidentifier() for name in names):
                raise ValueError(f"识别器要写成 模块:函数（如 my_ocr:recognise），收到: {value!r}")
        return value

    account_combo_id: int | None = Field(  # account combo on the main window; None = first ComboBox
        None, description="主窗口上账户下拉框的控件 id；不设置时使用第一个下拉框", examples=[1001]
    )
    export_dir: str | None = Field(
        None,
        description="表格导出（Ctrl+S）使用的临时文件夹，须为短 ASCII 路径；不设置时 Windows 上为 C:/easyths_grid",
        examples=["C:/easyths_grid"],
    )

    @field_validator("export_dir")
    @classmethod
    def _ascii_folder(cls, value: str | None) -> str | None:
        """Typed into the client's save dialog, which fails on anything but a short ASCII path."""
        if value and not value.isascii():
            raise ValueError(f"表格导出文件夹须为 ASCII 路径（不含中文或全角字符），收到: {value!r}")
        return value

    submit_key: Literal["click", "enter"] = Field(
        "click",
        description="下单提交方式：click（点击下单按钮）或 enter（在数量框按回车，适用于点击偶尔无效的客户端）",
    )
    popups: Literal["on", "off"] = Field(
        "off",
        description=(
            "客户端「快速交易」中的确认与提示弹窗（委托确认、委托成功后的提示、撤单前确认）是否开启：on / off，"
            "按你的客户端设置填写，驱动不读取客户端设置。建议 on：成功提示带合同编号，"
            "撤单确认让驱动能在同一代码的多笔委托中按合同编号撤单；off 时这类撤单会被拒绝（CANCEL_AMBIGUOUS）。"
            "旧的 auto 按 off 处理"
        ),
    )

    @field_validator("popups", mode="before")
    @classmethod
    def _popups_auto_is_off(cls, value: object) -> object:
        """`auto` read the client's settings, which the driver cannot do on a real client: it meant
        waiting out every dialog. Kept loadable as the safe choice, off."""
        return "off" if value == "auto" else value

    dialog_grace: float = Field(0.5, gt=0, description="弹窗关闭时等待失败提示的秒数（只有失败才会弹窗）")
    market_aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="市价委托类型的别名（按客户端版本/券商不同），键为标准名称，值为下拉框中可能出现的文字",
        examples=[{"对手方最优价格": ["对手最优"]}],
    )

    @field_validator("market_aliases")
    @classmethod
    def _known_strategies(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        """A misspelt name would be ignored and its order refused at the client; refused here instead."""
        known = [str(s) for s in MarketStrategy]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"未知的市价委托类型 {unknown}，可用：{'、'.join(known)}")
        for name, aliases in value.items():  # matched whole against the combo's items (brokers/ths/orders.py)
            if not all(alias.strip() for alias in aliases):
                raise ValueError(f"{name} 的别名不能为空：{aliases!r}")
        return value


class EmulatorSection(Section):
    """`--backend emulator`: the THS driver against an emulated xiadan.exe backed by the sim."""

    popups: bool = Field(
        False,
        description="模拟客户端是否弹出委托确认与成功提示（默认关闭，同快速交易设置；失败提示总会弹出）",
    )
    latency_ms: int = Field(0, ge=0, le=60_000, description="模拟客户端每个弹窗出现前的延迟（毫秒）")
    faults: dict[str, float] = Field(
        default_factory=dict,
        description='故障注入：故障名称到发生概率（0–1），如 {"continue_prompt": 1.0}；可用名称 '
        + "、".join(FAULT_NAMES),
        examples=[{"continue_prompt": 1.0}],
    )
    seed: int = Field(7, description="故障注入的随机种子（相同种子重现相同的故障序列）")
    restart_after: float = Field(3.0, gt=0, le=600, description="模拟客户端崩溃后自动重启所需的秒数")

    @field_validator("faults")
    @classmethod
    def _known_faults(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(FAULT_NAMES))
        if unknown:
            raise ValueError(f"未知的故障名称 {unknown}，可用：{', '.join(FAULT_NAMES)}")
        bad = {k: v for k, v in value.items() if not 0.0 <= v <= 1.0}
        if bad:
            raise ValueError(f"故障概率必须在 0 到 1 之间：{bad}")
        return value


__all__ = ["MENU_PAGES", "BrokerSection", "EmulatorSection"]
