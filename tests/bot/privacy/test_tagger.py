"""The learned name and address tagger: tokens, tags to spans, training, the shipped model, the redactor's use of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.privacy.evaluation import load_eval
from bot.privacy.tagger import (
    HELD_OUT_GROUPS,
    MODEL_FILE,
    PiiTagger,
    spans_from_tags,
    tokenize,
    train,
)
from bot.privacy.redactor import RedactionConfig, Redactor

ROOT = Path(__file__).resolve().parents[3]
EVAL = Path(__file__).parents[1] / "data" / "fixtures" / "pii_eval.jsonl"


def test_tokens_keep_offsets_and_split_cjk_by_character() -> None:
    text = "Ship to 22 Jalan SS 2/24, 上海市浦东 박민지님!"
    tokens = tokenize(text)
    assert all(text[s:e] == word for s, e, word in tokens)
    words = [w for _, _, w in tokens]
    assert words[:8] == ["Ship", "to", "22", "Jalan", "SS", "2", "/", "24"]
    assert words[8:] == [",", "上", "海", "市", "浦", "东", "박", "민", "지", "님", "!"]


def test_tags_become_spans_of_the_tagged_types_only() -> None:
    tokens = tokenize("Hi Ann Lee at 5 Elm St order 12")
    tags = ["O", "B-PERSON", "I-PERSON", "O", "B-ADDRESS", "I-ADDRESS", "I-ADDRESS", "O", "B-EMAIL"]
    assert spans_from_tags(tokens, tags) == [(3, 10, "PERSON"), (14, 22, "ADDRESS")]
    # an I- after another type starts a new span; two B- in a row are two spans
    tags = ["O", "B-PERSON", "I-ADDRESS", "O", "B-PERSON", "B-PERSON", "O", "O", "O"]
    assert spans_from_tags(tokens, tags) == [(3, 6, "PERSON"), (7, 10, "ADDRESS"), (14, 15, "PERSON"), (16, 19, "PERSON")]


def _rows(template: str, values: list[tuple[str, str]], kind: str) -> list[dict]:
    rows = []
    for first, second in values:
        value = f"{first} {second}"
        text = template.format(value)
        start = text.index(value)
        rows.append({"text": text, "spans": [{"start": start, "end": start + len(value), "type": kind}]})
    return rows


def test_a_trained_model_generalises_a_context_to_new_names(tmp_path: Path) -> None:
    names = [("Zorblat", "Quimby"), ("Vexa", "Trundle"), ("Omri", "Falk"), ("Ilse", "Brandt"), ("Tavi", "Rook"),
             ("Nemo", "Sato"), ("Pell", "Varga"), ("Ruel", "Mora"), ("Kiri", "Tane"), ("Sunu", "Odo")]
    rows = _rows("please note the recipient is {} for this parcel", names, "PERSON")
    rows += [{"text": "please note the recipient desk is closed for this parcel", "spans": []}] * 5
    model = train(rows, tmp_path / "tiny.crfsuite", max_iterations=50)
    tagger = PiiTagger(model)
    text = "please note the recipient is Wubbo Ockels for this parcel"
    assert tagger.spans(text) == [(29, 41, "PERSON")]
    assert tagger.spans("please note the recipient desk is closed for this parcel") == []


def test_a_missing_model_file_names_the_command_that_builds_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="train-redaction-tagger"):
        PiiTagger(tmp_path / "absent.crfsuite")


def test_the_shipped_model_is_the_one_the_committed_labels_build(tmp_path: Path) -> None:
    rows = [r for r in load_eval(EVAL) if r["group"] not in HELD_OUT_GROUPS]
    rebuilt = train(rows, tmp_path / "rebuilt.crfsuite")
    assert rebuilt.read_bytes() == MODEL_FILE.read_bytes(), (
        "bot/privacy/tagger.crfsuite is stale: run `python -m bot data train-redaction-tagger`")


def test_the_tagger_completes_an_address_the_rules_found_part_of() -> None:
    text = "ship it to Plot 14, Admiralty Way, Lekki Phase 1, Lagos please"
    rules_only = Redactor(RedactionConfig(tagger=False)).detect(text)
    with_tagger = Redactor().detect(text)
    full = "Plot 14, Admiralty Way, Lekki Phase 1, Lagos"
    assert [text[d.start:d.end] for d in rules_only if d.type == "ADDRESS"] != [full]
    assert [text[d.start:d.end] for d in with_tagger if d.type == "ADDRESS"] == [full]


def test_tagged_spans_lose_courtesy_words_and_places_are_no_names() -> None:
    redactor = Redactor()

    def found(text: str, kind: str) -> list[str]:
        return [text[d.start:d.end] for d in redactor.detect(text) if d.type == kind]

    assert found("send it to 12 Beach Rd, Thanks", "ADDRESS") == ["12 Beach Rd"]
    assert found("My sister lives in Ho Chi Minh City", "PERSON") == []
    assert found("We visited Madam Tussauds", "PERSON") == []


def test_the_tagger_setting_is_validated() -> None:
    with pytest.raises(ValueError, match=r"redaction\.tagger: expected true or false"):
        RedactionConfig.from_dict({"tagger": "yes"})
    assert RedactionConfig.from_dict({"tagger": False}).tagger is False
    for bad in (1.5, "high", True):
        with pytest.raises(ValueError, match=r"redaction\.tagger_confidence: expected a number from 0 to 1"):
            RedactionConfig.from_dict({"tagger_confidence": bad})


def test_the_cli_trains_without_the_excluded_groups(tmp_path: Path) -> None:
    out = tmp_path / "model.crfsuite"
    fixture = tmp_path / "labels.jsonl"
    rows = [r for r in load_eval(EVAL) if r["group"] in ("dev", "blind6")]
    fixture.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "data", "train-redaction-tagger", str(fixture), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert report["excluded_groups"] == list(HELD_OUT_GROUPS)
    assert report["sentences"] == sum(1 for r in rows if r["group"] == "dev")
    assert out.stat().st_size == report["bytes"] > 0
    empty = tmp_path / "only-blind6.jsonl"
    empty.write_text("\n".join(json.dumps(r) for r in rows if r["group"] == "blind6") + "\n", encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "bot", "data", "train-redaction-tagger", str(empty), "--out",
                             str(tmp_path / "x.crfsuite")], cwd=ROOT, capture_output=True, text=True)
    assert failed.returncode != 0 and "no labelled sentences" in failed.stderr


def test_eval_redaction_writes_its_scores_and_refuses_an_empty_group(tmp_path: Path) -> None:
    from bot.cli import main

    out = tmp_path / "scores.json"
    assert main(["data", "eval-redaction", "--group", "heldout", "--no-tagger", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert record["groups"] == ["heldout"] and record["tagger"] is False and record["sentences"] == 67
    assert record["command"].endswith("--group heldout --no-tagger")
    assert record["scores"]["EMAIL"]["gold"] == 2 and 0 <= record["scores"]["PERSON"]["recall"] <= 1
    assert main(["data", "eval-redaction", "--group", "no-such-group"]) != 0
