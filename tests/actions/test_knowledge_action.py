"""action_answer_question (actions/knowledge.py) with a real rasa_sdk Tracker and dispatcher."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.bot.generation.knowledge_docs import write_knowledge

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _tracker(text: str, channel: str = "webchat") -> Tracker:
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "hi", "input_channel": channel, "parse_data": {}},
        {"event": "bot", "text": "Hi, I'm Pip."},
        {"event": "user", "text": text, "input_channel": channel, "parse_data": {}},
    ]
    return Tracker(
        sender_id="test",
        slots={"knowledge_abstained": False},
        latest_message={"text": text, "intent": {"name": "ask_question"}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _run(text: str, channel: str = "webchat") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from actions.knowledge import ActionAnswerQuestion

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerQuestion().run(dispatcher, _tracker(text, channel), {}))
    return dispatcher.messages, events


@pytest.fixture(scope="module")
def knowledge_env(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from bot.knowledge.indexer import build_index

    base = tmp_path_factory.mktemp("action-kb")
    docs = write_knowledge(base / "knowledge")
    build_index(docs, base / "index", progress=False)
    return docs, base / "index"


def test_importing_the_actions_loads_no_model() -> None:
    spec = importlib.util.spec_from_file_location("knowledge_action_probe", ROOT / "actions" / "knowledge.py")
    assert spec and spec.loader
    before = set(sys.modules)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loaded = set(sys.modules) - before
    assert not {"torch", "llama_cpp", "faiss", "sentence_transformers"} & loaded


def test_recent_turns_skip_the_question_and_keep_order() -> None:
    from actions.knowledge import recent_turns

    turns = recent_turns(_tracker("Can I return a gift?").events)
    assert [(t.role, t.text) for t in turns] == [("customer", "hi"), ("assistant", "Hi, I'm Pip.")]


def test_a_knowledge_question_is_answered_with_a_citation(knowledge_env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, index = knowledge_env
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_INDEX", str(index))
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_DOCS", str(docs))
    messages, events = _run("How much does express shipping cost?")
    assert len(messages) == 1 and messages[0]["text"].endswith("\nSource: Shipping options")
    assert events == [{"event": "slot", "timestamp": None, "name": "knowledge_abstained", "value": False}]


def test_abstention_sets_the_slot_and_offers_a_colleague(knowledge_env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, index = knowledge_env
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_INDEX", str(index))
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_DOCS", str(docs))
    messages, events = _run("what's the capital of Peru?")
    assert messages[0]["text"] == "I'm not sure about that one, and I'd rather not guess."
    assert messages[1]["response"] == "utter_offer_human"
    assert events[0]["value"] is True


def test_without_an_index_the_action_says_so_and_logs_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_INDEX", str(tmp_path / "no-index"))
    monkeypatch.setenv("SWITCHBOARD_KNOWLEDGE_DOCS", str(tmp_path))
    with caplog.at_level(logging.ERROR):
        messages, events = _run("How much does express shipping cost?")
    assert len(messages) == 1
    assert messages[0]["text"].startswith("Sorry, I can't look that up right now.")
    assert events[0]["value"] is True
    assert any("Knowledge index unavailable" in r.getMessage() for r in caplog.records)
