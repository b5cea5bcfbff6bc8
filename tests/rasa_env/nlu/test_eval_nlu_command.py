"""`python -m bot eval-nlu` and `make eval-nlu`: the evaluation contract, end to end, on fixture CSVs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import paths

REQUIRED = {"accuracy", "macro_f1", "n_train", "n_test", "train_seconds", "predict_ms_p50", "in_scope_accuracy", "oos_recall"}


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(paths.ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def _eval(train: Path, test: Path, out: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "bot", "eval-nlu", "--train", str(train), "--test", str(test), "--out", str(out)]
    return subprocess.run(command, cwd=paths.ROOT, env=_env(), capture_output=True, text=True, timeout=600)


def test_eval_nlu_on_fixture_reports_every_key(encoder_dir: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "result" / "nlu.json"
    result = _eval(fixtures_dir / "train.csv", fixtures_dir / "test.csv", out)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert REQUIRED <= set(report)
    assert report["n_train"] == 38 and report["n_test"] == 16 and report["n_test_oos"] == 4
    # trivially separable fixture: the project's pipeline must get it (nearly) all right
    assert report["accuracy"] > 0.9 and report["macro_f1"] > 0.9
    assert report["in_scope_accuracy"] > 0.9 and report["oos_recall"] >= 0.75
    assert 0 < report["train_seconds"] < 300 and 0 < report["predict_ms_p50"] < 1000
    assert report["pipeline"] == [step["name"] for step in yaml.safe_load(paths.CONFIG_YML.read_text())["pipeline"]]
    assert not list(tmp_path.glob("result/*.partial"))


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("text,label,speaker\nhi,greet,customer\n", "unknown column"),
        ("text\nhi\n", "expected exactly the columns"),
    ],
)
def test_bad_train_csv_exits_2_with_a_clear_message(fixtures_dir: Path, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.json"
    result = _eval(bad, fixtures_dir / "test.csv", out)
    assert result.returncode == 2
    assert message in result.stderr and "bad.csv" in result.stderr
    assert not out.exists()  # never a report with made-up numbers


def test_missing_test_csv_and_single_label_train(fixtures_dir: Path, tmp_path: Path) -> None:
    result = _eval(fixtures_dir / "train.csv", tmp_path / "missing.csv", tmp_path / "out.json")
    assert result.returncode == 2 and "does not exist" in result.stderr
    single = tmp_path / "single.csv"
    single.write_text("text,label\nhi,greet\nhello,greet\n", encoding="utf-8")
    result = _eval(single, fixtures_dir / "test.csv", tmp_path / "out.json")
    assert result.returncode == 2 and "at least 2 different labels" in result.stderr


def test_unwritable_out_is_refused_before_training(fixtures_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    for out in (tmp_path, tmp_path / "a-file" / "out.json"):  # a folder; a path under a file
        result = _eval(fixtures_dir / "train.csv", fixtures_dir / "test.csv", out)
        assert result.returncode == 2, result.stderr[-2000:]
        assert f"OUT {out} is not writable" in result.stderr


def test_make_eval_nlu_requires_train_test_and_out() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "eval-nlu", "TRAIN=x.csv"], cwd=paths.ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode != 0
    assert "TRAIN, TEST and OUT are required" in result.stderr


def test_cross_validation_folds_partition_the_data_per_label_and_repeat_per_seed() -> None:
    from bot.nlu.evaluate import stratified_folds

    labels = ["a"] * 10 + ["b"] * 5 + ["c"] * 3
    folds = stratified_folds(labels, 5, seed=0)
    assert sorted(i for fold in folds for i in fold) == list(range(len(labels)))
    for label, count in (("a", 10), ("b", 5)):
        assert [sum(labels[i] == label for i in fold) for fold in folds] == [count // 5] * 5
    assert stratified_folds(labels, 5, seed=0) == folds
