"""Every setting carries a Chinese description: the 配置 page is generated from them."""

from __future__ import annotations

import re

from easyths.docgen.config import walk_settings

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_setting_has_a_chinese_description() -> None:
    missing = [doc.dotted for doc in walk_settings() if not CJK.search(doc.description)]
    assert not missing, f"这些设置缺少中文说明 Field(description=...)：{missing}"


def test_settings_walk_reaches_nested_sections_and_names_their_environment_variables() -> None:
    docs = {doc.dotted: doc for doc in walk_settings()}
    assert docs["sim.fees.commission_rate"].env == ["EASYTHS_SIM__FEES__COMMISSION_RATE"]
    assert docs["api.key"].env == ["API_KEY", "EASYTHS_API__KEY"]
    assert "config_file" not in {doc.key for doc in docs.values()}
