"""The bureau's CSV files: the header names the columns (English or Chinese, any order), empty
cells are missing fields, a file without the columns is refused naming them."""

from __future__ import annotations

import pytest

from minzheng_registry.adapters.archive.files import FileError, read_rows
from minzheng_registry.domain.archive.records import ArchiveRow


def test_columns_by_their_chinese_names_in_any_order() -> None:
    lines = [
        "\ufeff登记日期,男方,女方,证书编号,登记机关,类别,备注\n",
        "1982-10-01,330727580402151,330727196109302267,婚字第 0123 号,330727101,结婚,\n",
        ",,,,,,\n",
        "19950315,,330727196109302267,离字第 7 号,330727,离婚,缺男方\n",
    ]
    assert list(read_rows(lines)) == [
        ArchiveRow(
            "婚字第 0123 号", "330727580402151", "330727196109302267", "1982-10-01", "330727101", "结婚"
        ),
        ArchiveRow("离字第 7 号", None, "330727196109302267", "19950315", "330727", "离婚"),
    ]


def test_cells_are_bounded() -> None:
    lines = ["certificate_number,party_a,party_b,registered_on,office,kind\n", f"{'x' * 500},a,b,c,d,e\n"]
    (row,) = read_rows(lines)
    assert row.certificate_number == "x" * 64


def test_a_file_without_the_columns_is_refused() -> None:
    with pytest.raises(FileError, match="office"):
        list(read_rows(["certificate_number,party_a,party_b,registered_on,kind\n"]))
    with pytest.raises(FileError, match="empty"):
        list(read_rows([]))
