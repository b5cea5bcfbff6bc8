"""The evaluation: which labelled file holds a group, type aliases of other authors, the eval command's JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bot.privacy.evaluation import EVAL_FILE, eval_files, load_eval

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "bot" / "data" / "fixtures"


def test_a_group_is_looked_up_in_every_labelled_fixture() -> None:
    assert eval_files(None, FIXTURES) == [FIXTURES / "pii_eval.jsonl"]
    assert eval_files(["blind6"], FIXTURES) == [FIXTURES / "pii_eval.jsonl"]
    assert eval_files(["natid_dev"], FIXTURES) == [FIXTURES / "pii_national_dev.jsonl"]
    assert eval_files(["natid_dev", "dev"], FIXTURES) == [FIXTURES / "pii_eval.jsonl", FIXTURES / "pii_national_dev.jsonl"]
    assert eval_files(["no-such-group"], FIXTURES) == [FIXTURES / "pii_eval.jsonl"]
    assert EVAL_FILE == Path("tests/bot/data/fixtures/pii_eval.jsonl")  # relative: the committed JSON name it so


def test_other_authors_type_names_are_read_as_ours(tmp_path: Path) -> None:
    labels = tmp_path / "pii_x.jsonl"
    labels.write_text(json.dumps({"text": "card 4111 1111 1111 1111", "group": "x",
                                  "spans": [{"start": 5, "end": 24, "type": "CARD"}]}) + "\n", encoding="utf-8")
    assert load_eval(labels)[0]["spans"][0]["type"] == "CARD_NUMBER"


def test_eval_redaction_finds_the_national_id_set_by_its_group(tmp_path: Path, monkeypatch) -> None:
    from bot.cli import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "natid_dev.json"
    assert main(["data", "eval-redaction", "--group", "natid_dev", "--no-tagger", "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["file"] == "tests/bot/data/fixtures/pii_national_dev.jsonl"
    assert report["command"] == ("python -m bot data eval-redaction tests/bot/data/fixtures/pii_national_dev.jsonl "
                                 "--group natid_dev --no-tagger")
    assert report["sentences"] == 300
    assert report["scores"]["NATIONAL_ID"]["gold"] == 133 and report["scores"]["DATE_OF_BIRTH"]["gold"] == 70
    assert report["scores"]["CARD_NUMBER"]["gold"] == 1  # labelled "CARD" in the file
