from __future__ import annotations

from pathlib import Path

import pytest

from bot.orders import (
    CsvOrderRepository,
    Order,
    VerificationAnswer,
    normalize_email,
    normalize_order_number,
    normalize_postcode,
    parse_verification,
)

HEADER = "order_number,status,placed_on,items,carrier,tracking_number,estimated_delivery,delivered_on,email,postcode\n"


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


@pytest.mark.parametrize("number, status", [
    ("HP-482913", "shipped"), ("HP-519004", "processing"), ("HP-300117", "delivered"),
    ("HP-771250", "cancelled"), ("HP-615842", "returned"),
])
def test_every_description_names_the_status_and_the_items(number: str, status: str) -> None:
    order = CsvOrderRepository().find(number)
    assert status in order.describe() and order.items in order.describe()


def test_sample_orders_carry_their_email_and_postcode_but_do_not_show_them() -> None:
    orders = CsvOrderRepository()
    canadian = orders.find("HP-208466")
    assert (canadian.email, canadian.postcode) == ("l.tremblay@example.ca", "M5V 2T6")
    assert "example.ca" not in canadian.describe() and "M5V" not in canadian.describe()
    assert "example.ca" not in repr(canadian) and "M5V" not in repr(canadian)  # kept out of logs


def _order(email: str = "Maya.Lindqvist@example.com", postcode: str = "02139") -> Order:
    return Order("HP-482913", "shipped", "2026-11-18", "Merino crew sweater (M)", email=email, postcode=postcode)


@pytest.mark.parametrize("typed", [
    "maya.lindqvist@example.com", "  MAYA.LINDQVIST@EXAMPLE.COM ", "it's maya.lindqvist@example.com.",
    "02139", "zip 02139", "my zip code is 02139-4307", "the email is maya.lindqvist@example.com, zip 99999",
])
def test_the_right_email_or_postcode_verifies_the_order(typed: str) -> None:
    assert _order().verifies(parse_verification(typed))


@pytest.mark.parametrize("typed", [
    "maya.lindqvist@example.org", "maya@example.com", "02138", "M5V 2T6", "",
    "HP-482913", "482913",  # the order number is not its own proof
    "99999 02139",  # only the first postcode of a message counts: a list of guesses is one guess
])
def test_anything_else_does_not(typed: str) -> None:
    assert not _order().verifies(parse_verification(typed))


@pytest.mark.parametrize("typed", ["M5V 2T6", "m5v2t6", "m5v 2t6", "  M5V   2T6 ", "postal code: m5V2T6"])
def test_canadian_postcodes_match_ignoring_spaces_and_case(typed: str) -> None:
    order = _order(email="l.tremblay@example.ca", postcode="M5V 2T6")
    assert order.verifies(parse_verification(typed))
    assert not order.verifies(parse_verification("M5V 2T7"))


def test_an_order_without_a_postcode_is_not_verified_by_an_empty_one() -> None:
    assert not _order(postcode="").verifies(VerificationAnswer(email=None, postcode=""))
    assert not _order(email="").verifies(VerificationAnswer(email="", postcode=None))


@pytest.mark.parametrize(("typed", "email", "postcode"), [
    ("Maya.L@Example.com", "maya.l@example.com", None),
    ("zip 02139", None, "02139"),
    ("10001-1234", None, "10001"),
    ("h2x 1y4", None, "H2X1Y4"),
    ("a@b.example, then V6B 1A1 and 02139", "a@b.example", "V6B1A1"),
    ("I don't know", None, None),
    ("HP-48291", None, None),  # a mistyped order number is no ZIP
    ("482913", None, None),
])
def test_answers_are_parsed_into_an_email_and_a_postcode(typed: str, email, postcode) -> None:
    answer = parse_verification(typed)
    assert (answer.email, answer.postcode) == (email, postcode)
    assert answer.empty == (email is None and postcode is None)


def test_normalisation() -> None:
    assert normalize_email("  Maya.Lindqvist@Example.COM\n") == "maya.lindqvist@example.com"
    assert normalize_postcode(" m5v 2t6 ") == normalize_postcode("M5V2T6") == "M5V2T6"


def test_a_broken_order_file_names_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "orders.csv"
    broken.write_text(
        HEADER
        + "HP-123456,shipped,2026-01-01,Hat,UPS,1Z,2026-01-05,,a@example.com,02139\n"
        + "HP-123457,lost,2026-01-01,Hat,,,,,a@example.com,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"orders\.csv:3: status 'lost'"):
        CsvOrderRepository(broken)


def test_an_order_needs_an_email_or_a_postcode(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "HP-123456,cancelled,2026-01-01,Hat,,,,,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"orders\.csv:2: order HP-123456 has neither an email nor a postcode"):
        CsvOrderRepository(path)
    path.write_text(HEADER + "HP-123456,cancelled,2026-01-01,Hat,,,,,, M5V 2T6 \n", encoding="utf-8")
    assert CsvOrderRepository(path).find("HP-123456").postcode == "M5V 2T6"


def test_optional_columns_may_be_missing(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_number,status,placed_on,items,email\nHP-123456,processing,2026-01-01,Hat,a@example.com\n",
                    encoding="utf-8")
    order = CsvOrderRepository(path).find("HP-123456")
    assert (order.email, order.postcode, order.tracking_number) == ("a@example.com", "", "")


@pytest.mark.parametrize(("header", "message"), [
    ("order_number,status,placed_on,items,email,phone", r"orders\.csv:1: unknown column\(s\) \['phone'\]"),
    ("order_number,status,items,email", r"orders\.csv:1: missing column\(s\) \['placed_on'\]"),
])
def test_unknown_and_missing_columns_are_named(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        CsvOrderRepository(path)


def test_a_row_with_too_many_fields_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "HP-123456,shipped,2026-01-01,Hat,UPS,1Z,2026-01-05,,a@example.com,02139,extra\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"orders\.csv:2: more fields than the 10 columns"):
        CsvOrderRepository(path)
