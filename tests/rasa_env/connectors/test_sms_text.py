"""SMS segment counting, shaping and numbered options (connectors/sms_text.py)."""

from __future__ import annotations

import pytest

from connectors.sms_text import (
    count_segments, is_gsm7, parse_choice, sms_bodies, sms_bodies_with_options, to_sms_text,
)


@pytest.mark.parametrize("text, encoding, units, segments", [
    ("", "GSM-7", 0, 0),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),  # extension characters take two septets
    ("€" * 81, "GSM-7", 162, 2),
    ("a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2),  # escape pair moved whole to segment 2 (152+2>153)
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
    ("Où est ma commande? Ça va", "GSM-7", 25, 1),  # ù, Ç are GSM-7
    ("ê" * 70, "UCS-2", 70, 1),  # ê is not
    ("ê" * 71, "UCS-2", 71, 2),
    ("ê" * 134, "UCS-2", 134, 2),
    ("ê" * 135, "UCS-2", 135, 3),
    ("📦" * 35, "UCS-2", 70, 1),  # an emoji is a surrogate pair: two units
    ("📦" * 36, "UCS-2", 72, 2),
    ("a" * 66 + "📦" + "a" * 10, "UCS-2", 78, 2),  # the pair is never split across segments
    ("Hi 👋", "UCS-2", 5, 1),
])
def test_count_segments(text: str, encoding: str, units: int, segments: int) -> None:
    info = count_segments(text)
    assert (info.encoding, info.units, info.segments) == (encoding, units, segments)


def test_emoji_never_split_inside_a_segment() -> None:
    # 66 units + 2-unit emoji would end at 68 > 67, so segment 2 starts with the emoji:
    assert count_segments("a" * 66 + "📦" + "a" * 66).segments == 3  # 66 | 2+65 | 1
    assert count_segments("a" * 65 + "📦" + "a" * 67).segments == 2  # 67 | 67


def test_typography_is_made_gsm7_and_markdown_removed() -> None:
    shaped = to_sms_text("**Don’t** wait – it’s “free”…")
    assert shaped == "Don't wait - it's \"free\"..."
    assert is_gsm7(shaped)


def test_bodies_stay_within_1600_characters() -> None:
    bodies = sms_bodies(" ".join(["Sentence number %d is here." % i for i in range(300)]))
    assert len(bodies) > 1 and all(len(b) <= 1600 for b in bodies)


def test_buttons_become_numbered_options_in_the_last_body() -> None:
    buttons = [{"title": "Yes, please", "payload": "/affirm"}, {"title": "No, thanks", "payload": "/deny"}]
    assert sms_bodies_with_options("Start a return?", buttons) == [
        "Start a return?\n\nReply with a number:\n1. Yes, please\n2. No, thanks"]
    long_bodies = sms_bodies_with_options("word " * 400, buttons)
    assert all(len(b) <= 1600 for b in long_bodies)
    assert long_bodies[-1].endswith("1. Yes, please\n2. No, thanks")


@pytest.mark.parametrize("body, count, expected", [
    ("1", 2, 0), (" 2. ", 2, 1), ("2)", 2, 1), ("#1", 3, 0), ("3", 2, None), ("0", 2, None),
    ("1 please", 2, None), ("HP-482913", 2, None), ("", 2, None), ("1", 0, None),
])
def test_parse_choice(body: str, count: int, expected: "int | None") -> None:
    assert parse_choice(body, count) == expected
