"""Grid text → rows: leading zeros kept, exports decoded, variant headers made canonical."""

from __future__ import annotations

from decimal import Decimal

from easyths.brokers.ths.grid import decode_export, parse_tsv

VARIANT_B = (
    "证券代码\t证券名称\t持仓数量\t可用数量\t冻结数量\t参考成本价\t当前价\t浮动盈亏\t盈亏比例(%)\t当日盈亏\t"
    "当日盈亏比(%)\t最新市值\t仓位占比(%)\t持股天数\t\n"
    "000001\t平安银行\t1,200\t1200\t0\t11.235\t12.00\t918.00\t6.81\t--\t0.00\t14400.00\t12.50\t3\t\n"
)


def test_codes_and_contract_numbers_stay_text_with_their_leading_zeros() -> None:
    table = parse_tsv("证券代码\t合同编号\t委托数量\t委托价格\n000001\t0012345\t100\t9.90\n", {})
    assert table.rows() == [{"证券代码": "000001", "合同编号": "0012345", "委托数量": 100, "委托价格": Decimal("9.90")}]


def test_spreadsheet_protected_cells_are_unwrapped() -> None:
    assert parse_tsv('证券代码\t证券名称\n="600000"\t浦发银行\n', {}).rows() == [
        {"证券代码": "600000", "证券名称": "浦发银行"}
    ]


def test_variant_b_headers_map_to_the_canonical_names() -> None:
    row = parse_tsv(VARIANT_B, {}).rows()[0]
    assert row["股票余额"] == 1200 and row["可用余额"] == 1200
    assert row["成本价"] == Decimal("11.235") and row["市价"] == Decimal("12.00")
    assert (
        row["盈亏"] == Decimal("918.00") and row["盈亏比(%)"] == Decimal("6.81") and row["市值"] == Decimal("14400.00")
    )
    assert row["当日盈亏"] is None  # "--" on the client
    assert "" not in row  # the unnamed trailing column is dropped


def test_configured_columns_override_the_built_in_variants() -> None:
    assert parse_tsv("参考盈亏\n12.5\n", {"参考盈亏": "盈亏"}).rows() == [{"盈亏": Decimal("12.5")}]


def test_exports_are_gbk_and_sometimes_utf8_with_bom() -> None:
    text = "证券代码\t证券名称\n000001\t平安银行\n"
    assert decode_export(text.encode("gbk")) == text
    assert decode_export(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_an_empty_grid_is_no_rows() -> None:
    assert parse_tsv("", {}).rows() == [] and parse_tsv("证券代码\t证券名称\n", {}).rows() == []
