"""Fixtures shared by every test folder (standard library + pytest only: loaded in both environments)."""

from __future__ import annotations

import os
import tempfile
from typing import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Runtime state of code under test (key files, databases) never lands in the checkout's var/.
os.environ.setdefault("SWITCHBOARD_VAR_DIR", tempfile.mkdtemp(prefix="switchboard-tests-"))


@pytest.fixture(scope="session")
def live_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator["LiveBot"]:
    """The real action server and Rasa server, started once per test session."""
    from tests.support.live import LiveBot

    bot = LiveBot(workdir=tmp_path_factory.mktemp("live-bot"))
    try:
        bot.start()
        yield bot
    finally:
        bot.stop()
