"""Labelling: auto-labels with confidence, review CSV out and back in, nlu.yml round trip through Rasa."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import List, Sequence

import pytest

from bot import paths
from bot.data.label import (
    HttpRasaParser, Prediction, SubprocessRasaParser, auto_label, domain_intents, export_review_csv, import_review_csv,
    training_examples, write_nlu_yaml,
)
from bot.data.schema import Conversation, Turn

RASA_PY = paths.rasa_python()
RASA_ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(paths.ROOT)}
needs_rasa = pytest.mark.skipif(not RASA_PY.exists(), reason="Rasa environment (.venv/rasa) not installed")


class KeywordParser:
    """Stands in for the NLU model (an external component): keyword -> intent with a fixed confidence."""

    def __init__(self) -> None:
        self.calls: List[List[str]] = []

    def parse(self, texts: Sequence[str]) -> List[Prediction]:
        self.calls.append(list(texts))
        result = []
        for text in texts:
            if "order" in text:
                result.append(Prediction("order_status", 0.95))
            elif "return" in text:
                result.append(Prediction("return_item", 0.4))
            else:
                result.append(Prediction("nlu_fallback", 0.9))
        return result


def sample() -> List[Conversation]:
    return [
        Conversation(conversation_id="c1", turns=[
            Turn(role="customer", text="where is my order <ORDER_ID_1>?"),
            Turn(role="agent", text="Let me check."),
            Turn(role="customer", text="I want to return it"),
        ]),
        Conversation(conversation_id="c2", turns=[
            Turn(role="customer", text="hmm", intent="greet", intent_confidence=1.0, metadata={"label_source": "human"}),
            Turn(role="customer", text="blah blah"),
        ]),
    ]


def test_auto_label_marks_low_confidence_and_keeps_human_labels() -> None:
    parser = KeywordParser()
    labelled, report = auto_label(sample(), parser, threshold=0.6)
    assert parser.calls == [["where is my order <ORDER_ID_1>?", "I want to return it", "blah blah"]]
    first = labelled[0].turns
    assert (first[0].intent, first[0].intent_confidence, first[0].metadata) == ("order_status", 0.95, {"label_source": "model"})
    assert first[2].intent == "return_item" and first[2].metadata["needs_review"] is True
    assert labelled[1].turns[0].intent == "greet"  # human label untouched
    assert labelled[1].turns[1].metadata["needs_review"] is True  # fallback counts as low confidence
    assert report.to_dict() == {"customer_turns": 4, "labelled_by_model": 1, "low_confidence": 2,
                                "kept_existing_labels": 1, "intents": {"order_status": 1}}


def test_review_csv_round_trip_checks_labels_against_the_domain(tmp_path: Path) -> None:
    labelled, _ = auto_label(sample(), KeywordParser(), threshold=0.6)
    review = tmp_path / "review.csv"
    assert export_review_csv(labelled, review) == 2
    rows = list(csv.DictReader(review.open()))
    assert list(rows[0]) == ["conversation_id", "turn_index", "text", "predicted_intent", "confidence", "label"]
    assert (rows[0]["conversation_id"], rows[0]["turn_index"], rows[0]["predicted_intent"], rows[0]["label"]) == ("c1", "2", "return_item", "")

    rows[0]["label"] = "return_item"
    rows[1]["label"] = "no_such_intent"
    extra = dict(rows[0], turn_index="7", label="greet")
    edited = dict(rows[0], text="a different text", label="greet")
    with review.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([rows[0], rows[1], extra, edited])

    intents = domain_intents(paths.DOMAIN_YML)
    updated, result = import_review_csv(labelled, review, intents)
    assert result.applied == 1
    assert [e.split(": ", 1)[0].rsplit(":", 1)[1] for e in result.errors] == ["3", "4", "5"]
    assert "not an intent of the domain" in result.errors[0]
    assert "no such conversation/turn" in result.errors[1]
    assert "text differs" in result.errors[2]
    turn = updated[0].turns[2]
    assert (turn.intent, turn.intent_confidence, turn.metadata) == ("return_item", 1.0, {"label_source": "human"})


def test_review_csv_with_a_broken_quote_reports_the_row(tmp_path: Path) -> None:
    labelled, _ = auto_label(sample(), KeywordParser(), threshold=0.6)
    review = tmp_path / "review.csv"
    export_review_csv(labelled, review)
    rows = list(csv.DictReader(review.open()))
    rows[0]["label"] = "return_item"
    with review.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(rows[0])
        handle.write('c1,3,"a quote never closed,greet,0.5,greet\n')  # a hand edit gone wrong

    updated, result = import_review_csv(labelled, review, domain_intents(paths.DOMAIN_YML))
    assert result.applied == 1
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{review}:3: unreadable CSV row (line 3: ")
    assert updated[0].turns[2].intent == "return_item"


def test_training_examples_filter_and_deduplicate() -> None:
    conversations = [Conversation(conversation_id="c", turns=[
        Turn(role="customer", text="Where is my order?", intent="order_status", intent_confidence=0.9),
        Turn(role="customer", text="where is my ORDER?", intent="order_status", intent_confidence=0.95),
        Turn(role="customer", text="maybe a return", intent="return_item", intent_confidence=0.3),
        Turn(role="customer", text="I want to return it", intent="return_item", intent_confidence=0.3, metadata={"label_source": "human"}),
        Turn(role="customer", text="unknown", intent="not_in_domain", intent_confidence=0.99),
        Turn(role="agent", text="agent text", intent="greet"),
    ])]
    examples = training_examples(conversations, min_confidence=0.6, allowed_intents=["order_status", "return_item", "greet"])
    assert examples == {"order_status": ["Where is my order?"], "return_item": ["I want to return it"]}


TRICKY = [
    "where is my order <ORDER_ID_1>?",
    "I saw [this](link) on the site",
    'she said "cancel it" #urgent: now',
    "- starts with a dash",
    "price: $49.99 {not json}",
    "multi\nline   text",
]


@needs_rasa
@pytest.mark.slow
def test_nlu_yml_round_trip_through_rasa_reader_and_validate(tmp_path: Path) -> None:
    intents = domain_intents(paths.DOMAIN_YML)
    conversations = [Conversation(conversation_id="c", turns=[
        Turn(role="customer", text=text, intent=intents[i % 3], intent_confidence=0.9) for i, text in enumerate(TRICKY)
    ])]
    examples = training_examples(conversations, 0.6, intents)
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    shutil.copy(paths.DOMAIN_YML, project / "domain.yml")
    shutil.copy(paths.CONFIG_YML, project / "config.yml")
    nlu = project / "data" / "nlu.yml"
    assert write_nlu_yaml(examples, nlu) == len(TRICKY)

    script = (
        "import json, sys\n"
        "from rasa.shared.nlu.training_data.loading import load_data\n"
        "data = load_data(sys.argv[1])\n"
        "print(json.dumps(sorted([m.get('intent'), m.get('text'), len(m.get('entities') or [])] for m in data.intent_examples)))\n"
    )
    loaded = subprocess.run([str(RASA_PY), "-c", script, str(nlu)], capture_output=True, text=True, timeout=300, env=RASA_ENV)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    got = json.loads(loaded.stdout.strip().splitlines()[-1])
    expected = sorted([intent, text, 0] for intent, texts in examples.items() for text in texts)
    assert got == expected
    assert any(row[1] == "multi line text" for row in got)

    validate = subprocess.run(
        [str(paths.rasa_executable()), "data", "validate", "--data", "data", "--domain", "domain.yml", "--config", "config.yml"],
        cwd=project, capture_output=True, text=True, timeout=300, env=RASA_ENV,
    )
    assert validate.returncode == 0, (validate.stdout + validate.stderr)[-3000:]


NLU_CONFIG = """
recipe: default.v1
language: en
assistant_id: data-pipeline-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: LogisticRegressionClassifier
policies: []
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real Rasa NLU model trained on a dozen examples (about a minute on 2 cores)."""
    folder = tmp_path_factory.mktemp("tiny-rasa")
    examples = {
        "order_status": ["where is my order", "has my order shipped", "order status please", "track my order",
                         "when will my order arrive", "is my order on the way"],
        "return_item": ["i want to return my shoes", "how do i return this", "return an item", "send it back for a refund",
                        "start a return", "i need to return a jacket"],
    }
    write_nlu_yaml(examples, folder / "nlu.yml")
    (folder / "config.yml").write_text(NLU_CONFIG)
    trained = subprocess.run(
        [str(paths.rasa_executable()), "train", "nlu", "--nlu", "nlu.yml", "--config", "config.yml", "--out", "models",
         "--fixed-model-name", "tiny"],
        cwd=folder, capture_output=True, text=True, timeout=600, env=RASA_ENV,
    )
    assert trained.returncode == 0, (trained.stdout + trained.stderr)[-3000:]
    return folder / "models" / "tiny.tar.gz"


@needs_rasa
@pytest.mark.slow
def test_subprocess_parser_labels_with_a_real_rasa_model(tiny_model: Path) -> None:
    parser = SubprocessRasaParser(tiny_model)
    predictions = parser.parse(["where is my order?", "I would like to return these boots"])
    assert [p.intent for p in predictions] == ["order_status", "return_item"]
    assert all(0.5 < p.confidence <= 1.0 for p in predictions)


@needs_rasa
@pytest.mark.slow
def test_http_parser_labels_through_a_running_rasa_server(tiny_model: Path, tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "rasa.log").open("w")
    server = subprocess.Popen(
        [str(paths.rasa_executable()), "run", "--enable-api", "--model", str(tiny_model), "--port", str(port),
         "--interface", "127.0.0.1"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=RASA_ENV,
    )
    try:
        deadline = time.monotonic() + 240
        while True:  # poll until the model is loaded (readiness, not luck)
            assert server.poll() is None, (tmp_path / "rasa.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as response:
                    if json.loads(response.read()).get("model_file"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Rasa server did not load the model in 240 s"
            time.sleep(0.5)
        parser = HttpRasaParser(f"http://127.0.0.1:{port}")
        predictions = parser.parse(["track my order please", "how do I return a jacket"])
        assert [p.intent for p in predictions] == ["order_status", "return_item"]
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
