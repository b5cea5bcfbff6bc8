"""Brand guidelines: validation of guidelines.yml and enforcement on answers (bot.guidelines)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.guidelines import (
    GuidelinesError,
    cut_to_length,
    enforce,
    load_guidelines,
    parse_guidelines,
    split_sentences,
)
from bot.paths import GUIDELINES_YML

RAW: dict[str, Any] = yaml.safe_load(GUIDELINES_YML.read_text(encoding="utf-8"))


def _broken(path: str, value: Any = None, delete: bool = False) -> dict[str, Any]:
    """A copy of the real guidelines with the key at ``path`` (dots, [i] for lists) changed."""
    data = copy.deepcopy(RAW)
    node: Any = data
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    key: Any = int(last) if last.isdigit() else last
    if delete:
        del node[key]
    else:
        node[key] = value
    return data


def test_the_repository_guidelines_are_valid() -> None:
    guidelines = load_guidelines()
    assert guidelines.persona.name == "Pip"
    assert guidelines.persona.company == "Harbor & Pine"
    assert {"webchat", "telegram", "sms", "slack", "default"} <= set(guidelines.channels)
    assert guidelines.channel("sms").max_chars < guidelines.channel("webchat").max_chars
    assert guidelines.channel("unknown-channel") == guidelines.channels["default"]
    assert {t.id for t in guidelines.restricted_topics} >= {"legal", "medical", "financial", "competitors"}


@pytest.mark.parametrize(
    ("path", "value", "delete", "expected"),
    [
        ("persona.name", None, True, "persona.name: missing"),
        ("persona.name", "", False, "persona.name"),
        ("channels.sms.max_chars", "lots", False, "channels.sms.max_chars"),
        ("channels.sms.max_chars", 10, False, "channels.sms.max_chars"),
        ("channels.telegram.citation", "footnote", False, "channels.telegram.citation"),
        ("channels.default", None, True, "channels.default: missing"),
        ("disclaimers[0].text", "No full stop", False, "disclaimers[0].text"),
        ("disclaimers[1].id", "refund_amounts", False, "disclaimers[1].id"),
        ("restricted_topics[2].triggers", [], False, "restricted_topics[2].triggers"),
        ("avoid[0].replacment", "x", False, "avoid[0].replacment: unknown key"),
        ("replies.injection", "Unfortunately I cannot do that.", False, "replies.injection"),
        ("tone", "be nice", False, "tone"),
        ("colour", "blue", False, "colour: unknown key"),
    ],
)
def test_a_mistake_names_the_file_and_the_key(path: str, value: Any, delete: bool, expected: str) -> None:
    with pytest.raises(GuidelinesError) as caught:
        parse_guidelines(_broken(path, value, delete), source="my-guidelines.yml")
    message = str(caught.value)
    assert message.startswith("my-guidelines.yml: ")
    assert expected in message


def test_missing_file_and_bad_yaml_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(GuidelinesError, match="file not found"):
        load_guidelines(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("persona: [unclosed\n", encoding="utf-8")
    with pytest.raises(GuidelinesError, match=r"bad\.yml: not valid YAML"):
        load_guidelines(bad)


def test_banned_phrases_are_rewritten_or_their_sentence_dropped() -> None:
    guidelines = load_guidelines()
    text = enforce(
        "Unfortunately, gift cards cannot be returned. As an AI language model I have no opinion. "
        "You must keep the receipt.",
        guidelines,
        "webchat",
    )
    assert "unfortunately" not in text.lower()
    assert "as an ai" not in text.lower()
    assert "you must" not in text.lower()
    assert text.startswith("Sorry, gift cards cannot be returned.")
    assert "Please keep the receipt." in text
    assert "no opinion" not in text


def test_length_is_cut_at_a_sentence_boundary_per_channel() -> None:
    guidelines = load_guidelines()
    sentence = "Standard shipping takes three to five business days within the United States."
    long_text = " ".join([sentence] * 12)
    for channel in ("sms", "webchat", "telegram"):
        limit = guidelines.channel(channel).max_chars
        text = enforce(long_text, guidelines, channel, suffix="\nSource: Shipping options")
        assert len(text) <= limit
        body = text.removesuffix("\nSource: Shipping options")
        assert body.endswith("United States.")
        assert body.count(sentence) >= 1
    assert len(enforce(long_text, guidelines, "sms")) < len(enforce(long_text, guidelines, "telegram"))


def test_cut_to_length_keeps_whole_sentences_or_cuts_a_single_long_one_at_a_word() -> None:
    assert cut_to_length("One two. Three four. Five six.", 20) == "One two. Three four."
    assert cut_to_length("Short.", 100) == "Short."
    cut = cut_to_length("A very long sentence without any full stop in it at all", 20)
    assert len(cut) <= 20 and cut.endswith("…") and " " not in cut[-2:]
    # decimals and domains do not end sentences
    assert split_sentences("It costs $4.95 at harborandpine.example today. Next one.") == [
        "It costs $4.95 at harborandpine.example today.",
        "Next one.",
    ]


def test_disclaimers_are_appended_once_when_the_subject_comes_up() -> None:
    guidelines = load_guidelines()
    refund = next(d for d in guidelines.disclaimers if d.id == "refund_amounts")
    text = enforce("Refunds reach your card 5-7 business days after the return arrives.", guidelines, "webchat")
    assert text.endswith(refund.text)
    assert text.count(refund.text) == 1
    from_question = enforce("It takes 5-7 business days.", guidelines, "webchat", context="when is my refund?")
    assert refund.text in from_question
    assert refund.text not in enforce("Standard shipping is free from $50.", guidelines, "webchat")


def test_restricted_topics_match_whole_words_only() -> None:
    guidelines = load_guidelines()
    assert guidelines.restricted_topic("Can I sue you over a late parcel?").id == "legal"  # type: ignore[union-attr]
    assert guidelines.restricted_topic("Is this cheaper than on Amazon?").id == "competitors"  # type: ignore[union-attr]
    assert guidelines.restricted_topic("I got a rash from the wool sweater").id == "medical"  # type: ignore[union-attr]
    assert guidelines.restricted_topic("Should I invest in bitcoin?").id == "financial"  # type: ignore[union-attr]
    # "issue", "pursue", "loaned" do not trigger "sue" / "loan"
    assert guidelines.restricted_topic("I have an issue with the pursue jacket I loaned") is None
    assert guidelines.restricted_topic("How do I return a gift?") is None
