"""Messages in other languages (bot/languages.py): when a message counts as another language, and the replies."""

from __future__ import annotations

import pytest

from bot.languages import LanguagePolicyError, load_language_policy, parse_language_policy, unsupported_language

POLICY = load_language_policy()


def detector(code: str, confidence: float = 0.9):
    calls = []

    def detect(text: str):
        calls.append(text)
        return [(code, confidence), ("en", 0.05)]

    detect.calls = calls  # type: ignore[attr-defined]
    return detect


@pytest.mark.parametrize("text", ["ok", "merci", "hola", "HP-482913", "02139", "maya@example.com",
                                  "where is my order", "I'm in Montréal, merci for the help",
                                  "can I return the jacket I bought in Paris"])
def test_english_short_and_noise_messages_never_count_as_another_language(text: str) -> None:
    assert unsupported_language(text, POLICY, detector("fr")) is None


def test_a_confident_detection_of_an_unsupported_language_counts() -> None:
    assert unsupported_language("¿Dónde está mi pedido HP-482913?", POLICY, detector("es")) == "es"
    assert unsupported_language("我的订单在哪里", POLICY, detector("zh")) == "zh"  # one 'word', but not Latin
    assert unsupported_language("Je voudrais retourner une veste", POLICY, detector("fr", 0.4)) is None  # unsure
    assert unsupported_language("Je voudrais retourner une veste", POLICY, detector("en")) is None  # supported


def test_the_order_number_is_left_out_before_detection() -> None:
    detect = detector("de")
    unsupported_language("Wo ist meine Bestellung HP-482913?", POLICY, detect)
    assert "482913" not in detect.calls[0]


def test_every_language_with_a_reply_has_its_own_and_others_get_the_default() -> None:
    assert POLICY.reply_for("es").text.startswith("Lo siento") and POLICY.reply_for("es").person_button
    assert POLICY.reply_for("tr") == POLICY.default
    assert "English" in POLICY.default.text


@pytest.mark.parametrize(("raw", "message"), [
    ({"supported": ["english"], "detect": ["en"], "default": {"text": "x", "person_button": "y"}}, "supported"),
    ({"supported": ["en"], "detect": ["fr"], "default": {"text": "x", "person_button": "y"}}, "detect"),
    ({"supported": ["en"], "detect": ["en"], "default": {"text": ""}}, "default"),
    ({"supported": ["en"], "detect": ["en"], "min_confidence": 2, "default": {"text": "x", "person_button": "y"}},
     "min_confidence"),
    ({"supported": ["en"], "detect": ["en"], "default": {"text": "x", "person_button": "y"},
      "replies": {"es": {"text": "x", "person_button": "y"}}}, "replies.es"),
])
def test_a_wrong_section_names_the_key(raw, message: str) -> None:
    with pytest.raises(LanguagePolicyError, match=message):
        parse_language_policy(raw)
