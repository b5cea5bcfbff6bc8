"""Fixtures of the generation tests: the fixture knowledge folder's index, the real generator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.bot.generation.knowledge_docs import write_knowledge


@pytest.fixture(scope="session")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real hybrid retriever over a temporary index of the fixture documents."""
    from bot.knowledge.indexer import build_index
    from bot.knowledge.retriever import load_retriever

    base = tmp_path_factory.mktemp("generation-kb")
    docs = write_knowledge(base / "knowledge")
    build_index(docs, base / "index", progress=False)
    return load_retriever(base / "index", docs)


@pytest.fixture(scope="session")
def generator() -> Any:
    """The real process-wide generator (llama.cpp when installed, else PyTorch)."""
    from bot.generation.model import get_generator

    return get_generator()


@pytest.fixture(scope="session")
def guidelines() -> Any:
    from bot.guidelines import load_guidelines

    return load_guidelines()
