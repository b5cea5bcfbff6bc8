"""The answer check, extractive answers and multi-part questions (real MiniLM embeddings).

The replies below are the ones seen on new questions before the check existed: each passed the
fact and support checks and answered nothing, half a question, or the opposite of the passage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.generation.adequacy import (
    answer_key,
    check_reply,
    extractive_answer,
    is_complete_sentence,
    is_fragment,
    passage_units,
    strip_yes_no,
)
from bot.generation.multipart import split_question
from bot.guidelines import split_sentences


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    heading: str
    text: str
    dense_score: float = 0.8


CARE_WOOL = Passage("products/care.md", "Caring for your pieces", "Caring for your pieces > Wool and merino",
                    "Hand wash in cold water with a wool detergent, or have it dry cleaned. Don't wring: roll the "
                    "item in a towel to remove water and dry it flat. Fold knitwear instead of hanging it.")
GIFTS = Passage("returns/gifts.md", "Returning a gift", "Returning a gift > With a gift receipt or the order number",
                "Gifts are returned within 30 days of delivery, unworn and unwashed with tags attached.\n"
                "1. Go to harborandpine.example/returns and choose I'm returning a gift.\n"
                "2. Enter the order number printed on the gift receipt or the gift receipt code.\n"
                "The refund is issued as store credit: a gift card sent by email to the recipient. "
                "It is never refunded to the buyer's card.")
STUDENTS = Passage("payments/student.md", "Student discount", "Student discount",
                   "Students get 10% off at Harbor & Pine, after a quick verification.")
STUDENTS_WHO = Passage("payments/student.md", "Student discount", "Student discount > Who can get it",
                       "Students aged 16 or over enrolled at a college, university or vocational school in the "
                       "United States or Canada.")
PAYMENTS = Passage("payments/methods.md", "Payment methods", "Payment methods > What we accept",
                   "- Visa, Mastercard and American Express\n- PayPal\n- Apple Pay\n- Harbor & Pine gift cards\n"
                   "We don't accept cash on delivery, bank transfers, cheques or cryptocurrencies, and we don't "
                   "offer payment in instalments.")
PROMO = Passage("payments/promo.md", "Promo codes", "Promo codes > The rules",
                "- One promo code per order. Codes can't be combined with each other.\n"
                "- Codes can't be applied after checkout.\n"
                "- Pine Points rewards can be used together with a promo code: points are a reward, not a code.")
SIZES = Passage("products/size.md", "Size guide", "Size guide > How our sizes run",
                "- Clothing runs true to size. Choose your usual size.\n"
                "- Shoes run half a size small. Most customers order half a size up from their usual shoe size.")
GIFT_CARDS = Passage("payments/gift-cards.txt", "Gift cards", "Gift cards never expire",
                     "Our gift cards never expire and have no fees. The balance stays on the card until it is used.")


@pytest.fixture(scope="module")
def embed() -> Any:
    from bot.knowledge.embedder import get_embedder

    return get_embedder().encode


def _check(reply: str, question: str, passages: list[Passage], embed: Any) -> str:
    key = answer_key(question, passages, embed, max_passages=2)
    return check_reply(reply, question, key, [f"{p.heading}\n{p.text}" for p in passages[:1]], embed).problem


# ---------------------------------------------------------------------------- fragments


def test_complete_sentences_are_recognised() -> None:
    assert is_complete_sentence("Shoes run half a size small.")
    assert is_complete_sentence("If you usually wear a US 8, order an 8.5.")
    assert is_complete_sentence("Phone: 1-800-555-0142 (free from the US and Canada).")  # a label and its value
    assert not is_complete_sentence("Students aged 16 or over enrolled at a college, university or vocational school.")
    assert not is_complete_sentence("Students aged 16 or over enrolled at a college...")
    assert not is_complete_sentence("To change your delivery address, you can use the following steps:")
    assert not is_complete_sentence("the refund is issued as store credit.")
    assert not is_complete_sentence("Store credit")


def test_a_fragment_is_refused(embed: Any) -> None:
    question = "i got a gift, can i return it"
    assert is_fragment("I'm sorry about the gift.", question, [GIFTS.text])  # an apology alone
    assert is_fragment("Thanks for asking! Happy to help.", question, [GIFTS.text])
    assert is_fragment("We are here for you every day.", question, [GIFTS.text])  # no word of the question
    assert not is_fragment("We're sorry, gifts can be returned within 30 days.", question, [GIFTS.text])
    # no word of the question, but a number of the passage: an answer ("30 days.")
    assert not is_fragment("You have 30 days from delivery.", "how long do i get", [GIFTS.text])
    assert _check("I'm sorry about the gift.", question, [GIFTS], embed) == "fragment"
    assert _check(STUDENTS_WHO.text, "any discounts for me?", [STUDENTS_WHO, STUDENTS], embed) == "fragment"


# ---------------------------------------------------------------------------- the answer key


def test_a_reply_that_carries_none_of_the_policy_is_refused(embed: Any) -> None:
    assert _check("Yes, you can return a gift you received.", "i got a gift, can i return it", [GIFTS],
                  embed) in ("misses_key", "contradicts_key")
    assert _check("I take all payment methods available on the website.", "what payment methods do you take",
                  [PAYMENTS], embed) != ""


def test_contradictions_are_caught(embed: Any) -> None:
    assert _check("No, you cannot use a promo code on your order.", "can i use a promo code on my order",
                  [PROMO], embed) != ""
    assert _check("No, Pine Points rewards cannot be used together with a promo code.",
                  "can i use points and a promo code together", [PROMO], embed) == "contradicts_key"
    assert _check("Our shoes are designed to fit true to size.", "do your shoes run small?", [SIZES], embed) != ""
    assert _check("Cashmere and wool are both made from the same thing, cotton.", "what about the wool ones",
                  [CARE_WOOL], embed) != ""


def test_answers_that_carry_the_passage_pass(embed: Any) -> None:
    assert _check("We don't offer payment in instalments.", "can i pay in instalments", [PAYMENTS], embed) == ""
    assert _check("Yes, our shoes run half a size small, so order half a size up.", "do your shoes run small",
                  [SIZES], embed) == ""
    assert _check("No, our gift cards never expire and have no fees.", "do gift cards expire", [GIFT_CARDS],
                  embed) == ""
    assert _check("Pine Points can be used together with a promo code.", "can i use points and a promo code together",
                  [PROMO], embed) == ""


def test_repetitive_replies_are_refused(embed: Any) -> None:
    reply = "The 30 days are based on the 30 days of the order, not the 30 days of the order itself."
    assert _check(reply, "how long do i have to return stuff", [GIFTS], embed) == "repetitive"


# ---------------------------------------------------------------------------- extractive answers


def test_passage_units_keep_lists_with_their_lead_in() -> None:
    units = passage_units(PAYMENTS.text, 0, PAYMENTS.heading)
    assert units[0].kind == "list"
    assert units[0].text == ("What we accept: Visa, Mastercard and American Express, PayPal, Apple Pay and "
                             "Harbor & Pine gift cards.")
    assert any(u.kind == "item" and u.text == "What we accept: PayPal." for u in units)
    table = passage_units("Option | Time | Cost\n|---|---|---|\nExpress | 1–2 days | $12.95", 0, "Shipping")
    assert [u.text for u in table] == ["Express: time 1–2 days; cost $12.95."]


@pytest.mark.parametrize("question, passages, expected", [
    ("any discounts for me?", [STUDENTS_WHO, STUDENTS], "10% off"),
    ("what payment methods do you take", [PAYMENTS], "Visa, Mastercard and American Express"),
    ("do your shoes run small", [SIZES], "Shoes run half a size small."),
    ("what about the wool ones", [CARE_WOOL], "Hand wash in cold water"),
    ("i got a gift, can i return it", [GIFTS], "30 days"),
])
def test_an_extractive_answer_is_made_of_complete_sentences(question: str, passages: list, expected: str,
                                                            embed: Any) -> None:
    extract = extractive_answer(question, passages, embed, max_passages=2)
    assert expected in extract.text
    assert all(is_complete_sentence(s) for s in split_sentences(extract.text)), extract.text
    # every unit is quoted whole: each sentence of the answer is a sentence of a passage
    # (or a list written as one sentence)
    for sentence in split_sentences(extract.text):
        assert any(sentence.rstrip(".") in " ".join(p.text.split()) or ":" in sentence for p in passages), sentence


def test_an_extractive_answer_drops_the_yes_or_no_of_another_question() -> None:
    assert strip_yes_no("No, only one promo code can be used per order.") == "Only one promo code can be used per order."
    assert strip_yes_no("Yes.") == "Yes."


def test_nothing_matching_gives_no_extract(embed: Any) -> None:
    assert extractive_answer("zebra crossing lights?", [CARE_WOOL], embed).text == ""


# ---------------------------------------------------------------------------- multi-part questions


@pytest.mark.parametrize("message, parts", [
    ("Do gift cards expire? And where do I check my balance?", ["Do gift cards expire?", "where do I check my balance?"]),
    ("Do your shoes run small? Also is there a warranty?", ["Do your shoes run small?", "is there a warranty?"]),
    ("how do i wash the cotton tees, and what about the wool ones", ["how do i wash the cotton tees", "what about the wool ones"]),
    ("how long does express take + how much", ["how long does express take", "how much"]),
    ("how much is the student discount and does it stack with points", ["how much is the student discount", "does it stack with points"]),
    ("can i use points and a promo code together", ["can i use points and a promo code together"]),
    ("how do i wash cotton and wool", ["how do i wash cotton and wool"]),
    ("Hi! How long does shipping take?", ["Hi! How long does shipping take?"]),
])
def test_multi_part_questions_are_split(message: str, parts: list[str]) -> None:
    assert [p.text for p in split_question(message)] == parts


def test_a_part_that_leans_on_the_one_before_is_elliptical() -> None:
    first, second = split_question("how do i wash the cotton tees, and what about the wool ones")
    assert not first.elliptical and second.elliptical
    assert not split_question("Do gift cards expire? And where do I check my balance?")[1].elliptical
    assert split_question("is it free and how long does it take")[1].elliptical
    assert len(split_question("a? b shipping? c returns? d refunds? e points?")) == 3
