"""End to end: `python -m bot data run` on every input format; outputs complete, free of raw personal data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import List, Sequence

import pytest
import yaml

from bot.cli import main
from bot.data.label import Prediction
from bot.data.pipeline import load_config, run_pipeline
from bot.data.schema import load_conversations

FIXTURES = Path(__file__).parent / "fixtures"
ABCD_SAMPLE = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "abcd" / "abcd_sample.json"
REPO = Path(__file__).resolve().parents[3]

RAW_VALUES = ["cminh730", "Crystal", "625-2661", "aphoenix939", "Phoenix", "7916676427", "3348917502",
              "jenna.morales", "Jenna", "Kevin", "kevin.r", "HP-482913", "sender-one", "joyce"]


class FirstWordParser:
    """Stands in for the Rasa model: 'order' -> order_status (sure), anything else -> greet (unsure)."""

    def parse(self, texts: Sequence[str]) -> List[Prediction]:
        return [Prediction("order_status", 0.9) if "order" in t.lower() else Prediction("greet", 0.3) for t in texts]


def write_config(tmp_path: Path, extra_inputs: list | None = None, **sections) -> Path:
    config = {
        "output_dir": "out",
        "inputs": [
            {"path": str(ABCD_SAMPLE), "format": "abcd"},
            {"path": str(FIXTURES / "messages.csv"), "format": "csv",
             "options": {"conversation_column": "ticket", "text_column": "body", "role_column": "author",
                         "timestamp_column": "sent_at"}},
            {"path": str(FIXTURES / "qa.csv"), "format": "qa-csv"},
            {"path": str(FIXTURES / "trackers.jsonl"), "format": "rasa-tracker"},
            {"path": str(FIXTURES / "tracker_store.db"), "format": "rasa-sql"},
            *(extra_inputs or []),
        ],
        "cleaning": {"min_turns": 1},
        "labelling": {"enabled": True, "threshold": 0.6},
        "split": {"ratios": {"train": 0.6, "validation": 0.2, "test": 0.2}, "seed": 7},
        "nlu_export": {"enabled": True, "min_confidence": 0.6, "domain": str(REPO / "domain.yml")},
        **sections,
    }
    path = tmp_path / "pipeline.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_run_writes_every_output_without_raw_personal_data(tmp_path: Path) -> None:
    report = run_pipeline(write_config(tmp_path), progress=False, parser=FirstWordParser())
    out = tmp_path / "out"
    assert sorted(folder_digest(out)) == [
        "DATASET_CARD.md", "conversations.jsonl", "low_confidence.csv", "nlu.yml",
        "reports/import_issues.json", "reports/run_report.json",
        "splits/test.jsonl", "splits/train.jsonl", "splits/validation.jsonl",
    ]
    # imports: 3 ABCD + 2 CSV + 3 QA + 2 trackers; the SQL store repeats the tracker ids
    assert report["import"]["conversations"] == 10
    issues = json.loads((out / "reports" / "import_issues.json").read_text())
    assert sum("duplicate conversation_id" in i["reason"] for i in issues) == 2
    assert {"messages.csv", "qa.csv"} <= {Path(i["file"]).name for i in issues}

    everything = [c for c in load_conversations(out / "conversations.jsonl")]
    split_ids = {name: [c.conversation_id for c in load_conversations(out / "splits" / f"{name}.jsonl")]
                 for name in ("train", "validation", "test")}
    all_split_ids = [i for ids in split_ids.values() for i in ids]
    assert sorted(all_split_ids) == sorted(c.conversation_id for c in everything)
    assert len(set(all_split_ids)) == len(all_split_ids)

    for name, digest in folder_digest(out).items():
        text = (out / name).read_text(encoding="utf-8")
        for value in RAW_VALUES:
            assert value not in text, f"{value!r} left in {name}"

    assert report["redaction"]["entities"]["EMAIL"] == 3 and report["redaction"]["entities"]["PERSON"] >= 5
    assert report["cleaning"]["turns_dropped"]["system"] == 9
    assert report["labelling"]["labelled_by_model"] >= 1 and report["labelling"]["low_confidence"] >= 1
    nlu = yaml.safe_load((out / "nlu.yml").read_text())
    # tracker labels are kept (complaint at 0.55 is under min_confidence); the model adds order_status
    assert [item["intent"] for item in nlu["nlu"]] == ["order_status", "request_human", "thanks"]

    card = (out / "DATASET_CARD.md").read_text()
    for heading in ("## Splits", "## Labelled customer turns per intent", "## Redaction", "## Cleaning", "## Pipeline configuration"):
        assert heading in card
    assert f"| train | {len(split_ids['train'])} |" in card


def test_failed_run_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    config = write_config(tmp_path, labelling={"enabled": False})
    run_pipeline(config, progress=False)
    before = folder_digest(tmp_path / "out")
    broken = write_config(tmp_path, extra_inputs=[{"path": str(tmp_path / "missing.csv"), "format": "csv"}], labelling={"enabled": False})
    with pytest.raises(ValueError, match="missing.csv: input file not found"):
        run_pipeline(broken, progress=False)
    assert folder_digest(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pipeline.yml"]


def test_config_errors_name_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yml"
    path.write_text(yaml.safe_dump({"output_dir": "out", "inputs": [{"path": "x", "format": "xml"}]}))
    with pytest.raises(ValueError, match=r"pipeline.yml: invalid pipeline config: inputs.0.format"):
        load_config(path)
    path.write_text(yaml.safe_dump({"output_dir": "out", "inputs": [{"path": "x", "format": "csv"}], "cleaning": {"bogus": 1}}))
    with pytest.raises(ValueError, match=r"pipeline.yml: cleaning: unknown key\(s\) \['bogus'\]"):
        load_config(path)
    path.write_text(yaml.safe_dump({"output_dir": "out", "inputs": [{"path": "x", "format": "csv"}], "split": {"ratios": {"train": 0.5}}}))
    with pytest.raises(ValueError, match="sum to 1"):
        load_config(path)


def test_project_pipeline_config_is_valid() -> None:
    config, _ = load_config(REPO / "data" / "pipeline.yml")
    assert config.inputs[0].format == "abcd"


def test_cli_steps_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, red, clean = tmp_path / "raw.jsonl", tmp_path / "red.jsonl", tmp_path / "clean.jsonl"
    assert main(["data", "import", "--format", "abcd", str(ABCD_SAMPLE), "--out", str(raw)]) == 0
    assert main(["data", "redact", str(raw), "--out", str(red)]) == 0
    assert json.loads((tmp_path / "red.redaction.json").read_text())["entities"]["EMAIL"] == 2
    assert main(["data", "clean", str(red), "--out", str(clean), "--languages", "en"]) == 0
    assert main(["data", "split", str(clean), "--out-dir", str(tmp_path / "splits"), "--ratios", "train=0.34,validation=0.33,test=0.33"]) == 0
    sizes = [len(list(load_conversations(tmp_path / "splits" / f"{n}.jsonl"))) for n in ("train", "validation", "test")]
    assert sorted(sizes) == [1, 1, 1]
    assert main(["data", "card", "--splits-dir", str(tmp_path / "splits"), "--out", str(tmp_path / "card.md")]) == 0
    assert "| validation | 1 |" in (tmp_path / "card.md").read_text()
    assert main(["data", "split", str(clean), "--out-dir", str(tmp_path / "s2"), "--ratios", "train=0.9"]) == 2
    assert "sum to 1" in capsys.readouterr().err
    assert main(["data", "eval-redaction", "--group", "heldout"]) == 0


@pytest.mark.parametrize("step", [["redact"], ["clean"], ["split", "--out-dir", "splits"], ["export-nlu"]])
def test_cli_step_on_a_missing_input_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str], step: list) -> None:
    missing = tmp_path / "missing.jsonl"
    out = [] if step[0] == "split" else ["--out", str(tmp_path / "out")]
    assert main(["data", step[0], str(missing), *step[1:], *out]) == 2
    assert f"error: {missing}: no such file" in capsys.readouterr().err


def test_cli_unwritable_output_is_an_error_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "taken").write_text("a file where the output folder would go")
    out = tmp_path / "taken" / "raw.jsonl"
    assert main(["data", "import", "--format", "abcd", str(ABCD_SAMPLE), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'taken'}: ")
    assert main(["data", "import", "--format", "abcd", str(tmp_path), "--out", str(tmp_path / "x.jsonl")]) == 2
    assert f"error: {tmp_path}: is a folder, not a file" in capsys.readouterr().err
