"""Splitting long messages and markdown conversion (connectors/text.py)."""

from __future__ import annotations

import pytest

from connectors.text import markdown_to_plain, markdown_to_slack, split_text, utf16_length


def test_short_text_is_one_chunk() -> None:
    assert split_text("  Hello there.  ", 4096) == ["Hello there."]
    assert split_text("", 10) == []


def test_prefers_paragraph_then_line_then_sentence_then_word() -> None:
    paragraph = "First paragraph line.\n\nSecond paragraph."
    assert split_text(paragraph, 30) == ["First paragraph line.", "Second paragraph."]
    lines = "aaaa bbbb cccc\ndddd eeee ffff"
    assert split_text(lines, 20) == ["aaaa bbbb cccc", "dddd eeee ffff"]
    sentences = "One two three. Four five six seven."
    assert split_text(sentences, 25) == ["One two three.", "Four five six seven."]
    words = "alpha beta gamma delta epsilon"
    assert split_text(words, 12) == ["alpha beta", "gamma delta", "epsilon"]


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_long_text_chunks_respect_the_limit_and_keep_every_word() -> None:
    text = " ".join(f"word{i}." if i % 7 == 0 else f"word{i}" for i in range(3000))
    chunks = split_text(text, 4096)
    assert 6 <= len(chunks) <= 7  # ~26 kB: at least 6 chunks, sentence cuts may need one more
    assert all(chunk.endswith('.') for chunk in chunks[:-1])  # cut at sentence ends
    assert all(len(chunk) <= 4096 for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_utf16_measure_counts_emoji_twice() -> None:
    assert utf16_length("📦a") == 3
    chunks = split_text("📦" * 10, 8, utf16_length)
    assert [utf16_length(c) for c in chunks] == [8, 8, 4]


def test_limit_must_be_sensible() -> None:
    with pytest.raises(ValueError, match="limit must be at least 2, got 1"):
        split_text("abc", 1)


def test_markdown_to_plain() -> None:
    assert markdown_to_plain("**Free** returns within *30 days*, see [returns](https://x.example/r).") == \
        "Free returns within 30 days, see returns (https://x.example/r)."
    assert markdown_to_plain("snake_case_name and 2*3*4 stay") == "snake_case_name and 2*3*4 stay"
    assert markdown_to_plain("## Title\nUse `HP-482913`") == "Title\nUse HP-482913"


def test_markdown_to_slack_escapes_and_converts() -> None:
    assert markdown_to_slack("**Bold** and *it* <b> & [link](https://x.example/a?b=1)") == \
        "*Bold* and _it_ &lt;b&gt; &amp; <https://x.example/a?b=1|link>"
    assert markdown_to_slack("<@U123> hi") == "&lt;@U123&gt; hi"  # no accidental mentions
