"""The LanguageGate NLU component with the real offline detector (lingua)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.languages import load_language_policy
from bot.nlu.language import LanguageGate

GATE = LanguageGate(load_language_policy())


def run(text: str) -> Message:
    message = Message(data={"text": text, "intent": {"name": "order_status", "confidence": 0.8}})
    GATE.process([message])
    return message


@pytest.mark.parametrize(("text", "language"), [
    ("¿Dónde está mi pedido? Lo compré hace dos semanas", "es"),
    ("Je voudrais retourner une veste qui est trop petite", "fr"),
    ("Wo ist meine Bestellung? Ich warte seit einer Woche", "de"),
    ("Quanto custa o frete para o Canadá?", "pt"),
    ("Posso restituire le scarpe che ho comprato?", "it"),
    ("我的订单在哪里", "zh"),
])
def test_messages_in_other_languages_get_the_other_language_intent(text: str, language: str) -> None:
    message = run(text)
    assert message.get("intent")["name"] == "other_language"
    assert [e["value"] for e in message.get("entities")] == [language]


@pytest.mark.parametrize("text", ["where is my order HP-482913", "ok", "thx", "merci", "I'm in Montréal, merci",
                                  "the duvet cover i got has a huge hole in it. what now", "Bonjour",
                                  "can i pay with paypal", "maya.lindqvist@example.com", "M5V 2T6"])
def test_english_messages_pass_through(text: str) -> None:
    assert run(text).get("intent")["name"] == "order_status"
