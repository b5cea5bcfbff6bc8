"""The fact check of generated answers (bot.knowledge.facts)."""

from __future__ import annotations

import pytest

from bot.knowledge.facts import extract_facts, unsupported_facts

SOURCES = [
    "Standard shipping: 3-5 business days, free on orders of $50 or more, otherwise $4.95. "
    "Express shipping costs $12.95.",
    "Call 1-800-555-0142 or email support@harborandpine.example. "
    "Start a return at harborandpine.example/returns within thirty days.",
    "Customer: where is my order HP-482913?",
]


@pytest.mark.parametrize(
    "answer",
    [
        "Standard shipping costs 4.95 and is free from $50.00.",
        "Express costs USD 12.95.",
        "Call (800) 555-0142 or +1 800 555 0142.",
        "Write to Support@HarborAndPine.example.",
        "Start at https://www.harborandpine.example/returns/.",
        "See harborandpine.example for details.",
        "You have 30 days to return it.",
        "Your order #hp482913 is on its way, it takes 3 to 5 business days.",
        "No numbers at all in this answer.",
    ],
)
def test_supported_facts_pass(answer: str) -> None:
    assert unsupported_facts(answer, SOURCES) == []


@pytest.mark.parametrize(
    ("answer", "invented"),
    [
        ("Standard shipping costs $5.95.", ["5.95"]),
        ("Express shipping costs $12.95 and takes 2 days.", ["2"]),
        ("Your order HP-123456 has shipped.", ["HP-123456"]),
        ("Email help@harborandpine.example.", ["help@harborandpine.example"]),
        ("Visit harborandpine.example/refunds-now.", ["harborandpine.example/refunds-now"]),
        ("Call 1-800-555-0199.", ["1-800-555-0199"]),
        ("You get a 15% discount.", ["15"]),
    ],
)
def test_invented_facts_are_reported(answer: str, invented: list[str]) -> None:
    assert unsupported_facts(answer, SOURCES) == invented


def test_reports_each_invented_fact_once_in_order() -> None:
    answer = "Pay $7.50 at www.pay-now.com, then $7.50 again; call 555-123-4567."
    assert unsupported_facts(answer, SOURCES) == ["7.50", "www.pay-now.com", "555-123-4567"]


def test_phone_and_url_digits_are_not_plain_numbers() -> None:
    kinds = [(f.kind, f.key) for f in extract_facts("Call 1-800-555-0142, see a.example/x2.")]
    assert kinds == [("url", "a.example/x2"), ("phone", "8005550142")]


def test_no_sources_means_every_fact_is_unsupported() -> None:
    assert unsupported_facts("It costs $4.95 at harborandpine.example.", []) == [
        "4.95",
        "harborandpine.example",
    ]
