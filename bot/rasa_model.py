"""Train the Rasa model when config.yml, domain.yml or the training data changed.

The model is named after a content hash of everything Rasa trains on, so an
unchanged project reuses ``models/rasa/switchboard-<hash>.tar.gz`` and a changed
one trains a new model. Training runs in the Rasa environment.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Optional

from bot import paths

logger = logging.getLogger(__name__)

MODEL_PREFIX = "switchboard-"
TRAINING_DATA_GLOBS = ("*.yml", "*.yaml")


def training_files(root: Path = paths.ROOT) -> list[Path]:
    """Every file whose content determines the trained model, in a stable order.

    That is config.yml, domain.yml, the training data, and the Python code of the project's own
    components that config.yml names (every module of their package, e.g. all of ``bot/nlu/``
    for ``bot.nlu.classifier.DenseSparseIntentClassifier``): a change to how a component trains
    must train a new model.
    """
    data_dir = root / "data"
    files = [root / "config.yml", root / "domain.yml"]
    for pattern in TRAINING_DATA_GLOBS:
        files.extend(sorted(data_dir.glob(pattern)))
    for package in _component_packages(root / "config.yml", root):
        files.extend(sorted(package.glob("*.py")))
    return [f for f in files if f.is_file()]


def _component_packages(config: Path, root: Path) -> list[Path]:
    """Folders of the project's own Python packages whose classes config.yml names (``bot.x.y.Class``)."""
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []  # Rasa reports a broken config.yml itself, with a better message
    names = [str(step.get("name", "")) for key in ("pipeline", "policies")
             for step in (data.get(key) or []) if isinstance(step, dict)]
    packages = set()
    for name in names:
        parts = name.split(".")
        if len(parts) >= 3:
            folder = root.joinpath(*parts[:-2])
            if (folder / f"{parts[-2]}.py").is_file():
                packages.add(folder)
    return sorted(packages)


def content_hash(files: Iterable[Path], root: Path = paths.ROOT) -> str:
    """SHA-256 over the relative names and contents of ``files`` (first 16 hex digits)."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path_for(project_hash: str, models_dir: Path = paths.RASA_MODELS_DIR) -> Path:
    """Where the model trained from a project with this hash lives."""
    return models_dir / f"{MODEL_PREFIX}{project_hash}.tar.gz"


def current_model_path(root: Path = paths.ROOT) -> Path:
    """The model path matching the project's current content (it may not exist yet)."""
    return model_path_for(content_hash(training_files(root), root), root / "models" / "rasa")


def ensure_trained(root: Path = paths.ROOT, force: bool = False) -> Path:
    """Train the Rasa model unless one for the current content exists; return its path.

    Raises:
        RuntimeError: when ``rasa train`` fails (its output is shown on the console).
    """
    target = current_model_path(root)
    if target.exists() and not force:
        logger.info("Rasa model is up to date: %s", target.relative_to(root))
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    logger.info("Training the Rasa model (config, domain or data changed) -> %s", target.relative_to(root))
    started = time.monotonic()
    # Train into a fresh private folder and rename, so an interrupted training
    # never leaves a file that looks like a finished model, and rasa never
    # skips training because it finds an older model in the output folder.
    staging = Path(tempfile.mkdtemp(prefix=".training-", dir=target.parent))
    try:
        command = [
            str(paths.rasa_executable()), "train",
            "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
            "--out", str(staging), "--fixed-model-name", "model",
        ]
        result = subprocess.run(command, cwd=root, env=_rasa_env(root))
        partial = staging / "model.tar.gz"
        if result.returncode != 0 or not partial.exists():
            raise RuntimeError(
                f"rasa train failed (exit code {result.returncode}, model written: {partial.exists()}); "
                "see its output above"
            )
        os.replace(partial, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("Trained in %.0f s", time.monotonic() - started)
    return target


def run_conversation_tests(model: Path, stories: Path, root: Path = paths.ROOT) -> int:
    """Run ``rasa test core --e2e`` on test stories; returns rasa's exit code (non-zero on any failed story)."""
    out_dir = paths.var_dir() / "rasa-test-results"
    command = [
        str(paths.rasa_executable()), "test", "core", "--model", str(model),
        "--stories", str(stories), "--e2e", "--fail-on-prediction-errors", "--out", str(out_dir),
    ]
    logger.info("Running conversation tests %s", stories)
    return subprocess.run(command, cwd=root, env=_rasa_env(root)).returncode


def _rasa_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    return env


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m bot train``."""
    parser.add_argument("--force", action="store_true", help="train even if an up-to-date model exists")
    parser.add_argument(
        "--test-stories", type=Path, metavar="FILE",
        help="after training, run these Rasa test stories and fail on any prediction error",
    )


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m bot train``."""
    if not paths.rasa_executable().exists():
        print(f"error: {paths.rasa_executable()} is missing; run `make envs` first", file=sys.stderr)
        return 2
    try:
        model = ensure_trained(force=args.force)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.test_stories:
        return run_conversation_tests(model, args.test_stories)
    return 0


def latest_model(models_dir: Path = paths.RASA_MODELS_DIR) -> Optional[Path]:
    """The most recently trained model, or None."""
    models = sorted(models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None
