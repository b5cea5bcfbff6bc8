from __future__ import annotations

from pathlib import Path

import pytest

from bot.orders import CsvOrderRepository, normalize_order_number


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("HP-482913", "HP-482913"), ("hp482913", "HP-482913"), ("#HP-482913", "HP-482913"),
     ("HP 482913", "HP-482913"), ("482913", "HP-482913"), ("  hp-482913 ", "HP-482913")],
)
def test_typed_order_numbers_are_normalised(typed: str, canonical: str) -> None:
    assert normalize_order_number(typed) == canonical


@pytest.mark.parametrize("typed", ["", "HP-48291", "HP-4829130", "XY-482913", "my order", "48291a", None])
def test_other_text_is_not_an_order_number(typed) -> None:
    assert normalize_order_number(typed) is None


def test_sample_orders_are_found_and_described() -> None:
    orders = CsvOrderRepository()
    shipped = orders.find("HP-482913")
    assert shipped is not None and shipped.status == "shipped"
    assert "1Z999AA10123456784" in shipped.describe() and "UPS" in shipped.describe()
    assert "cancel" in orders.find("HP-519004").describe()
    assert orders.find("HP-000000") is None


def test_a_broken_order_file_names_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "orders.csv"
    broken.write_text(
        "order_number,status,placed_on,items,carrier,tracking_number,estimated_delivery,delivered_on\n"
        "HP-123456,shipped,2026-01-01,Hat,UPS,1Z,2026-01-05,\n"
        "HP-123457,lost,2026-01-01,Hat,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"orders\.csv:3: status 'lost'"):
        CsvOrderRepository(broken)
