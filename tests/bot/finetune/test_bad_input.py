"""Bad data and impossible settings are refused before any training starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.finetune.config import load_config
from bot.finetune.dataset import DatasetError
from bot.finetune.train import prepare

from .conftest import SMOKE_CONFIG, conversation, shipped_lines, write_split


def config_for(splits: Path, *extra: str):
    return load_config(SMOKE_CONFIG, [f"data.splits_dir={splits}", *extra])


def test_missing_split_names_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        prepare(config_for(tmp_path / "nowhere"))
    assert "train.jsonl: split not found" in str(info.value)
    assert "python -m bot data run" in str(info.value)


def test_empty_dataset_is_refused(tmp_path: Path) -> None:
    for split in ("train", "validation", "test"):
        write_split(tmp_path, split, [])
    with pytest.raises(DatasetError, match=r"train.jsonl: 0 customer->agent exchanges, fewer than data.min_train_examples=4"):
        prepare(config_for(tmp_path))


def test_too_small_dataset_is_refused(tmp_path: Path) -> None:
    write_split(tmp_path, "train", [conversation(f"c{i}", "Do gift cards expire?", "They never expire.") for i in range(3)])
    write_split(tmp_path, "validation", shipped_lines("validation", 2))
    write_split(tmp_path, "test", shipped_lines("test", 2))
    with pytest.raises(DatasetError, match="3 customer->agent exchanges, fewer than data.min_train_examples=4"):
        prepare(config_for(tmp_path))


def test_customer_only_conversations_count_as_empty(tmp_path: Path) -> None:
    only_customer = json.dumps({"conversation_id": "x", "turns": [{"role": "customer", "text": "hello?"}]})
    write_split(tmp_path, "train", [only_customer] * 10)
    write_split(tmp_path, "validation", shipped_lines("validation", 2))
    write_split(tmp_path, "test", shipped_lines("test", 2))
    with pytest.raises(DatasetError, match="train.jsonl: 0 customer->agent exchanges"):
        prepare(config_for(tmp_path))


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"id": 1, "messages": [{"from": "user", "body": "hi"}]}', "conversation_id"),
        ('{"conversation_id": "a", "turns": [{"role": "robot", "text": "hi"}]}', "turns.0.role"),
        ('{"conversation_id": "a", "schema_version": 9, "turns": []}', "schema_version"),
        ("question,answer", "not valid JSON"),
    ],
)
def test_schema_mismatch_names_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    write_split(tmp_path, "train", shipped_lines("train", 3) + [line])
    write_split(tmp_path, "validation", shipped_lines("validation", 2))
    write_split(tmp_path, "test", shipped_lines("test", 2))
    with pytest.raises(DatasetError) as info:
        prepare(config_for(tmp_path))
    message = str(info.value)
    assert "train.jsonl:4" in message and reason in message and "canonical conversation schema" in message


def test_max_length_shorter_than_the_prompt_is_refused(tmp_path: Path) -> None:
    for split, n in (("train", 6), ("validation", 2), ("test", 2)):
        write_split(tmp_path, split, shipped_lines(split, n))
    with pytest.raises(DatasetError) as info:
        prepare(config_for(tmp_path, "training.max_seq_len=128"))
    assert "training.max_seq_len=128 is shorter than every train example" in str(info.value)
    assert "set training.max_seq_len to at least" in str(info.value)


def test_cli_reports_bad_input_with_exit_code_2_and_trains_nothing(tmp_path: Path) -> None:
    out = tmp_path / "generator"
    registry = out / "registry.json"
    out.mkdir()
    registry.write_text('{"active": null}', encoding="utf-8")
    before = registry.read_bytes()
    assert main(["finetune", "--config", str(SMOKE_CONFIG), "--set", "lora.rank=0", "--set", f"output.dir={out}"]) == 2
    assert main(["finetune", "--config", str(SMOKE_CONFIG), "--set", f"data.splits_dir={tmp_path / 'none'}",
                 "--set", f"output.dir={out}"]) == 2
    assert main(["finetune", "--config", str(SMOKE_CONFIG), "--resume", "--set", "lora.rank=4"]) == 2
    assert registry.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["registry.json"]
