"""`make run` warms the knowledge answers up before it says the bot is running."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import launcher
from tests.bot.generation.knowledge_docs import write_knowledge

pytestmark = pytest.mark.slow


def test_the_warm_up_question_loads_the_models_in_the_action_server(tmp_path: Path) -> None:
    from bot.knowledge.indexer import build_index

    docs = write_knowledge(tmp_path / "knowledge")
    build_index(docs, tmp_path / "index", progress=False)
    port = launcher.free_port()
    server = launcher.action_server(port, tmp_path / "log", env={
        "SWITCHBOARD_VAR_DIR": str(tmp_path), "SWITCHBOARD_KNOWLEDGE_INDEX": str(tmp_path / "index"),
        "SWITCHBOARD_KNOWLEDGE_DOCS": str(docs)})
    server.start()
    try:
        server.wait_healthy(timeout=300)
        texts = launcher.warm_up_actions(port)  # the index and the generator loaded and answered
        assert texts and not any("can't look that up" in text for text in texts), texts
    finally:
        server.stop()


def test_a_warm_up_without_an_action_server_says_so() -> None:
    with pytest.raises(RuntimeError, match="did not answer the warm-up question"):
        launcher.warm_up_actions(launcher.free_port(), timeout=5)
