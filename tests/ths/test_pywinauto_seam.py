"""`PywinautoSeam` against a stub pywinauto that behaves as the evidence says: the seam reports
what it saw and raises what went wrong; it never turns an error into "" nor picks a fuzzy match."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.errors import GridUnavailable, SeamError
from tests.ths.stub_pywinauto import App, Clipboard, Control, SaveDialog, installed


def test_the_clipboard_text_is_read_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    clipboard = Clipboard()
    clipboard.text = "证券代码\t合同编号\t\r\n"
    with installed(monkeypatch, clipboard) as seam:
        assert seam.clipboard_text() == "证券代码\t合同编号\t\r\n"


def test_a_clipboard_with_no_text_is_empty_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with installed(monkeypatch, Clipboard()) as seam:
        assert seam.clipboard_text() == ""  # GetData would raise "That format is not available"


def test_a_clipboard_that_cannot_be_read_is_an_error_never_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    clipboard = Clipboard()
    clipboard.text = "证券代码\t合同编号\t\r\n"
    clipboard.broken = True
    with installed(monkeypatch, clipboard) as seam, pytest.raises(SeamError, match="OpenClipboard"):
        seam.clipboard_text()


def captcha() -> Control:
    """The export captcha as measured: an untitled #32770, statics 2393/2394, edit 2404, 确定/取消."""
    kids = [
        Control(2, "检测到您正在保存数据，为保障您的账户资金安全，请先输入验证码", control_id=2393),
        Control(3, "", class_name="Edit", control_id=2404),
        Control(4, "确定", class_name="Button", control_id=1),
        Control(5, "取消", class_name="Button", control_id=2),
    ]
    return Control(300, "", class_name="#32770", children=kids)


def test_a_cancel_row_is_clicked_at_its_position_never_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 撤单 grid's row by a click posted at its check-box cell (easytrader's geometry), with
    no keystroke that a focus change could send elsewhere."""
    grid = Control(7, class_name="CVirtualGridCtrl", control_id=1047)
    with installed(monkeypatch, Clipboard()) as seam:
        seam.click_grid_row(grid, 0)
        seam.click_grid_row(grid, 2)
    assert grid.clicks == [(10, 30), (10, 62)] and grid.keys == []


def test_erase_deletes_key_by_key_what_the_field_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pre-filled default the select-all missed: End, then one Backspace per character shown."""
    box = Control(8, "1100", class_name="Edit", control_id=1034)
    with installed(monkeypatch, Clipboard()) as seam:
        seam.erase(box)
    assert box.keys == ["{END}{BACKSPACE 4}"] and box.key_options == [{"set_foreground": False}]


def test_an_export_saves_into_the_save_as_dialog_that_ctrl_s_brings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app, save = App(), SaveDialog()
    grid = Control(7, class_name="CVirtualGridCtrl", control_id=1047)
    grid.on_keys = lambda keys: setattr(app.save, "window", save) if keys == "^s" else None
    with installed(monkeypatch, Clipboard(), app) as seam:
        assert seam.export_grid(grid, tmp_path / "t.xls", 0.05) is True
    assert grid.keys == ["^s"] and save.name_box.edit_text == str(tmp_path / "t.xls") and save.save_button.clicks


def test_an_export_answered_by_the_captcha_is_left_to_the_reader_not_retried(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The captcha stands where Save-As would be: export_grid says so (False), typing nothing
    anywhere; save_as completes the Save-As that follows the answer."""
    app, save = App(), SaveDialog()
    grid = Control(7, class_name="CVirtualGridCtrl", control_id=1047)
    grid.on_keys = lambda keys: app.windows.append(captcha())
    with installed(monkeypatch, Clipboard(), app) as seam:
        assert seam.export_grid(grid, tmp_path / "t.xls", 0.05) is False
        assert grid.keys == ["^s"] and save.name_box.edit_text is None
        app.windows.clear()  # answered: Save-As comes
        app.save.window = save
        assert seam.save_as(tmp_path / "t.xls", 0.05) is True
    assert save.name_box.edit_text == str(tmp_path / "t.xls")


def test_an_export_that_brings_nothing_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    grid = Control(7, class_name="CVirtualGridCtrl", control_id=1047)
    with installed(monkeypatch, Clipboard()) as seam, pytest.raises(GridUnavailable, match="保存对话框"):
        seam.export_grid(grid, tmp_path / "t.xls", 0.02)


def test_popups_are_recognised_by_window_class_as_well_as_caption(monkeypatch: pytest.MonkeyPatch) -> None:
    """条件单触发提醒 and 银证转账 are not #32770 dialogs and their captions differ by build: an
    untitled CDlgTriggeredConfitionTip is still reported (named by its class); a window of
    another class is not a popup. A #32770's hidden controls are not part of what it says."""
    app = App()
    tip = Control(201, "", class_name="CDlgTriggeredConfitionTip")
    transfer = Control(202, "转账", class_name="TranferAccount")
    toolbar = Control(203, "", class_name="Afx:400000:843:0:5:0")
    prompt = Control(
        204,
        "",
        class_name="#32770",
        children=[
            Control(1, "提示", control_id=1365),
            Control(2, "您的买入委托已成功提交，合同编号：865912566。", control_id=1004),
            Control(3, "确定", class_name="Button", control_id=2),
            Control(4, "立即重启", class_name="Button", control_id=1, visible=False),
        ],
    )
    app.windows = [tip, transfer, toolbar, prompt]
    with installed(monkeypatch, Clipboard(), app) as seam:
        found = seam.dialogs()
    assert [(d.title, d.class_name) for d in found] == [
        ("条件单触发提醒", "CDlgTriggeredConfitionTip"),
        ("转账", "TranferAccount"),
        ("提示", "#32770"),
    ]
    assert found[2].text == "您的买入委托已成功提交，合同编号：865912566。" and found[2].buttons == ("确定",)
