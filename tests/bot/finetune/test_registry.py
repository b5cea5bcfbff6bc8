"""Registry and promotion rules on run folders (the smoke test promotes a really trained run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.finetune.registry import PromotionRefused, RegistryError, deactivate, promote, read_registry
from bot.generation.model import active_adapter


def make_run(folder: Path, run_id: str, similarity: float, unsupported: float, base_similarity: float = 0.3,
             base_unsupported: float = 0.5, validation_digest: str = "abc",
             test: tuple[float, float] = (0.5, 0.2)) -> Path:
    """A run folder whose validation metrics are the given ones; its test metrics are ``test``
    (similarity, unsupported rate of the fine-tuned model), which promotion must ignore."""
    run = folder / run_id
    (run / "adapter").mkdir(parents=True)
    (run / "adapter" / "adapter_config.json").write_text("{}", encoding="utf-8")
    metrics = {
        "run_id": run_id, "created": f"2026-01-01T00:00:{len(list(folder.iterdir())):02d}",
        "validation_digest": validation_digest, "test_digest": "t",
        "evaluation": {"validation_examples": 32, "max_examples": 0, "max_new_tokens": 64},
        "validation": {
            "finetuned": {"perplexity": 3.0, "answer_similarity": similarity, "unsupported_fact_rate": unsupported},
            "base": {"perplexity": 9.0, "answer_similarity": base_similarity, "unsupported_fact_rate": base_unsupported},
        },
        "test": {
            "finetuned": {"perplexity": 3.0, "answer_similarity": test[0], "unsupported_fact_rate": test[1]},
            "base": {"perplexity": 9.0, "answer_similarity": 0.4, "unsupported_fact_rate": 0.3},
        },
    }
    (run / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    return run


def test_first_promotion_compares_with_the_base_model(tmp_path: Path) -> None:
    make_run(tmp_path, "good", 0.6, 0.1)
    make_run(tmp_path, "worse-than-base", 0.2, 0.1)
    with pytest.raises(PromotionRefused, match="answer_similarity 0.2 < 0.3"):
        promote(tmp_path, "worse-than-base")
    assert not (tmp_path / "registry.json").exists()
    result = promote(tmp_path, "good")
    assert result.previous is None and not result.reasons
    assert read_registry(tmp_path)["active"] == "good"
    # The serving side reads what we wrote.
    adapter = active_adapter(tmp_path)
    assert adapter is not None and adapter.run_id == "good" and adapter.peft is not None


def test_worse_candidate_is_refused_and_registry_untouched_then_forced(tmp_path: Path) -> None:
    make_run(tmp_path, "a", 0.6, 0.1)
    make_run(tmp_path, "b", 0.55, 0.2)
    promote(tmp_path, "a")
    before = (tmp_path / "registry.json").read_bytes()
    with pytest.raises(PromotionRefused) as info:
        promote(tmp_path, "b")
    assert "answer_similarity 0.55 < 0.6" in str(info.value) and "unsupported_fact_rate 0.2 > 0.1" in str(info.value)
    assert (tmp_path / "registry.json").read_bytes() == before
    forced = promote(tmp_path, "b", force=True)
    assert forced.reasons and read_registry(tmp_path)["active"] == "b"
    assert read_registry(tmp_path)["history"][-1]["forced"] is True
    assert deactivate(tmp_path) == "b"
    assert active_adapter(tmp_path) is None


def test_runs_on_different_validation_splits_are_not_compared(tmp_path: Path) -> None:
    make_run(tmp_path, "a", 0.6, 0.1)
    make_run(tmp_path, "b", 0.9, 0.0, validation_digest="other")
    promote(tmp_path, "a")
    with pytest.raises(PromotionRefused, match="different validation splits"):
        promote(tmp_path, "b")


def test_promotion_reads_validation_never_test(tmp_path: Path) -> None:
    # "test-star" is far better on test but worse on validation: refused.
    make_run(tmp_path, "a", 0.6, 0.1, test=(0.5, 0.2))
    make_run(tmp_path, "test-star", 0.55, 0.1, test=(0.99, 0.0))
    promote(tmp_path, "a")
    with pytest.raises(PromotionRefused, match="validation answer_similarity 0.55 < 0.6"):
        promote(tmp_path, "test-star")
    # "val-star" is better on validation and worse on test: promoted.
    make_run(tmp_path, "val-star", 0.7, 0.05, test=(0.1, 0.9))
    assert promote(tmp_path, "val-star").reasons == ()


def test_a_run_without_validation_metrics_is_refused(tmp_path: Path) -> None:
    run = make_run(tmp_path, "old", 0.6, 0.1)
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    metrics["finetuned"] = metrics.pop("test")["finetuned"]  # the layout of runs before validation decided
    del metrics["validation"]
    (run / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    with pytest.raises(PromotionRefused, match="no validation metrics"):
        promote(tmp_path, "old")


def test_unknown_or_unfinished_runs_and_bad_registry(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="no such run"):
        promote(tmp_path, "missing")
    (tmp_path / "half").mkdir()
    with pytest.raises(RegistryError, match="did not finish"):
        promote(tmp_path, "half")
    make_run(tmp_path, "a", 0.6, 0.1)
    (tmp_path / "registry.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RegistryError, match="not readable JSON"):
        promote(tmp_path, "a")


def test_generator_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_run(tmp_path, "a", 0.6, 0.1)
    make_run(tmp_path, "b", 0.5, 0.3)
    assert main(["generator", "--dir", str(tmp_path), "promote", "a"]) == 0
    assert main(["generator", "--dir", str(tmp_path), "promote", "b"]) == 1
    assert read_registry(tmp_path)["active"] == "a"
    assert main(["generator", "--dir", str(tmp_path), "promote", "b", "--force"]) == 0
    assert main(["generator", "--dir", str(tmp_path), "list"]) == 0
    out = capsys.readouterr().out
    assert "* b" in out and "active: b" in out
    assert main(["generator", "--dir", str(tmp_path), "promote", "nope"]) == 2
