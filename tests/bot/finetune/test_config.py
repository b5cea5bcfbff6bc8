"""Config loading, overrides and impossible values (no model is loaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.finetune.config import ConfigError, load_config
from bot.paths import ROOT

DEFAULT = ROOT / "configs" / "finetune.yml"
SMOKE = ROOT / "configs" / "finetune-smoke.yml"


def test_shipped_configs_load() -> None:
    config = load_config(DEFAULT)
    assert config.lora.rank == 16 and config.training.max_steps == 100
    assert config.training.learning_rate == pytest.approx(6e-4)
    smoke = load_config(SMOKE)
    assert smoke.training.max_steps <= 5 and smoke.data.max_train_examples <= 10


def test_overrides_are_typed_and_nested() -> None:
    config = load_config(DEFAULT, ["training.max_steps=7", "training.learning_rate=3e-4",
                                   "lora.target_modules=[q_proj,v_proj]", "evaluation.compare_base=false"])
    assert config.training.max_steps == 7
    assert config.training.learning_rate == pytest.approx(3e-4)
    assert config.lora.target_modules == ["q_proj", "v_proj"]
    assert config.evaluation.compare_base is False
    assert config.lora.rank == 16  # untouched keys keep the file's value


@pytest.mark.parametrize(
    "override, message",
    [
        ("lora.rank=0", "lora.rank must be >= 1"),
        ("lora.alpha=-2", "lora.alpha must be > 0"),
        ("lora.dropout=1.5", "lora.dropout"),
        ("training.learning_rate=-0.001", "training.learning_rate must be > 0"),
        ("lora.target_modules=[q_proj,attention]", "unknown module(s) ['attention']"),
        ("training.batch_size=0", "training.batch_size must be >= 1"),
        ("training.max_seq_len=16", "training.max_seq_len must be >= 64"),
        ("training.lr_schedule=exponential", "training.lr_schedule must be one of"),
        ("training.max_steps=ten", "training.max_steps must be a whole number"),
        ("lora.ranks=4", "unknown key(s) lora.ranks"),
        ("model.name=gpt", "unknown section(s) ['model']"),
        ("output.run_id=../escape", "output.run_id"),
    ],
)
def test_impossible_values_are_refused_with_the_key(override: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(DEFAULT, [override])
    assert message in str(info.value)
    assert str(DEFAULT) in str(info.value)


def test_malformed_override_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="section.key=value"):
        load_config(DEFAULT, ["max_steps"])
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_config(bad)
