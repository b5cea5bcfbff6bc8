from __future__ import annotations

import shutil
from pathlib import Path

from bot import paths
from bot.rasa_model import content_hash, current_model_path, training_files


def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(paths.ROOT / name, root / name)
    for path in (paths.ROOT / "data").glob("*.yml"):
        shutil.copy(path, root / "data" / path.name)
    return root


def test_model_name_follows_the_training_content(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    first = current_model_path(root)
    assert first.name.startswith("switchboard-") and first.parent == root / "models" / "rasa"

    # Files that are not training data do not change the model.
    (root / "data" / "orders.csv").write_text("x", encoding="utf-8")
    (root / "README.md").write_text("x", encoding="utf-8")
    assert current_model_path(root) == first

    rules = root / "data" / "rules.yml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    changed = current_model_path(root)
    assert changed != first


def test_hash_covers_config_domain_and_data(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    names = {p.relative_to(root).as_posix() for p in training_files(root)}
    assert {"config.yml", "domain.yml", "data/rules.yml", "data/stories.yml"} <= names
    before = content_hash(training_files(root), root)
    (root / "config.yml").write_text((root / "config.yml").read_text() + "\n", encoding="utf-8")
    assert content_hash(training_files(root), root) != before


def test_hash_covers_the_code_of_the_components_config_names(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    package = root / "bot" / "nlu"
    package.mkdir(parents=True)
    (package / "classifier.py").write_text("# component\n", encoding="utf-8")
    (package / "linear_model.py").write_text("C = 1\n", encoding="utf-8")
    (root / "bot" / "unrelated.py").write_text("x = 1\n", encoding="utf-8")
    (root / "config.yml").write_text(
        "pipeline:\n  - name: WhitespaceTokenizer\n  - name: bot.nlu.classifier.DenseSparseIntentClassifier\n",
        encoding="utf-8",
    )
    names = {p.relative_to(root).as_posix() for p in training_files(root)}
    assert {"bot/nlu/classifier.py", "bot/nlu/linear_model.py"} <= names
    assert "bot/unrelated.py" not in names
    before = content_hash(training_files(root), root)
    (package / "linear_model.py").write_text("C = 2\n", encoding="utf-8")  # a helper module of the component
    assert content_hash(training_files(root), root) != before
