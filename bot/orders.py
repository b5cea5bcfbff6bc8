"""The sample order database behind the order-status flow.

A real deployment replaces :class:`CsvOrderRepository` with a client of the
shop's order system; the dialogue only depends on :class:`OrderRepository`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Protocol

from bot import paths

ORDER_NUMBER_PATTERN = re.compile(r"^\s*#?\s*(?:hp\s*[-\s]?\s*)?(\d{6})\s*$", re.IGNORECASE)
"""Accepts what customers type: HP-482913, hp482913, #HP-482913, HP 482913 or 482913."""


def normalize_order_number(text: str) -> Optional[str]:
    """Return the canonical form ``HP-######`` of a typed order number, or None if it is not one."""
    match = ORDER_NUMBER_PATTERN.match(text or "")
    return f"HP-{match.group(1)}" if match else None


@dataclass(frozen=True)
class Order:
    """One order as the customer may see it."""

    order_number: str
    status: str
    placed_on: str
    items: str
    carrier: str = ""
    tracking_number: str = ""
    estimated_delivery: str = ""
    delivered_on: str = ""

    def describe(self) -> str:
        """A short customer-facing sentence about where the order is."""
        if self.status == "processing":
            return (
                f"Order {self.order_number} ({self.items}) is being packed and should arrive "
                f"by {self.estimated_delivery}. You can still change its address or cancel it until it ships."
            )
        if self.status == "shipped":
            return (
                f"Order {self.order_number} ({self.items}) has shipped with {self.carrier}, tracking number "
                f"{self.tracking_number}. Expected delivery: {self.estimated_delivery}."
            )
        if self.status == "delivered":
            return f"Order {self.order_number} ({self.items}) was delivered on {self.delivered_on}."
        if self.status == "cancelled":
            return f"Order {self.order_number} was cancelled and not charged."
        if self.status == "returned":
            return (
                f"We received the return of order {self.order_number} on {self.delivered_on}; "
                "the refund reaches your original payment method within 5-7 business days."
            )
        return f"Order {self.order_number} has the status '{self.status}'."


class OrderRepository(Protocol):
    """Looks up orders by their canonical number."""

    def find(self, order_number: str) -> Optional[Order]:
        """Return the order, or None when there is no such order."""


VALID_STATUSES = frozenset({"processing", "shipped", "delivered", "cancelled", "returned"})


class CsvOrderRepository:
    """Orders read once from a CSV file (the sample database ``data/orders.csv``)."""

    def __init__(self, csv_path: Path = paths.ORDERS_CSV) -> None:
        self._orders: dict[str, Order] = {}
        with open(csv_path, newline="", encoding="utf-8") as handle:
            for line_number, row in enumerate(csv.DictReader(handle), start=2):
                order = Order(**{key: (value or "").strip() for key, value in row.items()})
                if normalize_order_number(order.order_number) != order.order_number:
                    raise ValueError(f"{csv_path}:{line_number}: order_number {order.order_number!r} is not HP-######")
                if order.status not in VALID_STATUSES:
                    raise ValueError(
                        f"{csv_path}:{line_number}: status {order.status!r} is not one of {sorted(VALID_STATUSES)}"
                    )
                self._orders[order.order_number] = order

    def find(self, order_number: str) -> Optional[Order]:
        """Return the order with this canonical number, or None."""
        return self._orders.get(order_number)
