"""The sample order database behind the order-status flow.

A real deployment replaces :class:`CsvOrderRepository` with a client of the
shop's order system; the dialogue only depends on :class:`OrderRepository`.
"""

from __future__ import annotations

import csv
import hmac
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Optional, Protocol

from bot import paths

ORDER_NUMBER_PATTERN = re.compile(r"^\s*#?\s*(?:hp\s*[-\s]?\s*)?(\d{6})\s*$", re.IGNORECASE)
"""Accepts what customers type: HP-482913, hp482913, #HP-482913, HP 482913 or 482913."""


def normalize_order_number(text: str) -> Optional[str]:
    """Return the canonical form ``HP-######`` of a typed order number, or None if it is not one."""
    match = ORDER_NUMBER_PATTERN.match(text or "")
    return f"HP-{match.group(1)}" if match else None


EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
"""An e-mail address inside what the customer typed ("it's Maya.L@example.com")."""

POSTCODE_PATTERNS = (
    re.compile(r"(?<![\w-])(\d{5})(?:-\d{4})?(?![\w-])"),  # US ZIP or ZIP+4 (the first five digits count)
    re.compile(r"(?<!\w)([A-Za-z]\d[A-Za-z])\s*(\d[A-Za-z]\d)(?!\w)"),  # Canadian postal code, M5V 2T6
)
"""Postcodes of the countries Harbor & Pine ships to (docs/company.md: the United States and Canada)."""


def normalize_email(text: str) -> str:
    """An e-mail address as compared: trimmed and lower-cased."""
    return (text or "").strip().lower()


def normalize_postcode(text: str) -> str:
    """A postcode as compared: without spaces, upper-cased (``m5v2t6`` and ``M5V 2T6`` are equal)."""
    return re.sub(r"\s+", "", text or "").upper()


@dataclass(frozen=True)
class VerificationAnswer:
    """The e-mail address and the postcode found in what the customer typed, normalised.

    Only the first of each counts: a message listing many postcodes is one guess, not many.
    """

    email: Optional[str] = None
    postcode: Optional[str] = None

    @property
    def empty(self) -> bool:
        """True when the text held neither, so it is no (right or wrong) answer at all."""
        return self.email is None and self.postcode is None


def parse_verification(text: str) -> VerificationAnswer:
    """Find the e-mail address and the postcode in an answer such as "it's Maya.L@example.com" or "zip 02139"."""
    text = str(text or "")
    email = EMAIL_PATTERN.search(text)
    without_email = EMAIL_PATTERN.sub(lambda m: " " * len(m.group(0)), text)
    postcodes = [m for pattern in POSTCODE_PATTERNS for m in pattern.finditer(without_email)]
    first_postcode = min(postcodes, key=lambda m: m.start(), default=None)
    return VerificationAnswer(
        email=normalize_email(email.group(0)) if email else None,
        postcode=normalize_postcode("".join(first_postcode.groups())) if first_postcode else None,
    )


def _same(typed: Optional[str], expected: str) -> bool:
    # Constant-time, so response times do not tell how close a guess was.
    return bool(typed and expected) and hmac.compare_digest(str(typed).encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Order:
    """One order as the customer may see it, and the e-mail and postcode it was placed with.

    ``email`` and ``postcode`` are the second factor of an order lookup: they are compared with
    what the customer types (:meth:`verifies`), never shown, and left out of ``repr`` so that they
    do not end up in logs.
    """

    order_number: str
    status: str
    placed_on: str
    items: str
    carrier: str = ""
    tracking_number: str = ""
    estimated_delivery: str = ""
    delivered_on: str = ""
    email: str = field(default="", repr=False)
    postcode: str = field(default="", repr=False)

    def verifies(self, answer: VerificationAnswer) -> bool:
        """Whether the customer's answer holds the e-mail address or the postcode the order was placed with.

        E-mails match trimmed and case-insensitively, postcodes ignoring spaces and case.
        """
        email_matches = _same(answer.email, normalize_email(self.email))
        postcode_matches = _same(answer.postcode, normalize_postcode(self.postcode))
        return email_matches or postcode_matches

    def describe(self) -> str:
        """A short customer-facing sentence about where the order is: always its status and its items."""
        if self.status == "processing":
            return (
                f"Order {self.order_number} ({self.items}) is processing: it is paid and being packed, and should "
                f"arrive by {self.estimated_delivery}. You can still change its address or cancel it until it ships."
            )
        if self.status == "shipped":
            return (
                f"Order {self.order_number} ({self.items}) has shipped with {self.carrier}, tracking number "
                f"{self.tracking_number}. Expected delivery: {self.estimated_delivery}."
            )
        if self.status == "delivered":
            return f"Order {self.order_number} ({self.items}) was delivered on {self.delivered_on}."
        if self.status == "cancelled":
            return f"Order {self.order_number} ({self.items}) was cancelled and not charged."
        if self.status == "returned":
            return (
                f"Order {self.order_number} ({self.items}) was returned: we received it on {self.delivered_on}, "
                "and the refund reaches your original payment method within 5-7 business days."
            )
        return f"Order {self.order_number} ({self.items}) has the status '{self.status}'."


class OrderRepository(Protocol):
    """Looks up orders by their canonical number."""

    def find(self, order_number: str) -> Optional[Order]:
        """Return the order, or None when there is no such order."""


VALID_STATUSES = frozenset({"processing", "shipped", "delivered", "cancelled", "returned"})


ORDER_COLUMNS = tuple(f.name for f in fields(Order))
REQUIRED_COLUMNS = ("order_number", "status", "placed_on", "items")


class CsvOrderRepository:
    """Orders read once from a CSV file (the sample database ``data/orders.csv``).

    Columns are those of :class:`Order`; the optional ones may be missing. Every order needs an
    ``email`` or a ``postcode``, since without either it could never be shown.
    """

    def __init__(self, csv_path: Path = paths.ORDERS_CSV) -> None:
        self._orders: dict[str, Order] = {}
        with open(csv_path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            unknown = [name for name in header if name not in ORDER_COLUMNS]
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if unknown or missing:
                raise ValueError(
                    f"{csv_path}:1: " + "; ".join(
                        ([f"unknown column(s) {unknown}"] if unknown else [])
                        + ([f"missing column(s) {missing}"] if missing else []))
                    + f" (the columns are {list(ORDER_COLUMNS)})")
            reader.fieldnames = header
            for line_number, row in enumerate(reader, start=2):
                if None in row:
                    raise ValueError(f"{csv_path}:{line_number}: more fields than the {len(header)} columns")
                order = Order(**{key: (value or "").strip() for key, value in row.items()})
                if normalize_order_number(order.order_number) != order.order_number:
                    raise ValueError(f"{csv_path}:{line_number}: order_number {order.order_number!r} is not HP-######")
                if order.status not in VALID_STATUSES:
                    raise ValueError(
                        f"{csv_path}:{line_number}: status {order.status!r} is not one of {sorted(VALID_STATUSES)}"
                    )
                if not order.email and not order.postcode:
                    raise ValueError(
                        f"{csv_path}:{line_number}: order {order.order_number} has neither an email nor a postcode "
                        "(one of them is needed to confirm the order before its details are shown)"
                    )
                self._orders[order.order_number] = order

    def find(self, order_number: str) -> Optional[Order]:
        """Return the order with this canonical number, or None."""
        return self._orders.get(order_number)
