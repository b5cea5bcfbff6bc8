"""Fixtures of the NLU component tests: the exported ONNX encoder and small data files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import encoder as enc

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def encoder_dir() -> Path:
    """The ``make encoder`` export; the tests need the real model, so its absence is a failure."""
    folder = enc.default_model_dir()
    try:
        enc.read_manifest(folder)
    except enc.EncoderMissingError as error:
        pytest.fail(str(error))
    return folder


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Folder with sentences.json, st_embeddings.npy, train.csv and test.csv."""
    return FIXTURES
