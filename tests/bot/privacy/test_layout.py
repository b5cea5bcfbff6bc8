"""The shape of bot/privacy/: no import cycle, every module importable on its own, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "bot" / "privacy"
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
)


def _imports(module: str) -> Set[str]:
    """The bot.privacy modules that ``module`` imports, at the top or inside a function."""
    path = ROOT.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot.privacy"):
            for alias in node.names:  # "from bot.privacy import lexicon" imports a module
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot.privacy"))
    return found - {module}


def test_the_package_has_no_import_cycle() -> None:
    graph: Dict[str, Set[str]] = {m: _imports(m) for m in MODULES}
    assert all(target in MODULES for targets in graph.values() for target in targets)
    done: Set[str] = set()

    def visit(module: str, path: List[str]) -> None:
        if module in path:
            pytest.fail("import cycle: " + " -> ".join(path[path.index(module):] + [module]))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, path + [module])
        done.add(module)

    for module in MODULES:
        visit(module, [])


def test_nothing_imports_the_redactor_from_below() -> None:
    """Recognisers, lexicon and tagger never import the orchestration (that was the redact <-> pii_tagger circle)."""
    for module in MODULES:
        if module not in ("bot.privacy.redactor", "bot.privacy.evaluation"):
            assert "bot.privacy.redactor" not in _imports(module), module


def test_every_module_imports_on_its_own() -> None:
    """Each module first in a fresh interpreter: an import cycle or a hidden order dependency fails here."""
    script = "import importlib, sys\nimportlib.import_module(sys.argv[1])\n"
    for module in MODULES:
        result = subprocess.run([sys.executable, "-c", script, module], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, (module, result.stderr[-2000:])


def test_the_package_imports_without_pydantic() -> None:
    """The redactor needs no pydantic (the Rasa environment has pydantic 1): the pipeline's models are type hints only."""
    script = ("import sys\nsys.modules['pydantic'] = None\n"
              "from bot.privacy.redactor import Redactor\n"
              "print(Redactor().redact_text('mail me at ann.lee@example.com'))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "mail me at <EMAIL_1>"


@pytest.mark.parametrize("module", MODULES)
def test_modules_stay_small(module: str) -> None:
    path = ROOT.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, f"{path}: split it by recogniser family"
