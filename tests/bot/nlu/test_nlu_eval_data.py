"""bot.nlu.evaluate without Rasa: strict CSV reading, safe intent names, metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.evaluate import EvalDataError, Example, compute_metrics, intent_names, read_examples


def _write(tmp_path: Path, content: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_reads_text_and_label_with_quoted_commas(tmp_path: Path) -> None:
    path = _write(tmp_path, 'text,label\n"hello, there",greet\nwhere is my order,order status\n\n')
    assert read_examples(path, "TRAIN") == [Example("hello, there", "greet"), Example("where is my order", "order status")]


@pytest.mark.parametrize("header", ["label,text", "text,category", "TEXT,Intent"])
def test_label_column_aliases_and_order(tmp_path: Path, header: str) -> None:
    first, second = header.split(",")
    row = "hi,greet" if first.lower() == "text" else "greet,hi"
    assert read_examples(_write(tmp_path, f"{header}\n{row}\n"), "TEST") == [Example("hi", "greet")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("text,label\n", "no examples"),
        ("text,label,source\nhi,greet,web\n", r"unknown column\(s\): \['source'\]"),
        ("sentence,label\nhi,greet\n", "expected exactly the columns"),
        ("text,label,intent\nhi,greet,greet\n", "expected exactly the columns"),
        ("text,label\nhi,greet\nhello,greet,extra\n", "line 3: 3 fields"),
        ("text,label\nhi,\n", "line 2: empty label"),
        ("text,label\n ,greet\n", "line 2: empty text"),
    ],
)
def test_bad_csvs_fail_with_the_reason(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(EvalDataError, match=message):
        read_examples(_write(tmp_path, content), "TRAIN")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="does not exist"):
        read_examples(tmp_path / "nope.csv", "TEST")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("text,label\ncaf\xe9,greet\n".encode("latin-1"))
    with pytest.raises(EvalDataError, match="not UTF-8"):
        read_examples(bad, "TEST")


def test_intent_names_are_safe_unique_and_reversible() -> None:
    labels = ["greet", "order status", "return/refund", "nlu_fallback", "café", "label_1", "a b", "a/b", "oos"]
    mapping = intent_names(labels)
    assert mapping["greet"] == "greet" and mapping["oos"] == "oos"
    assert len(set(mapping.values())) == len(labels)
    for name in mapping.values():
        assert name.replace("_", "").isalnum() and name.isascii(), name
    assert mapping["nlu_fallback"] != "nlu_fallback"


def test_metrics_with_oos_and_fallback() -> None:
    truth = ["a", "a", "b", "oos", "oos"]
    predicted = ["a", "nlu_fallback", "b", "nlu_fallback", "a"]
    top = ["a", "a", "b", "b", "a"]
    metrics = compute_metrics(truth, predicted, top)
    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["accuracy_without_fallback"] == pytest.approx(3 / 5)
    assert metrics["in_scope_accuracy"] == pytest.approx(2 / 3)
    assert metrics["oos_recall"] == pytest.approx(1 / 2)
    assert metrics["fallback_rate"] == pytest.approx(2 / 5)
    # F1: a = 2*1/(2+1+1) = 0.5 (fallback counts as oos), b = 1, oos = 2*1/(2+1+1) = 0.5
    assert metrics["macro_f1"] == pytest.approx((0.5 + 1.0 + 0.5) / 3)


def test_metrics_without_oos_have_no_oos_keys() -> None:
    metrics = compute_metrics(["a", "b"], ["a", "nlu_fallback"], ["a", "b"])
    assert metrics["accuracy"] == 0.5 and metrics["accuracy_without_fallback"] == 1.0
    assert "oos_recall" not in metrics and "in_scope_accuracy" not in metrics
