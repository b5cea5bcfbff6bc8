"""Well-known locations of the project, all derived from the repository root."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""Repository root (the folder holding config.yml and domain.yml)."""

DATA_DIR = ROOT / "data"
KNOWLEDGE_DIR = DATA_DIR / "knowledge"
ORDERS_CSV = DATA_DIR / "orders.csv"

MODELS_DIR = ROOT / "models"
RASA_MODELS_DIR = MODELS_DIR / "rasa"

VENV_DIR = ROOT / ".venv"
RASA_VENV = VENV_DIR / "rasa"
ML_VENV = VENV_DIR / "ml"

CONFIG_YML = ROOT / "config.yml"
DOMAIN_YML = ROOT / "domain.yml"
CREDENTIALS_YML = ROOT / "credentials.yml"
ENDPOINTS_YML = ROOT / "endpoints.yml"
GUIDELINES_YML = ROOT / "guidelines.yml"


def var_dir() -> Path:
    """Folder for runtime state (tracker database, logs); ``SWITCHBOARD_VAR_DIR`` overrides it."""
    return Path(os.environ.get("SWITCHBOARD_VAR_DIR", ROOT / "var"))


def rasa_executable() -> Path:
    """The ``rasa`` command of the Rasa environment."""
    return RASA_VENV / "bin" / "rasa"


def ml_python() -> Path:
    """The Python interpreter of the ML (action server) environment."""
    return ML_VENV / "bin" / "python"


def rasa_python() -> Path:
    """The Python interpreter of the Rasa environment."""
    return RASA_VENV / "bin" / "python"
